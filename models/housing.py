"""Housing developments as net migrants (MODEL.md, "Housing developments")."""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def development_migrants(
    residents: float, age_profile: Array, completion: int, occupancy_years: int, n_years: int
) -> Array:
    """Net migrants ``[year, sex, age]`` that one development brings.

    ``residents`` (dwellings x persons per dwelling) arrive in equal shares over
    ``occupancy_years`` years, the first share in year index ``completion``;
    ``age_profile[sex, age]`` sums to 1. Shares past the horizon are dropped.
    """
    migrants = np.zeros((n_years, *np.shape(age_profile)))
    first, last = max(completion, 0), min(completion + occupancy_years, n_years)
    migrants[first:last] = residents / occupancy_years * np.asarray(age_profile)
    return migrants


def pupil_yield(pupils: Array, dwellings: float) -> Array:
    """Pupils per 100 dwellings, the planner's yield figure."""
    return 100.0 * pupils / dwellings
