"""School forecasts made coherent with their districts' totals (forecast reconciliation, top-down by shares)."""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def district_sums(schools: Array, district_of: NDArray[np.intp], districts: int) -> Array:
    """Pupils ``[..., school]`` summed into ``[..., district]``."""
    membership = np.zeros((len(district_of), districts))
    membership[np.arange(len(district_of)), district_of] = 1.0
    return schools @ membership


def proportional(totals: Array, schools: Array, district_of: NDArray[np.intp]) -> Array:
    """Each district's total ``[..., district]`` shared among its schools in proportion to their forecasts.

    ``schools`` ``[..., school]``; the result adds up to ``totals`` wherever a
    district's schools are forecast to have any pupils.

    >>> proportional(np.array([[120.0]]), np.array([[30.0, 70.0]]), np.array([0, 0]))
    array([[36., 84.]])
    """
    sums = district_sums(schools, district_of, totals.shape[-1])[..., district_of]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(sums > 0, schools / sums, 0.0)
    return share * totals[..., district_of]
