"""Pictures of a Result: place-gap maps (matplotlib is imported only when drawing)."""

from .gap import default_maps, plot_gap

__all__ = ["default_maps", "plot_gap"]
