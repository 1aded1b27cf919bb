"""The JSON Schema for editors stays in step with the pydantic schema; every shipped scenario validates."""

import json
from pathlib import Path

import pytest

from placeplan.scenarios import load
from placeplan.scenarios.json_schema import SCHEMA_FILE, json_schema

SHIPPED = sorted(Path(SCHEMA_FILE).parent.glob("*/*.yaml"))


def test_schema_json_is_in_sync():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "scenarios/schema.json is stale; regenerate it with: python -c "
        '"from placeplan.scenarios.json_schema import write_json_schema; write_json_schema()"'
    )


def test_every_field_has_a_description():
    schema = json_schema()
    for name, model in schema["$defs"].items():
        for key, field in model.get("properties", {}).items():
            assert field.get("description"), f"{name}.{key} has no docstring"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shipped_scenarios_point_editors_at_the_schema(path):
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema.json")
    assert load(path).scenario.name
