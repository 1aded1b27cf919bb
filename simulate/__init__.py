"""The engine: run a validated scenario, return the Result, write its files; the CLI lives here.

Names are imported from their modules when first used, so the command line starts fast.
"""

from importlib import import_module
from typing import Any

WHERE = {"prepare": "api", "run_scenario": "api", "simulate": "api", "run": "engine"}


def __getattr__(name: str) -> Any:
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{WHERE[name]}", __name__), name)


__all__ = list(WHERE)
