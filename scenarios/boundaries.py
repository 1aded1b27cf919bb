"""District boundaries: a local GeoJSON, GeoPackage or shapefile whose ``code`` matches the district table.

Checked before anything is drawn: the file must be a local file of a
supported format (no GDAL virtual file systems, no devices), every shape must
be present and valid, coordinates must be longitude and latitude (or carry
their CRS), and overlapping districts are a warning.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ScenarioError
from .loading import Loaded, shown

if TYPE_CHECKING:
    from .inputs import Districts

FORMATS = (".geojson", ".json", ".gpkg", ".shp")
OVERLAP = 0.01
"""Share of the smaller district two shapes may overlap before a warning (simplified borders overlap a little)."""


def read_boundaries(loaded: Loaded, districts: "Districts", warnings: list[str]) -> Any:
    """District shapes in longitude and latitude, indexed by code in the district table's order."""
    path = loaded.scenario.boundaries
    if path is None:
        return None
    where = f"{loaded.where('boundaries')}: {shown(path)}"
    if Path(path).suffix.lower() not in FORMATS:
        raise ScenarioError(
            f"{where}: unsupported format; use GeoJSON (.geojson), GeoPackage (.gpkg) or shapefile (.shp)"
        )
    if not Path(path).is_file():
        raise ScenarioError(f"{where}: no such file (boundaries must be a local file)")
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        shapes = gpd.read_file(path, engine="pyogrio")
    except (DataSourceError, DataLayerError, OSError, ValueError) as error:
        raise ScenarioError(f"{where}: cannot read ({str(error).splitlines()[0]})") from None
    if "code" not in shapes:
        raise ScenarioError(f"{shown(path)}: no 'code' property; has {', '.join(c for c in shapes if c != 'geometry')}")
    shapes["code"] = shapes["code"].astype(str)
    extra = sorted(set(shapes["code"]) - set(districts.codes))
    missing = sorted(set(districts.codes) - set(shapes["code"]))
    if extra or missing:
        raise ScenarioError(
            f"{shown(path)}: district codes do not match the district table {shown(loaded.scenario.districts)}: "
            f"not in the table: {', '.join(extra) or 'none'}; without a shape: {', '.join(missing) or 'none'}"
        )
    if shapes["code"].duplicated().any():
        raise ScenarioError(f"{shown(path)}: code {shapes['code'][shapes['code'].duplicated()].iloc[0]} appears twice")
    shapes = _in_degrees(shapes, shown(path))
    _valid(shapes, shown(path))
    warnings.extend(_overlaps(shapes, shown(path)))
    return shapes.set_index("code").loc[districts.codes]


def _in_degrees(shapes: Any, name: str) -> Any:
    """Shapes in longitude and latitude (EPSG:4326): converted when the file names its CRS."""
    if shapes.crs is not None and not shapes.crs.is_geographic:
        return shapes.to_crs("EPSG:4326")
    west, south, east, north = shapes.total_bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ScenarioError(
            f"{name}: coordinates run {west:,.0f}..{east:,.0f} by {south:,.0f}..{north:,.0f}, not longitude and "
            "latitude, and the file names no CRS; save it with its CRS (or in EPSG:4326)"
        )
    return shapes


def _valid(shapes: Any, name: str) -> None:
    """Every district has a non-empty, valid polygon."""
    import shapely

    for code, shape in zip(shapes["code"], shapes.geometry, strict=True):
        if shape is None or shape.is_empty:
            raise ScenarioError(f"{name}: district {code} has no shape (empty geometry)")
        if shape.geom_type not in ("Polygon", "MultiPolygon"):
            raise ScenarioError(f"{name}: district {code} is a {shape.geom_type}; districts must be polygons")
        if not shape.is_valid:
            reason = shapely.is_valid_reason(shape)
            raise ScenarioError(
                f"{name}: district {code} has an invalid shape ({reason}); repair it, e.g. QGIS "
                "Vector > Geometry Tools > Fix Geometries"
            )


def _overlaps(shapes: Any, name: str) -> list[str]:
    """Warnings for districts whose shapes overlap by more than ``OVERLAP`` of the smaller."""
    geometry = shapes.geometry.to_numpy()
    left, right = shapes.sindex.query(geometry, predicate="overlaps")
    notes = []
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = geometry[i].intersection(geometry[j]).area
        smaller = min(geometry[i].area, geometry[j].area)
        if smaller > 0 and shared / smaller > OVERLAP:
            codes = shapes["code"].to_numpy()
            notes.append(
                f"boundaries: districts {codes[i]} and {codes[j]} overlap ({shared / smaller:.0%} of the smaller) "
                f"in {name}; maps will draw both over the same ground"
            )
    return notes
