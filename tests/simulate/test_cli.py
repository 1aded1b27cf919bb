"""The command line: outputs of a run, and one clear message with exit code 2 for every input mistake."""

import datetime
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr
import yaml
from click.testing import CliRunner

from placeplan.simulate.cli import main

from ..conftest import SCENARIO, TABLES, squares, write_tiny


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_run_writes_every_output(tiny, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", str(tiny), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "indicators.csv",
        "maps",
        "population.csv",
        "results.csv",
        "results.nc",
        "run.json",
        "schools.csv",
    ]
    table = pd.read_csv(out / "results.csv", dtype={"area": str})
    assert list(table.columns[:14]) == [
        "scenario",
        "area",
        "area_name",
        "stage",
        "year",
        "school_age_population",
        "enrolment",
        "public_demand",
        "public_capacity",
        "gap",
        "utilization",
        "classes_needed",
        "teachers_needed",
        "cost",
    ]
    assert len(table) == (2 + 1) * 4  # primary in 2 districts, senior in 1 area, 4 years
    assert (table["gap"] == table["public_demand"] - table["public_capacity"]).all()
    population = pd.read_csv(out / "population.csv")
    assert list(population.columns) == ["district", "sex", "age", "year", "population"]
    assert len(population) == 2 * 2 * 51 * 4
    record = json.loads((out / "run.json").read_text())
    assert record["scenario"] == "tiny" and record["seed"] is None
    assert any(name.endswith("schools.csv") for name in record["inputs"])
    assert sorted(p.name for p in (out / "maps").iterdir()) == [
        "gap_primary_2020.png",
        "gap_senior_2020.png",
        "gap_small_multiples.png",
        "series_primary_2.png",
        "series_senior_9.png",
    ]
    with xr.open_dataset(out / "results.nc") as stored:  # any NetCDF reader: figures along a figure dimension
        gap = stored["figures"].sel(figure="gap", stage="primary", area="1", year=2020)
        assert float(gap) == pytest.approx(600)


def test_validate_reports_what_it_checked(tiny):
    result = invoke("validate", str(tiny))
    assert result.exit_code == 0
    assert result.output == "tiny: ok (2 districts, 2 stages, 2020-2023)\n"


def test_run_logs_its_steps_on_stderr(tiny, tmp_path):
    result = invoke("run", str(tiny), "--out", str(tmp_path / "out"), "--no-maps")
    assert "projecting population" in result.stderr and "done" in result.stderr


def _broken(folder: Path, changes: dict | None = None, tables: dict[str, str] | None = None) -> Path:
    return write_tiny(folder, changes, tables)


def _replace(table: str, old: str, new: str) -> dict[str, str]:
    assert old in TABLES[table]
    return {table: TABLES[table].replace(old, new, 1)}


