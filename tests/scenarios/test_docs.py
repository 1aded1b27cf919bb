"""docs/scenario-format.md documents every key of the schema."""

from pathlib import Path

from placeplan.scenarios.json_schema import json_schema

DOC = Path(__file__).parents[2] / "docs" / "scenario-format.md"


def test_every_key_is_documented():
    text = DOC.read_text(encoding="utf-8")
    schema = json_schema()
    keys = set(schema["properties"])
    for model in schema["$defs"].values():
        keys |= set(model.get("properties", {}))
    missing = sorted(key for key in keys if f"`{key}`" not in text)
    assert missing == []
