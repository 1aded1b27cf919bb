"""Enrolment: school-age population, gross enrolment and public demand (MODEL.md, "Enrolment").

Inputs are ``[year, district, sex, age]`` populations and ``[year, district]`` rates.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def school_age_population(population: Array, lo: int, hi: int) -> Array:
    """``SAP = sum over both sexes and ages lo..hi`` (inclusive)."""
    return population[..., lo : hi + 1].sum(axis=(-2, -1))


def enrolment(school_age_population: Array, gross_enrolment: Array) -> Array:
    """Pupils ``E = GER * SAP``."""
    return gross_enrolment * school_age_population


def public_demand(pupils: Array, migrant_share: Array, public_share_local: Array, public_share_migrant: Array) -> Array:
    """Public places needed ``E * ((1 - m) * ps_local + m * ps_migrant)``."""
    return pupils * ((1.0 - migrant_share) * public_share_local + migrant_share * public_share_migrant)


def inclusive_demand(pupils: Array, inclusive_share: Array) -> Array:
    """Inclusive (普惠) places needed ``E * inclusive_share``."""
    return pupils * inclusive_share
