"""Boundaries read the same whatever the file: GeoJSON (json and shapely) or GeoPackage (GDAL), in degrees."""

import json
import shutil
from pathlib import Path

import pyogrio
import pytest
import shapely

from placeplan.scenarios import ScenarioError
from placeplan.scenarios.boundaries import read_boundaries
from placeplan.scenarios.inputs import read_districts
from placeplan.scenarios.loading import load

TAIYUAN = Path(__file__).parents[2] / "scenarios" / "taiyuan"


def _shapes(folder: Path, boundaries: str) -> dict:
    scenario = folder / "baseline.yaml"
    text = (
        (TAIYUAN / "baseline.yaml")
        .read_text(encoding="utf-8")
        .replace("boundaries: districts.geojson", f"boundaries: {boundaries}")
    )
    scenario.write_text(text, encoding="utf-8")
    loaded = load(scenario)
    return read_boundaries(loaded, read_districts(loaded), [])


@pytest.fixture(scope="module")
def taiyuan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("boundaries") / "taiyuan"
    shutil.copytree(TAIYUAN, folder)
    frame = pyogrio.read_dataframe(folder / "districts.geojson")
    pyogrio.write_dataframe(frame, folder / "districts.gpkg")
    pyogrio.write_dataframe(frame.to_crs("EPSG:32649"), folder / "utm.gpkg")  # UTM zone 49N, in metres
    return folder


def test_a_geopackage_gives_the_shapes_the_geojson_gives(taiyuan):
    geojson, gpkg = _shapes(taiyuan, "districts.geojson"), _shapes(taiyuan, "districts.gpkg")
    assert list(geojson) == list(gpkg) and len(geojson) == 10
    assert all(shapely.equals_exact(geojson[code], gpkg[code], tolerance=1e-12) for code in geojson)


def test_projected_coordinates_with_their_crs_come_back_in_degrees(taiyuan):
    geojson, utm = _shapes(taiyuan, "districts.geojson"), _shapes(taiyuan, "utm.gpkg")
    assert all(shapely.equals_exact(geojson[code], utm[code], tolerance=1e-6) for code in geojson)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "Feature", "geometry": null}', "not a GeoJSON FeatureCollection: no list of features"),
        ("[1, 2]", "not a GeoJSON FeatureCollection: no list of features"),
        ('{"type": "FeatureCollection", "features": [', "not JSON: expecting value at line 1, column 44"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_one_message(taiyuan, text, reason, monkeypatch):
    monkeypatch.chdir(taiyuan)
    (taiyuan / "broken.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        _shapes(taiyuan, "broken.geojson")
    assert str(error.value) == f"baseline.yaml: boundaries: broken.geojson: cannot read ({reason})"


@pytest.mark.parametrize(
    ("geometry", "properties", "reason"),
    [
        ({"type": "Polygon"}, None, "feature 1 (code 140105): not a GeoJSON geometry: key 'coordinates' not found"),
        ("abc", None, "feature 1 (code 140105): not a GeoJSON geometry: cannot use at() with string"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
            None,
            "feature 1 (code 140105): not a GeoJSON geometry: IllegalArgumentException: Points of LinearRing do not "
            "form a closed linestring",
        ),
        (None, ["140105"], "feature 1: its properties are not an object of names and values"),
    ],
)
def test_a_broken_feature_is_named_by_its_number_and_code(taiyuan, geometry, properties, reason, monkeypatch):
    monkeypatch.chdir(taiyuan)
    collection = json.loads((TAIYUAN / "districts.geojson").read_text(encoding="utf-8"))
    first = collection["features"][0]
    first["geometry"] = first["geometry"] if geometry is None else geometry
    first["properties"] = first["properties"] if properties is None else properties
    (taiyuan / "broken.geojson").write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        _shapes(taiyuan, "broken.geojson")
    assert str(error.value) == f"baseline.yaml: boundaries: broken.geojson: cannot read ({reason})"


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        (
            "nonsense",
            "broken.geojson: its CRS 'nonsense' is not a coordinate system PROJ knows; save it in EPSG:4326 "
            "(longitude and latitude) or with an EPSG code",
        ),
        (
            "EPSG:999999",
            "broken.geojson: its CRS 'EPSG:999999' is not a coordinate system PROJ knows; save it in EPSG:4326 "
            "(longitude and latitude) or with an EPSG code",
        ),
    ],
)
def test_a_crs_nobody_knows_is_one_message(taiyuan, crs, message, monkeypatch):
    """Found by fuzzing: pyproj's CRSError used to end the run with a traceback."""
    monkeypatch.chdir(taiyuan)
    collection = json.loads((TAIYUAN / "districts.geojson").read_text(encoding="utf-8"))
    collection["crs"] = {"type": "name", "properties": {"name": crs}}
    (taiyuan / "broken.geojson").write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        _shapes(taiyuan, "broken.geojson")
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ({}, "broken.geojson: no 'code' property (the district code of each shape); its features have no properties"),
        ({"code": None}, "broken.geojson: feature 1 has no code; each shape needs its district's code"),
        ({"code": ""}, "broken.geojson: feature 1 has no code; each shape needs its district's code"),
    ],
)
def test_a_shape_without_a_code_is_named(taiyuan, properties, message, monkeypatch):
    monkeypatch.chdir(taiyuan)
    collection = json.loads((TAIYUAN / "districts.geojson").read_text(encoding="utf-8"))
    if properties:
        collection["features"][0]["properties"] = properties
    else:
        for feature in collection["features"]:
            feature["properties"] = {}
    (taiyuan / "broken.geojson").write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        _shapes(taiyuan, "broken.geojson")
    assert str(error.value) == message
