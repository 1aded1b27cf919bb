"""The JSON Schema of scenario files, for editors: ``scenarios/schema.json``, made from :mod:`.schema`.

Each key's description is its attribute docstring in :mod:`.schema` or :mod:`.schema_policy`.
"""

import ast
import inspect
import json
from pathlib import Path
from typing import Any

from . import schema, schema_policy
from .schema import Scenario
from .schema_types import Strict


def _describe_fields() -> None:
    """Give every field its attribute docstring as description, for the JSON Schema.

    Done here rather than by pydantic's ``use_attribute_docstrings``, which parses this file for every
    model each time placeplan starts; only the schema needs the descriptions.
    """
    models: dict[str, type[Strict]] = {}
    for module in (schema_policy, schema):  # nested models first: they are rebuilt before the models using them
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        classes = {
            name: model for name, model in vars(module).items() if isinstance(model, type) and issubclass(model, Strict)
        }
        for node in tree.body:
            if not (isinstance(node, ast.ClassDef) and node.name in classes):
                continue
            model = models[node.name] = classes[node.name]
            for field, doc in zip(node.body, node.body[1:], strict=False):
                if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name):
                    if (
                        isinstance(doc, ast.Expr)
                        and isinstance(doc.value, ast.Constant)
                        and isinstance(doc.value.value, str)
                    ):
                        model.model_fields[field.target.id].description = inspect.cleandoc(doc.value.value)
    for model in models.values():
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
