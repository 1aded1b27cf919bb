"""What actions and shortages cost (MODEL.md, "Costs"), per area, stage and year."""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def capital_cost(places: Array, cost_per_place: Array, classes: Array, cost_per_class: Array) -> Array:
    """Spent in the year an action takes effect: ``places * cost_per_place + classes * cost_per_class``.

    ``places`` and ``classes`` are those built or added (or converted, with
    the conversion cost per place and no cost per class).
    """
    return places * cost_per_place + classes * cost_per_class


def recurrent_cost(bought: Array, price_per_bought_place: Array, teachers: Array, salary: Array) -> Array:
    """Spent every year: ``bought * price_per_bought_place + teachers * salary``."""
    return bought * price_per_bought_place + teachers * salary


def transport_cost(placed_out: Array | float, cost_per_pupil_year: Array) -> Array:
    """Spent every year on pupils placed in a neighbouring area's public schools: ``placed_out * cost``."""
    return placed_out * cost_per_pupil_year


def shortage_cost(gap: Array, cost_per_place: Array) -> Array:
    """What closing the shortage by building would cost, ``max(gap, 0) * cost_per_place``.

    Not spending: a shortage that lasts five years is not five buildings, so
    it is never summed over years.
    """
    return np.maximum(gap, 0.0) * cost_per_place
