"""Housing developments as net migrants (MODEL.md, "Housing developments")."""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def development_migrants(
    residents: float, age_profile: Array, completion: int, occupancy_years: int, n_years: int
) -> Array:
    """Net migrants ``[year, sex, age]`` that one development brings.

    ``residents`` (dwellings x persons per dwelling) arrive in equal shares over
    ``occupancy_years`` years, the first share in year index ``completion``
    (index 0 is the base year); ``age_profile[sex, age]`` sums to 1. Shares of
    the base year and before are already in the base population and shares
    past the horizon are dropped, so only the years after the base year add
    anyone.

    >>> development_migrants(300.0, np.array([[1.0]]), completion=-1, occupancy_years=3, n_years=3)[:, 0, 0]
    array([  0., 100.,   0.])
    """
    migrants = np.zeros((n_years, *np.shape(age_profile)))
    first, last = max(completion, 1), min(completion + occupancy_years, n_years)
    if first < last:
        migrants[first:last] = residents / occupancy_years * np.asarray(age_profile)
    return migrants


def pupil_yield(pupils: Array, dwellings: float) -> Array:
    """Pupils per 100 dwellings, the planner's yield figure."""
    return 100.0 * pupils / dwellings
