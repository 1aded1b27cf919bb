"""Scenario files: schema, loading with ``extends:``/``options:``, tables and checks.

>>> from placeplan.scenarios import load, read_inputs
>>> inputs = read_inputs(load("taiyuan"))  # doctest: +SKIP

Names are imported from their modules when first used, so ``ScenarioError`` is cheap.
"""

from importlib import import_module
from typing import Any

from .errors import ScenarioError

WHERE = {"Inputs": "inputs", "read_inputs": "inputs", "Loaded": "loading", "load": "loading"}


def __getattr__(name: str) -> Any:
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{WHERE[name]}", __name__), name)


__all__ = ["ScenarioError", *WHERE]
