"""Pictures of a Result: place-gap maps, small multiples, charts, difference maps and the GIS layer.

Reads Results only; never runs a model. Importing this package is cheap: each
name is imported from its module when first used, and matplotlib only when drawing.
"""

from importlib import import_module
from typing import Any

from .style import FORMATS, LANGS

WHERE = {
    "comparison_pictures": "sets",
    "default_maps": "sets",
    "difference_maps": "multiples",
    "gap_layers": "export",
    "plot_map": "choropleth",
    "plot_series": "charts",
    "plot_summary": "charts",
    "save": "choropleth",
    "small_multiples": "multiples",
}


def __getattr__(name: str) -> Any:
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{WHERE[name]}", __name__), name)


__all__ = ["FORMATS", "LANGS", *WHERE]
