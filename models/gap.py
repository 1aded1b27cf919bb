"""The place gap and the figures derived from it (MODEL.md, "Gap and derived figures").

All arrays are per (area, year) of one stage and broadcast together.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def gap(public_demand: Array, public_capacity: Array) -> Array:
    """``gap = public_demand - public_capacity``: above 0 a shortage, below 0 a surplus."""
    return public_demand - public_capacity


def utilization(public_demand: Array, public_capacity: Array) -> Array:
    """``public_demand / public_capacity``; NaN where there is no capacity."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(public_capacity > 0, public_demand / public_capacity, np.nan)


def classes_needed(public_demand: Array, class_size: Array) -> Array:
    """Whole classes to seat the public demand, ``ceil(public_demand / class_size)``.

    A tolerance of 1e-9 classes keeps ``90 / 45`` at 2 despite rounding error.
    """
    return np.ceil(public_demand / class_size - 1e-9) + 0.0  # + 0.0 turns -0.0 into 0.0


def teachers_needed(public_demand: Array, pupil_teacher_ratio: Array) -> Array:
    """``public_demand / pupil_teacher_ratio``."""
    return public_demand / pupil_teacher_ratio


def shortage_cost(gap: Array, cost_per_place: Array) -> Array:
    """Cost of closing the shortage, ``max(gap, 0) * cost_per_place``."""
    return np.maximum(gap, 0.0) * cost_per_place
