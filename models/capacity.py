"""School capacity and who sits where (MODEL.md, "Capacity and who sits where").

School arrays are ``[school]``; per-year arrays ``[year, school]``; area
figures broadcast together (``[year, ..., area]``).
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


DENSE_AREAS = 16
"""Up to this many areas a product with the unit x area membership matrix is quickest (an ensemble's chunk);
beyond it, one pass over the units (a nation's thousands of districts)."""


def area_totals(values: Array, area_of: NDArray[np.intp], n_areas: int) -> Array:
    """Sum ``values[..., unit]`` into ``[..., area]`` given each unit's area index.

    An unknown (NaN) unit makes its own area's total unknown, and no other's; an area without units is 0.
    """
    if n_areas <= DENSE_AREAS:
        membership = np.zeros((len(area_of), n_areas))
        membership[np.arange(len(area_of)), area_of] = 1.0
        unknown = np.isnan(values)
        if not unknown.any():
            return values @ membership
        return np.where(unknown @ membership > 0, np.nan, np.where(unknown, 0.0, values) @ membership)
    rows = int(np.prod(values.shape[:-1]))
    bins = (np.arange(rows)[:, None] * n_areas + area_of).ravel()
    totals = np.asarray(np.bincount(bins, weights=values.ravel(), minlength=rows * n_areas), dtype=np.float64)
    return totals.reshape(*values.shape[:-1], n_areas)  # a NaN stays in its own area's bin


def seat(enrolment: Array, public_choice: Array, private_available: Array) -> tuple[Array, Array]:
    """Private enrolment and public demand: the private sector absorbs up to its places.

    ``private = min(E - public_choice, private_available)`` and
    ``public_demand = E - private``: the public sector is the provider of last
    resort, so pupils the private sector has no places for need public ones.
    ``public_choice`` is ``E * ((1 - m) * ps_local + m * ps_migrant)``;
    ``private_available`` is the places of open private schools minus the
    places bought from them.

    >>> seat(np.array([1000.0]), np.array([600.0]), np.array([300.0]))
    (array([300.]), array([700.]))
    """
    private = np.minimum(enrolment - public_choice, private_available)
    return private, enrolment - private


def inclusive_private(inclusive_places: Array, private_places: Array, bought: Array) -> Array:
    """Inclusive private places left once ``bought`` places are taken from all private places pro rata.

    A bought place is public; it is no longer counted among the private
    inclusive places, so it is counted once.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = np.where(private_places > 0, 1.0 - bought / private_places, 0.0)
    return inclusive_places * kept


def seated_in_bought(public_demand: Array, bought: Array) -> Array:
    """Public pupils who sit in bought places: they are filled first, having been paid for."""
    return np.minimum(public_demand, bought)


def placed_in_neighbours(public_demand: Array, moves: list[tuple[int, int, Array]]) -> tuple[Array, Array]:
    """Pupils placed out of and into each area ``[year, ..., area]`` by ``moves`` (from, to, pupils ``[year]``).

    An area places at most the pupils it has: moves from one area are taken
    in order until its public demand is used up.

    >>> out, into = placed_in_neighbours(np.array([[100.0, 50.0]]), [(0, 1, np.array([30.0]))])
    >>> out, into
    (array([[30.,  0.]]), array([[ 0., 30.]]))
    """
    out, into = np.zeros_like(public_demand), np.zeros_like(public_demand)
    for a, b, pupils in moves:
        wanted = pupils.reshape(-1, *[1] * (public_demand.ndim - 2))
        moved = np.clip(np.minimum(wanted, public_demand[..., a] - out[..., a]), 0.0, None)
        out[..., a] += moved
        into[..., b] += moved
    return out, into