SHARE = {"action": "share", "stage": "primary", "area": "1", "to": "2", "year": 2021, "until": 2022, "pupils": 50}
BUY = {"action": "buy", "district": "1", "stage": "primary", "year": 2021, "until": 2021, "places": 300}
BAD_INPUT = {
    "unknown key": (
        {"stages": {**SCENARIO["stages"], "primary": {**SCENARIO["stages"]["primary"], "clas_size": 45}}},
        None,
        "scenario.yaml: stages.primary.clas_size: unknown key (did you mean 'class_size'?); allowed: ages, "
        "gross_enrolment, migrant_share, public_share, public_share_local, public_share_migrant, inclusive_share, "
        "class_size, pupil_teacher_ratio, cost_per_place, cost_per_class, conversion_cost_per_place, "
        "price_per_bought_place, transport_cost_per_pupil_year, salary, teachers_per_class, max_class_size, area, "
        "progression",
    ),
    "misspelled top key": (
        {"school": "schools.csv"},
        None,
        "scenario.yaml: school: unknown key (did you mean 'schools'?); allowed: name, title, base_year, end_year, "
        "currency, districts, boundaries, population, housing, stages, schools, actions, targets, plan, uncertainty, "
        "extends, options, overrides",
    ),
    "share above 1": (
        {"stages": {"primary": {"ages": [6, 11], "public_share": {2020: 0.5, 2025: 1.5}}}},
        None,
        "scenario.yaml: stages.primary.public_share: year 2025: 1.5 is out of range; must be a share in [0, 1]",
    ),
    "NaN in a scenario": (
        {"population": {**SCENARIO["population"], "infant_survival": float("nan")}},
        None,
        "scenario.yaml: population.infant_survival: nan is out of range; must be a share in [0, 1]",
    ),
    "missing file": (
        {"schools": "school_list.csv"},
        None,
        "schools: school_list.csv: no such file",
    ),
    "missing column": (
        None,
        {"schools.csv": TABLES["schools.csv"].replace("classes", "rooms")},
        "schools.csv: missing column classes; has id, name, district, stage, sector, rooms, places, inclusive, "
        "opens, closes",
    ),
    "duplicate district code": (
        None,
        {"districts.csv": TABLES["districts.csv"].replace("2,乙区", "1,乙区")},
        "districts.csv row 3 (code 1): duplicate row for code 1; each must appear once",
    ),
    "boundaries do not match": (
        None,
        {"districts.geojson": squares(("1", "3"))},
        "districts.geojson: district codes do not match the district table districts.csv: not in the table: 3; "
        "without a shape: 2",
    ),
    "unknown district in a table": (
        None,
        _replace("schools.csv", "P3,Three,2", "P3,Three,7"),
        "schools.csv row 4 (id P3): district '7' is not a known district code; known: 1, 2",
    ),
    "negative count": (
        None,
        _replace("schools.csv", "P1,One,1,primary,public,10", "P1,One,1,primary,public,-3"),
        "schools.csv row 2 (id P1): classes is '-3'; must be a whole number >= 0",
    ),
    "NaN in a table": (
        None,
        _replace("population.csv", "1,female,0,100", "1,female,0,NaN"),
        "population.csv row 2 (district 1): population is 'NaN'; must be a number >= 0",
    ),
    "survival above 1": (
        None,
        _replace("survival.csv", "\nmale,7,1\n", "\nmale,7,1.2\n"),
        "survival.csv row 60: survival is '1.2'; must be a share in [0, 1]",
    ),
    "age outside the range": (
        None,
        {"population.csv": TABLES["population.csv"] + "1,female,51,100\n"},
        "population.csv row 206 (district 1): age 51 is outside 0..50; ages run 0 to 50",
    ),
    "school closes before it opens": (
        None,
        _replace("schools.csv", "P3,Three,2,primary,public,0,300,,2021,", "P3,Three,2,primary,public,0,300,,2021,2019"),
        "schools.csv row 4 (id P3): opens 2021 is not before closes 2019",
    ),
    "overlapping years in a table": (
        {"population": {**SCENARIO["population"], "births": "births.csv"}},
        {"births.csv": "district,year,births\n1,2021,90\n2,2021,80\n1,2021,95\n"},
        "births.csv row 4 (district 1): duplicate row for district 1, year 2021; each must appear once",
    ),
    "action on an unknown school": (
        {"actions": {"shut": {"action": "close", "school": "P9", "year": 2022}}},
        None,
        "scenario.yaml: actions.shut.school: 'P9' is not a school id in the schools table nor a built school",
    ),
    "action missing a key": (
        {"actions": {"new": {"action": "build", "district": "1", "stage": "primary", "year": 2022}}},
        None,
        "scenario.yaml: actions.new: build needs exactly one of classes or places",
    ),
    "end before base": (
        {"end_year": 2019},
        None,
        "scenario.yaml: (top level): end_year 2019 must be after base_year 2020, within 100 years",
    ),
    "action before the base year": (
        {"actions": {"early": {"action": "build", "district": "1", "stage": "primary", "year": 2018, "classes": 5}}},
        None,
        "scenario.yaml: actions.early.year: 2018 is outside the run; actions take effect from base_year 2020 "
        "to end_year 2023",
    ),
    "purchase past the end": (
        {"actions": {"buy": {**BUY, "until": 2030}}},
        None,
        "scenario.yaml: actions.buy.until: 2030 is outside the run; actions take effect from base_year 2020 "
        "to end_year 2023",
    ),
    "action on a school of another stage": (
        {"actions": {"shut": {"action": "close", "school": "P1", "year": 2022, "stage": "senior"}}},
        None,
        "scenario.yaml: actions.shut.stage: school 'P1' is a primary school, not senior",
    ),
    "action on a closed school": (
        {"actions": {"grow": {"action": "expand", "school": "P2", "year": 2023, "classes": 1}}},
        None,
        "scenario.yaml: actions.grow.year: school 'P2' is already closed in 2023 (it closes in 2022)",
    ),
    "action before a school opens": (
        {"actions": {"to_public": {"action": "convert", "school": "P3", "year": 2020}}},
        None,
        "scenario.yaml: actions.to_public.year: school 'P3' is not open yet in 2020 (it opens in 2021)",
    ),
    "expansion beyond max_classes": (
        {"actions": {"grow": {"action": "expand", "school": "P1", "year": 2021, "classes": 3}}},
        {"schools.csv": "id,name,district,stage,sector,classes,max_classes\nP1,One,1,primary,public,10,12\n"},
        "scenario.yaml: actions.grow.classes: expanding school 'P1' to 13 classes; its max_classes is 12",
    ),
    "pupils sent to another district": (
        {"actions": {"shut": {"action": "close", "school": "P1", "year": 2022, "into": "P3"}}},
        None,
        "scenario.yaml: actions.shut.into: 'P3' is a primary school in district 2; pupils of 'P1' need a primary "
        "school in district 1",
    ),
    "buying more than private schools have": (
        {"actions": {"buy": BUY}},
        None,
        "scenario.yaml: actions.buy: buys 300 primary places in district 1 in 2021, but its private primary schools "
        "have 200 places then; buy at most what private schools offer",
    ),
    "pupils shared with an unknown area": (
        {"actions": {"bus": {**SHARE, "to": "7"}}},
        None,
        "scenario.yaml: actions.bus.to: '7' is not a planning area of primary; areas: 1, 2",
    ),
    "pupils shared with their own area": (
        {"actions": {"bus": {**SHARE, "to": "1"}}},
        None,
        "scenario.yaml: actions.bus.to: pupils of area 1 are shared with the area itself",
    ),
    "sharing that ends before it starts": (
        {"actions": {"bus": {**SHARE, "until": 2020}}},
        None,
        "scenario.yaml: actions.bus: until 2020 is before year 2021",
    ),
    "base population missing an age": (
        None,
        _replace("population.csv", "1,male,7,100\n", ""),
        "population.csv: no row for district 1, sex male, age 7; every district, sex and age 0..50 is needed "
        "(write 0 where there is nobody)",
    ),
    "planning area with another district's code": (
        None,
        {"districts.csv": TABLES["districts.csv"].replace(",9,九县", ",1,九县")},
        "districts.csv: county 1 groups districts 1, 2 but is also the code of district 1; a planning area may "
        "share a code only with its one district",
    ),
    "sex ratio given as a share of boys": (
        {"population": {**SCENARIO["population"], "sex_ratio_at_birth": 0.512}},
        None,
        "scenario.yaml: population.sex_ratio_at_birth: 0.512 is out of range; must be boys per girl at birth, 0.9..1.3",
    ),
    "infant survival for one sex": (
        {"population": {**SCENARIO["population"], "infant_survival": {"female": 0.99}}},
        None,
        "scenario.yaml: population.infant_survival: give both female and male",
    ),
    "target of an unknown stage": (
        {"targets": {"junior": {"ger": 0.9}}},
        None,
        "scenario.yaml: targets.junior: not a stage; stages: primary, senior",
    ),
    "general share of a stage without one": (
        {"targets": {"primary": {"general_share": 0.6}}},
        None,
        "scenario.yaml: targets.primary.general_share: only senior_general has a general share "
        "(of senior_general + senior_vocational pupils)",
    ),
    "flow from a district to itself": (
        {"population": {**SCENARIO["population"], "flows": "flows.csv"}},
        {"flows.csv": "origin,destination,sex,age,persons\n1,1,female,30,40\n"},
        "flows.csv row 2 (origin 1): origin and destination are both 1",
    ),
    "self-intersecting boundary": (
        None,
        {"districts.geojson": squares(bowtie="2")},
        "districts.geojson: district 2 has an invalid shape (Self-intersection[1.5 0.5]); repair it, e.g. QGIS "
        "Vector > Geometry Tools > Fix Geometries",
    ),
    "empty boundary": (
        None,
        {"districts.geojson": squares(empty="1")},
        "districts.geojson: district 1 has no shape (empty geometry)",
    ),
    "projected boundary without a CRS": (
        None,
        {"districts.geojson": squares(scale=100_000)},
        "districts.geojson: coordinates run 0..200,000 by 0..100,000, not longitude and latitude, and the file "
        "names no CRS; save it with its CRS (or in EPSG:4326)",
    ),
    "boundaries from the network": (
        {"boundaries": "/vsicurl/http://example.com/districts.geojson"},
        None,
        "scenario.yaml: boundaries: /vsicurl/http:/example.com/districts.geojson: no such file (boundaries must be "
        "a local file)",
    ),
    "misspelled optional column": (
        None,
        {"schools.csv": TABLES["schools.csv"].replace(",closes", ",close")},
        "schools.csv: unknown column 'close' (did you mean 'closes'?); columns: id, name, district, stage, sector, "
        "classes, places, pupils, inclusive, opens, closes, teachers, max_classes, boarding_places, lon, lat, "
        "convertible",
    ),
    "top key in capitals": (
        {"NAME": "x"},
        None,
        "scenario.yaml: NAME: unknown key (did you mean 'name'?); allowed: name, title, base_year, end_year, "
        "currency, districts, boundaries, population, housing, stages, schools, actions, targets, plan, uncertainty, "
        "extends, options, overrides",
    ),
    "title a number": ({"title": 3000}, None, "scenario.yaml: title: must be a text or a mapping of en, zh (got 3000)"),
    "title in an unknown language": (
        {"title": {"en": "A", "fr": "B"}},
        None,
        "scenario.yaml: title.fr: unknown key; allowed: en, zh",
    ),
    "name a date": ({"name": datetime.date(2020, 1, 1)}, None, "scenario.yaml: name: must be a text (got 2020-01-01)"),
    "year with a fraction": (
        {"end_year": 2025.5},
        None,
        "scenario.yaml: end_year: must be a whole number (got 2025.5)",
    ),
    "latitude past the pole": (
        {
            "actions": {
                "a": {"action": "build", "district": "A", "stage": "primary", "classes": 2, "year": 2021, "lat": 100}
            }
        },
        None,
        "scenario.yaml: actions.a.lat: must be at most 90 (got 100)",
    ),
    "standard sizes not a list": (
        {"plan": {"sizes": {"primary": "abc"}}},
        None,
        "scenario.yaml: plan.sizes.primary: must be a list (got 'abc')",
    ),
    "action a number": (
        {"actions": {"a": -5}},
        None,
        "scenario.yaml: actions.a: must be a mapping of action, year, until, school, district, stage, classes, "
        "places, name, into, lon, lat, boarding_places, area, to, pupils, land_cost (got -5)",
    ),
    "misspelled required key": (
        {"end_yaer": 2023, "end_year": None},
        None,
        "scenario.yaml: end_yaer: unknown key (did you mean 'end_year'?); allowed: name, title, base_year, end_year, "
        "currency, districts, boundaries, population, housing, stages, schools, actions, targets, plan, uncertainty, "
        "extends, options, overrides",
    ),
    "housing completed in 1900": (
        {
            "housing": {
                "age_profile": "profile.csv",
                "developments": {"old": {"district": "1", "dwellings": 10, "completion_year": 1900}},
            }
        },
        {"profile.csv": "age,share\n8,1\n"},
        "scenario.yaml: housing.developments.old.completion_year: 1900 is far outside the run 2020-2023; give a year "
        "from 2000 to 2043 (residents of earlier estates are in the base population)",
    ),
    "a housing age profile that only the options' developments use": (
        {"housing": {"age_profile": "profile.csv"}},
        {"profile.csv": "age,share\n8,0.5\n"},
        "profile.csv: shares sum to 0.5; they must sum to 1",
    ),
    "two options set a key and a key inside it": (
        {
            "overrides": {
                "by_year": {"stages": {"primary": {"class_size": {2021: 40, 2022: 35}}}},
                "flat": {"stages": {"primary": {"class_size": 30}}},
            },
            "options": ["by_year", "flat"],
        },
        None,
        "scenario.yaml: options 'by_year' and 'flat' both set stages.primary.class_size; combine them in one "
        "override or set the key in the file itself",
    ),
    "infinite household size": (
        {
            "housing": {
                "age_profile": "profile.csv",
                "developments": {
                    "new": {"district": "1", "dwellings": 10, "persons_per_dwelling": math.inf, "completion_year": 2021}
                },
            }
        },
        {"profile.csv": "age,share\n8,1\n"},
        "scenario.yaml: housing.developments.new.persons_per_dwelling: must be a finite number (got inf)",
    ),
    "an action on a school of a stage not planned": (
        {
            "stages": {"primary": SCENARIO["stages"]["primary"]},
            "actions": {"grow": {"action": "expand", "school": "S1", "year": 2021, "classes": 2}},
        },
        None,
        "scenario.yaml: actions.grow.school: 'S1' is a senior school, and the scenario does not plan senior",
    ),
    "stage of an unknown planning area": (
        {
            "stages": {
                "primary": {"ages": [6, 11], "public_share": 1, "area": "countee"},
                "senior": SCENARIO["stages"]["senior"],
            }
        },
        None,
        "scenario.yaml: stages.primary.area: 'countee' is not a column of the district table; "
        "allowed: district, county",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_exit_code_2_and_one_message(case, tmp_path, monkeypatch):
    changes, tables, message = BAD_INPUT[case]
    scenario = _broken(tmp_path / "tiny", changes, tables)
    monkeypatch.chdir(scenario.parent)
    out = tmp_path / "out"
    result = invoke("run", "scenario.yaml", "--out", str(out), "--quiet")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert "Traceback" not in result.output and "np." not in result.stderr
    assert not out.exists()


def test_malformed_yaml_names_line_and_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_text("name: x\nstages:\n  primary: [6, 11\n", encoding="utf-8")
    result = invoke("validate", "broken.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: broken.yaml: line 4, column 1: malformed YAML: ")


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("--debug", "validate", "missing.yaml")
    assert result.exit_code == 1 and isinstance(result.exception, ValueError)


def test_a_failed_run_leaves_the_previous_results_alone(tiny, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", str(tiny), "--out", str(out), "-q", "--no-maps").exit_code == 0
    before = (out / "results.csv").read_text()
    yaml_keys = yaml.safe_load(tiny.read_text())
    yaml_keys["end_year"] = 2019
    tiny.write_text(yaml.safe_dump(yaml_keys))
    assert invoke("run", str(tiny), "--out", str(out), "-q").exit_code == 2
    assert (out / "results.csv").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_strict_turns_warnings_into_errors(tmp_path, monkeypatch):
    schools = TABLES["schools.csv"].replace("S1,High,2,senior,public,4,,,,\n", "S1,High,2,senior,private,4,,,,\n")
    scenario = write_tiny(tmp_path / "tiny", tables={"schools.csv": schools})
    monkeypatch.chdir(scenario.parent)
    assert invoke("run", "scenario.yaml", "--out", str(tmp_path / "a"), "-q", "--no-maps").exit_code == 0
    result = invoke("run", "scenario.yaml", "--strict", "--out", str(tmp_path / "b"), "-q")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: scenario.yaml: --strict: capacity: no public senior places in area 9 (九县) in any year\n"
    )


def test_overlapping_districts_are_a_warning_and_an_error_when_strict(tmp_path, monkeypatch):
    shapes = json.loads(squares())
    shapes["features"][1]["geometry"]["coordinates"] = [[[0.5, 0], [1.5, 0], [1.5, 1], [0.5, 1], [0.5, 0]]]
    scenario = write_tiny(tmp_path / "tiny", tables={"districts.geojson": json.dumps(shapes)})
    monkeypatch.chdir(scenario.parent)
    warning = (
        "boundaries: districts 1 and 2 overlap (50% of the smaller) in districts.geojson; "
        "maps will draw both over the same ground"
    )
    result = invoke("validate", "scenario.yaml")
    assert result.exit_code == 0 and result.stderr == f"warning: {warning}\n"
    strict = invoke("validate", "scenario.yaml", "--strict")
    assert strict.exit_code == 2 and strict.stderr == f"Error: scenario.yaml: --strict: {warning}\n"


RAW_YAML = {
    "duplicate key deep inside": (
        b"name: x\nstages:\n  primary:\n    class_size: 45\n    class_size: 50\n",
        "Error: broken.yaml: line 5, column 5: key 'class_size' appears twice in one mapping (first on line 4); "
        "keep one\n",
    ),
    "GBK text": (
        "name: 测试\ntitle: 太原\n".encode("gbk"),
        "Error: broken.yaml: not UTF-8 text (byte 0xb2 on line 1); it looks like GBK/GB18030 (Chinese Windows): "
        "save it as UTF-8\n",
    ),
    "other bytes": (
        b"name: \xff\xfe\xfa\n",
        "Error: broken.yaml: not UTF-8 text (byte 0xff on line 1); save it as UTF-8\n",
    ),
    "nested too deep": (
        ("a: " + "[" * 100 + "]" * 100 + "\n").encode(),
        "Error: broken.yaml: line 1, column 63: nested more than 60 levels deep\n",
    ),
    "billion laughs": (
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
        ).encode(),
        "Error: broken.yaml: line 1, column 1: its anchors and aliases expand to more than 1,000,000 values\n",
    ),
}


@pytest.mark.parametrize("case", list(RAW_YAML))
def test_scenario_files_from_someone_else(case, tmp_path, monkeypatch):
    text, message = RAW_YAML[case]
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_bytes(text)
    result = invoke("run", "broken.yaml", "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2 and result.stderr == message
    assert not (tmp_path / "out").exists()


def test_messages_name_the_file_the_user_wrote_not_a_link_target(tmp_path, monkeypatch):
    scenario = write_tiny(tmp_path / "data")
    (tmp_path / "data" / "schools.csv").write_text(TABLES["schools.csv"].replace("public,10", "public,-3"))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "schools.csv").symlink_to(tmp_path / "data" / "schools.csv")
    (tmp_path / "mine" / "scenario.yaml").write_text(scenario.read_text())
    for name in TABLES:
        if not (tmp_path / "mine" / name).exists():
            (tmp_path / "mine" / name).symlink_to(tmp_path / "data" / name)
    monkeypatch.chdir(tmp_path / "mine")
    result = invoke("validate", "scenario.yaml")
    assert result.exit_code == 2
    assert result.stderr == "Error: schools.csv row 2 (id P1): classes is '-3'; must be a whole number >= 0\n"


def test_command_line_values_out_of_range(tmp_path, tiny):
    for value in ("-1", str(2**64)):
        seed = invoke("run", str(tiny), "--seed", value)
        assert seed.exit_code == 2 and f"Invalid value for '--seed': {value} is not in the range 0<=x<=" in seed.stderr
    backwards = invoke("backtest", str(tiny), "--origins", "2019:2013")
    assert backwards.exit_code == 2
    assert (
        "Invalid value for --origins: '2019:2013' runs backwards; give FIRST:LAST with FIRST <= LAST"
        in backwards.stderr
    )
    for option, value in (("--budget", "inf"), ("--neighbour-share", "nan"), ("--gap", "nan")):
        plan = invoke("plan", str(tiny), option, value)
        assert plan.exit_code == 2 and f"Invalid value for '{option}': '{value}' is not a finite number." in plan.stderr
    negative = invoke("backtest", str(tiny), "--horizons", "-2:3")
    assert negative.exit_code == 2 and "Invalid value for --horizons: '-2:3' starts below 1" in negative.stderr


def test_a_scenario_given_for_a_results_folder_or_a_folder_for_a_scenario_says_what_to_give(tiny, monkeypatch):
    monkeypatch.chdir(tiny.parent)
    assert invoke("run", "scenario.yaml", "-q", "--no-maps", "--out", "results/tiny").exit_code == 0
    wanted = {
        ("map", "tiny"): "Invalid value for 'RESULT_DIR': Directory 'tiny' does not exist; the results of scenario "
        "'tiny' are in results/tiny",
        ("report", "scenario.yaml"): "Invalid value for 'RESULT_DIRS...': Directory 'scenario.yaml' is a file; "
        "scenario.yaml is a scenario: make its results with: placeplan run scenario.yaml",
        ("chart", "taiyuan"): "Invalid value for 'RESULT_DIR': Directory 'taiyuan' does not exist; taiyuan is a "
        "scenario: make its results with: placeplan run taiyuan",
        ("map", "nothing"): "Invalid value for 'RESULT_DIR': Directory 'nothing' does not exist",
        ("run", "results/tiny"): "results/tiny: a results folder (placeplan run writes them); give a scenario file, "
        "or read the folder with placeplan map, chart, compare or report",
        ("validate", "."): ".: a folder; give one of its scenario files: scenario.yaml",
    }
    for command, message in wanted.items():
        result = invoke(*command)
        assert result.exit_code == 2, command
        assert result.stderr.splitlines()[-1] == f"Error: {message}", command


def test_a_damaged_result_is_refused_with_a_message(tmp_path, tiny):
    out = tmp_path / "out"
    assert invoke("run", str(tiny), "--out", str(out), "-q", "--no-maps").exit_code == 0
    whole = (out / "results.nc").read_bytes()
    (out / "results.nc").write_bytes(whole[: len(whole) // 3])
    other = shutil.copytree(out, tmp_path / "other")
    for command in (["map", str(out)], ["compare", str(out), str(other)], ["chart", str(out)], ["export", str(out)]):
        result = invoke(*command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith(f"Error: {out / 'results.nc'}: not a readable placeplan Result (")
        assert result.stderr.endswith("); run the scenario again to rewrite it\n")


def test_run_prints_a_headline_per_stage(tiny, tmp_path):
    result = invoke("run", str(tiny), "--out", str(tmp_path / "out"), "-q", "--no-maps")
    assert result.exit_code == 0
    # primary: area 1 short 600 in 2020-2021, 800 from 2022 (P2 closes); area 2 1,200 then 900
    assert result.stdout.splitlines() == [
        "tiny",
        "  stage     peak shortage     in   public places to build",
        "  primary           1,800   2020                    2,000",
        "  senior              400   2020                      400",
        str(tmp_path / "out"),
    ]
    chinese = invoke("run", str(tiny), "--out", str(tmp_path / "out"), "-q", "--no-maps", "--lang", "zh")
    assert chinese.stdout.splitlines()[1:3] == [
        "  学段     最大缺口   出现年份   需新增公办学位",
        "  小学        1,800       2020            2,000",
    ]


def test_a_rerun_keeps_the_files_the_user_put_in_the_folder(tiny, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", str(tiny), "--out", str(out), "-q").exit_code == 0
    assert invoke("map", str(out), "--stage", "primary", "--year", "2023").exit_code == 0
    assert invoke("export", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine")
    assert invoke("run", str(tiny), "--out", str(out), "-q").exit_code == 0
    assert (out / "maps" / "gap_primary_2023.png").is_file() and (out / "gap.gpkg").is_file()
    assert (out / "notes.txt").read_text() == "mine"
    # what the earlier run wrote itself is replaced, not kept: a map it no longer draws is gone
    (out / "maps" / "gap_primary_2020.png").unlink()
    record = json.loads((out / "run.json").read_text())
    assert "maps/gap_primary_2020.png" in record["files"] and "notes.txt" not in record["files"]
    assert invoke("run", str(tiny), "--out", str(out), "-q", "--no-maps").exit_code == 0
    assert not (out / "maps" / "gap_primary_2020.png").exists()
    assert (out / "maps" / "gap_primary_2023.png").is_file() and (out / "notes.txt").is_file()
