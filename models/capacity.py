"""School capacity: places by year and totals by planning area (MODEL.md, "Capacity").

School arrays are ``[school]``; per-year arrays ``[year, school]``.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def is_open(opens: Array, closes: Array, years: NDArray[np.integer] | Array) -> NDArray[np.bool_]:
    """``[year, school]``: open in year ``t`` when ``opens <= t < closes``."""
    years = np.asarray(years)[:, None]
    return (opens[None, :] <= years) & (years < closes[None, :])


def school_places(classes: Array, places: Array, class_size: Array) -> Array:
    """Places ``[year, school]``: ``places`` where given, else ``classes * class_size``.

    ``places`` is NaN where not given; ``class_size`` is ``[year, school]``
    (the standard class size of each school's stage in each year).
    """
    return np.where(np.isnan(places), classes * class_size, places)


def area_totals(values: Array, area_of: NDArray[np.intp], n_areas: int) -> Array:
    """Sum ``values[..., unit]`` into ``[..., area]`` given each unit's area index."""
    membership = np.zeros((len(area_of), n_areas))
    membership[np.arange(len(area_of)), area_of] = 1.0
    return values @ membership
