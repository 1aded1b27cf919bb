"""District boundaries: a local GeoJSON, GeoPackage or shapefile whose ``code`` matches the district table.

Checked before anything is drawn: the file must be a local file of a
supported format (no GDAL virtual file systems, no devices), every shape must
be present and valid, coordinates must be longitude and latitude (or carry
their CRS), and overlapping districts are a warning.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ScenarioError
from .loading import Loaded, shown

if TYPE_CHECKING:
    from .inputs import Districts

FORMATS = (".geojson", ".json", ".gpkg", ".shp")
OVERLAP = 0.01
"""Share of the smaller district two shapes may overlap before a warning (simplified borders overlap a little)."""


def read_boundaries(loaded: Loaded, districts: "Districts", warnings: list[str]) -> dict[str, Any]:
    """Each district's shape (shapely) in longitude and latitude, by code in the district table's order.

    Read with json and shapely (GeoJSON) or pyogrio (GeoPackage, shapefile): geopandas is imported only to
    draw.
    """
    path = loaded.scenario.boundaries
    if path is None:
        return {}
    where = f"{loaded.where('boundaries')}: {shown(path)}"
    if Path(path).suffix.lower() not in FORMATS:
        raise ScenarioError(
            f"{where}: unsupported format; use GeoJSON (.geojson), GeoPackage (.gpkg) or shapefile (.shp)"
        )
    if not Path(path).is_file():
        raise ScenarioError(f"{where}: no such file (boundaries must be a local file)")
    import shapely

    try:
        reader = _geojson if Path(path).suffix.lower() in (".geojson", ".json") else _gdal
        fields, columns, shapes, crs = reader(path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
        raise ScenarioError(f"{where}: cannot read ({(str(error) or type(error).__name__).splitlines()[0]})") from None
    if "code" not in fields:
        has = f"has {', '.join(fields)}" if fields else "its features have no properties"
        raise ScenarioError(f"{shown(path)}: no 'code' property (the district code of each shape); {has}")
    codes = [str(code) for code in columns[fields.index("code")]]
    blank = next((i for i, code in enumerate(codes, 1) if code in ("", "None", "nan")), None)
    if blank is not None:
        raise ScenarioError(f"{shown(path)}: feature {blank} has no code; each shape needs its district's code")
    extra = sorted(set(codes) - set(districts.codes))
    missing = sorted(set(districts.codes) - set(codes))
    if extra or missing:
        raise ScenarioError(
            f"{shown(path)}: district codes do not match the district table {shown(loaded.scenario.districts)}: "
            f"not in the table: {', '.join(extra) or 'none'}; without a shape: {', '.join(missing) or 'none'}"
        )
    repeated = [code for i, code in enumerate(codes) if code in codes[:i]]
    if repeated:
        raise ScenarioError(f"{shown(path)}: code {repeated[0]} appears twice")
    shapes = _in_degrees(shapes, crs, shown(path))
    _valid(codes, shapes, shown(path))
    warnings.extend(_overlaps(codes, shapes, shown(path)))
    by_code = dict(zip(codes, shapes, strict=True))
    return {code: by_code[code] for code in districts.codes}


Read = tuple[list[str], list[list[Any]], Any, str | None]
"""A boundary file's property names, its property values by name, its shapes and its CRS (None if unnamed)."""


def _geojson(path: str) -> Read:
    """GeoJSON with json and shapely: quicker to start than GDAL, which a run does not otherwise need."""
    import shapely

    try:
        with open(path, "rb") as file:
            collection = json.load(file)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg.lower()} at line {error.lineno}, column {error.colno}") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not all(isinstance(feature, dict) for feature in features):
        raise ValueError("not a GeoJSON FeatureCollection: no list of features")
    properties = [feature.get("properties") or {} for feature in features]
    for i, row in enumerate(properties, 1):
        if not isinstance(row, dict):
            raise ValueError(f"feature {i}: its properties are not an object of names and values")
    fields = list(dict.fromkeys(name for row in properties for name in row))
    columns = [[row.get(name) for row in properties] for name in fields]
    geometries = [None if f.get("geometry") is None else json.dumps(f["geometry"]) for f in features]
    try:
        shapes = shapely.from_geojson(geometries)
    except shapely.errors.GEOSException:
        for i, (geometry, row) in enumerate(zip(geometries, properties, strict=True), 1):
            try:
                shapely.from_geojson(geometry)
            except shapely.errors.GEOSException as error:
                reason = str(error).rsplit("] ", 1)[-1].strip("'")  # GEOS's words, without its JSON library's codes
                raise ValueError(f"feature {i} (code {row.get('code')}): not a GeoJSON geometry: {reason}") from None
        raise
    named = collection.get("crs") or {}  # a CRS by name: GeoJSON before RFC 7946
    return fields, columns, shapes, (named.get("properties") or {}).get("name")


