"""A tiny two-district scenario written by hand, for tests of loading, the engine and the CLI."""

import json
from pathlib import Path

import pytest
import yaml

TOP = 50
SCENARIO = {
    "name": "tiny",
    "base_year": 2020,
    "end_year": 2023,
    "districts": "districts.csv",
    "boundaries": "districts.geojson",
    "population": {
        "method": "cohort_component",
        "base": "population.csv",
        "max_age": TOP,
        "survival": "survival.csv",
        "fertility": {"tfr": 1.0, "shape": "shape.csv"},
        "sex_ratio_at_birth": 1.0,
        "infant_survival": 1.0,
    },
    "stages": {
        "primary": {
            "ages": [6, 11],
            "public_share": 0.5,
            "class_size": 40,
            "pupil_teacher_ratio": 20,
            "cost_per_place": 1000,
        },
        "senior": {
            "ages": [15, 17],
            "gross_enrolment": 0.5,
            "public_share": 1.0,
            "class_size": 50,
            "pupil_teacher_ratio": 10,
            "area": "county",
        },
    },
    "schools": "schools.csv",
}


def squares(codes: tuple[str, ...] = ("1", "2"), scale: float = 1, bowtie: str = "", empty: str = "") -> str:
    """GeoJSON of unit squares side by side, one per district code (``scale`` times larger).

    The district ``bowtie`` gets a ring that crosses itself; ``empty`` gets no geometry.
    """

    def ring(i: int, code: str) -> list:
        corners = [[i, 0], [i + 1, 0], [i + 1, 1], [i, 1]]
        if code == bowtie:
            corners[1], corners[2] = corners[2], corners[1]
        return [[x * scale, y * scale] for x, y in [*corners, corners[0]]]

    features = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": None if code == empty else {"type": "Polygon", "coordinates": [ring(i, code)]},
        }
        for i, code in enumerate(codes)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


TABLES = {
    "districts.geojson": squares(),
    "districts.csv": "code,name,name_en,county,county_name\n1,甲区,Jia,9,九县\n2,乙区,Yi,9,九县\n",
    "population.csv": "district,sex,age,population\n"
    + "".join(f"{d},{s},{a},100\n" for d in (1, 2) for s in ("female", "male") for a in range(TOP + 1)),
    "survival.csv": "sex,age,survival\n" + "".join(f"{s},{a},1\n" for s in ("female", "male") for a in range(TOP + 1)),
    "shape.csv": "age,weight\n" + "".join(f"{a},{1 if a == 20 else 0}\n" for a in range(15, 50)),
    "schools.csv": "id,name,district,stage,sector,classes,places,inclusive,opens,closes\n"
    "P1,One,1,primary,public,10,,,,\n"
    "P2,Two,1,primary,private,5,,,,2022\n"
    "P3,Three,2,primary,public,0,300,,2021,\n"
    "S1,High,2,senior,public,4,,,,\n",
}


def write_tiny(folder: Path, changes: dict | None = None, tables: dict[str, str] | None = None) -> Path:
    """Write the tiny scenario into ``folder`` (keys in ``changes`` replace top-level keys); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**TABLES, **(tables or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    scenario = {**SCENARIO, **(changes or {})}
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Path of the tiny scenario file."""
    return write_tiny(tmp_path / "tiny")


def write_given(folder: Path, persons_in_year=lambda year: 10) -> Path:
    """The tiny scenario with population method ``given``: ``persons_in_year(year)`` in every cell of that year."""
    rows = "".join(
        f"{d},{s},{a},{y},{persons_in_year(y)}\n"
        for d in (1, 2)
        for s in ("female", "male")
        for a in range(TOP + 1)
        for y in range(2020, 2024)
    )
    population = {"method": "given", "base": "given.csv", "max_age": TOP}
    return write_tiny(folder, {"population": population}, {"given.csv": "district,sex,age,year,population\n" + rows})
