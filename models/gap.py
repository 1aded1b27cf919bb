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


def teachers_needed(
    pupils: Array, pupil_teacher_ratio: Array, class_size: Array | None = None, teachers_per_class: Array | None = None
) -> Array:
    """``max(pupils / pupil_teacher_ratio, classes_in_use * teachers_per_class)``.

    ``classes_in_use = ceil(pupils / class_size)``; without
    ``teachers_per_class`` (the class-based standard for small rural schools)
    only the pupil-teacher ratio counts.

    >>> teachers_needed(np.array([100.0]), np.array([20.0]), np.array([30.0]), np.array([2.0]))
    array([8.])
    """
    by_pupils = pupils / pupil_teacher_ratio
    if teachers_per_class is None or class_size is None:
        return by_pupils
    return np.maximum(by_pupils, classes_needed(pupils, class_size) * teachers_per_class)