def _gdal(path: str) -> Read:
    """GeoPackage and shapefiles with pyogrio (GDAL)."""
    import shapely
    from pyogrio.errors import DataLayerError, DataSourceError
    from pyogrio.raw import read

    try:
        meta, _, wkb, columns = read(path)
    except (DataSourceError, DataLayerError) as error:
        raise ValueError(str(error)) from None
    return list(meta["fields"]), list(columns), shapely.from_wkb(wkb), meta["crs"]


def _in_degrees(shapes: Any, crs: str | None, name: str) -> Any:
    """Shapes in longitude and latitude (EPSG:4326): converted when the file names a projected CRS.

    GeoJSON is longitude and latitude by definition, so coordinates beyond them there mean a projected
    file saved without its CRS.
    """
    import shapely

    if crs is not None:
        from pyproj import CRS, Transformer
        from pyproj.exceptions import CRSError

        try:
            geographic = CRS.from_user_input(crs).is_geographic
        except CRSError:
            raise ScenarioError(
                f"{name}: its CRS {crs!r} is not a coordinate system PROJ knows; save it in EPSG:4326 "
                "(longitude and latitude) or with an EPSG code"
            ) from None
        if not geographic:
            to_degrees = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            return shapely.transform(shapes, lambda xy: np.column_stack(to_degrees.transform(xy[:, 0], xy[:, 1])))
    west, south, east, north = shapely.total_bounds(shapes)
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        named = "the file names no CRS" if crs is None else f"though the file names {crs}"
        raise ScenarioError(
            f"{name}: coordinates run {west:,.0f}..{east:,.0f} by {south:,.0f}..{north:,.0f}, not longitude and "
            f"latitude, and {named}; save it with its CRS (or in EPSG:4326)"
        )
    return shapes


def _valid(codes: list[str], shapes: Any, name: str) -> None:
    """Every district has a non-empty, valid polygon."""
    import shapely

    for code, shape in zip(codes, shapes, strict=True):
        if shape is None or shape.is_empty:
            raise ScenarioError(f"{name}: district {code} has no shape (empty geometry)")
        if shape.geom_type not in ("Polygon", "MultiPolygon"):
            raise ScenarioError(f"{name}: district {code} is a {shape.geom_type}; districts must be polygons")
        if not shape.is_valid:
            raise ScenarioError(
                f"{name}: district {code} has an invalid shape ({shapely.is_valid_reason(shape)}); repair it, e.g. "
                "QGIS Vector > Geometry Tools > Fix Geometries"
            )


def _overlaps(codes: list[str], shapes: Any, name: str) -> list[str]:
    """Warnings for districts whose shapes overlap by more than ``OVERLAP`` of the smaller."""
    import shapely

    left, right = shapely.STRtree(shapes).query(shapes, predicate="overlaps")
    notes = []
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = shapes[i].intersection(shapes[j]).area
        smaller = min(shapes[i].area, shapes[j].area)
        if smaller > 0 and shared / smaller > OVERLAP:
            notes.append(
                f"boundaries: districts {codes[i]} and {codes[j]} overlap ({shared / smaller:.0%} of the smaller) "
                f"in {name}; maps will draw both over the same ground"
            )
    return notes


def bordering(boundaries: dict[str, Any]) -> set[tuple[str, str]]:
    """Pairs of districts whose boundaries share a border (a line, not a point), both ways."""
    import shapely

    codes = list(boundaries)
    shapes = np.array([boundaries[c] for c in codes], dtype=object)
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    out = set()
    for i, j in zip(left, right, strict=True):
        if i < j and shapes[i].boundary.intersection(shapes[j].boundary).length > 0:
            out |= {(codes[i], codes[j]), (codes[j], codes[i])}
    return out
