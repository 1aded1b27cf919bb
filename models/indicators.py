"""The plan's indicators (主要指标), achieved given the places that exist (MODEL.md, "Indicators and targets").

All arrays are per (area, year) of one stage and broadcast together.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _ratio(numerator: Array, denominator: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def achieved_enrolment(enrolment: Array, public_capacity: Array, private_capacity: Array) -> Array:
    """Pupils who have a place: ``min(E, public_capacity + private_capacity)``."""
    return np.minimum(enrolment, public_capacity + private_capacity)


def achieved_ger(achieved: Array, school_age_population: Array) -> Array:
    """入园率 / 毛入学率: ``achieved_enrolment / SAP``."""
    return _ratio(achieved, school_age_population)


def public_pupils(public_demand: Array, public_capacity: Array) -> Array:
    """Pupils in public places: ``min(public_demand, public_capacity)``."""
    return np.minimum(public_demand, public_capacity)


def achieved_share(pupils: Array, achieved: Array) -> Array:
    """A share of the pupils who have a place (公办率, 普惠率): ``pupils / achieved_enrolment``."""
    return _ratio(pupils, achieved)


def general_share(general: Array, vocational: Array) -> Array:
    """普职比 as the general share of senior secondary: ``general / (general + vocational)``."""
    return _ratio(general, general + vocational)
