"""The JSON Schema of scenario files, for editors: ``scenarios/schema.json``, made from :mod:`.schema`.

Each key's description is its attribute docstring in :mod:`.schema`.
"""

import ast
import inspect
import json
from pathlib import Path
from typing import Any

from . import schema
from .schema import Scenario, Strict


def _describe_fields() -> None:
    """Give every field its attribute docstring as description, for the JSON Schema.

    Done here rather than by pydantic's ``use_attribute_docstrings``, which parses this file for every
    model each time placeplan starts; only the schema needs the descriptions.
    """
    tree = ast.parse(Path(schema.__file__).read_text(encoding="utf-8"))
    models = {
        name: model for name, model in vars(schema).items() if isinstance(model, type) and issubclass(model, Strict)
    }
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name in models):
            continue
        for field, doc in zip(node.body, node.body[1:], strict=False):
            if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
                if (
                    isinstance(doc, ast.Expr)
                    and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str)
                ):
                    models[node.name].model_fields[field.target.id].description = inspect.cleandoc(doc.value.value)
    for model in models.values():  # nested models first: they are defined before the models using them
        model.model_rebuild(force=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors (``# yaml-language-server: $schema=...``)."""
    _describe_fields()
    out = Scenario.model_json_schema()
    out["title"] = "placeplan scenario"
    out["properties"].pop("options")
    out["properties"]["extends"] = {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "Scenario file(s) this one builds on, relative to this file.",
    }
    out["properties"]["options"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "Named overrides to apply, in order; two setting the same key is an error.",
    }
    out["properties"]["overrides"] = {
        "type": "object",
        "additionalProperties": {"type": "object"},
        "description": "Named partial scenarios that `options:` can apply.",
    }
    out.pop("required")  # a file that extends another needs none of them; the merged scenario is checked
    return out


SCHEMA_FILE = Path(__file__).with_name("schema.json")
"""Beside the shipped scenarios' folders, which name it in their first line."""


def write_json_schema() -> None:
    """Write ``schema.json`` (tests/scenarios/test_schema.py says when)."""
    SCHEMA_FILE.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
