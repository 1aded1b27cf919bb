"""Population projection: cohort-component, cohort-ratio, and the pieces they share.

Arrays are ``[year, ..., sex, age]`` (see :mod:`placeplan.models`); the leading
``...`` is any batch of districts (or draws x districts), so one call projects
them all at once, looping over years only.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import FEMALE

Array = NDArray[np.float64]

FERTILE_AGES = slice(15, 50)
"""Ages 15..49, the ages over which births are summed (MODEL.md)."""


@dataclass(frozen=True)
class Projection:
    """A projected population with its components of change.

    ``population[t]`` is the population at the reference date of year ``t``;
    the components of index ``t`` explain the change from ``t`` to ``t+1``
    (the last index is zero), so that
    ``population[t+1].sum() == population[t].sum() + births[t] - deaths[t] + net_migration[t]``.
    """

    population: Array
    """Persons ``[year, ..., sex, age]``."""
    births: Array
    """Births during the year ``[year, ...]``."""
    deaths: Array
    """Deaths during the year, newborns' included ``[year, ...]``."""
    net_migration: Array
    """Net migrants added, after clipping ``[year, ...]``."""
    clipped: Array
    """Persons of migration that could not happen ``[year, ...]``: added back where net migration would
    have made a cell negative, or not moved where a flow asked an origin for more than it had."""


def survive(population: Array, survival: Array) -> Array:
    """Age a population one year: ``P[a+1] = P[a] * S[a]``, the top group stays open.

    >>> survive(np.array([10.0, 20.0, 30.0]), np.array([0.9, 0.5, 0.1]))
    array([ 0.,  9., 13.])
    """
    aged = np.zeros_like(population)
    aged[..., 1:] = population[..., :-1] * survival[..., :-1]
    aged[..., -1] += population[..., -1] * survival[..., -1]
    return aged


def improved_survival(survival: Array, improvement: Array) -> Array:
    """Survival ``[year, ...]`` after the probability of dying falls by ``improvement[year, ...]`` each year.

    ``S_t = 1 - (1 - S) * prod_{k = t0 + 1..t} (1 - i_k)``: the falls compound
    year on year (``(1 - i) ** (t - t0)`` when ``i`` is constant); the base year is ``S``.

    >>> improved_survival(np.array([0.9]), np.array([[0.5], [0.5], [0.1]]))
    array([[0.9  ],
           [0.95 ],
           [0.955]])
    """
    falls = np.cumprod(1.0 - improvement, axis=0) / (1.0 - improvement[:1])
    return 1.0 - (1.0 - survival) * falls


def fertility_from_tfr(tfr: Array, shape: Array) -> Array:
    """Age-specific fertility ``F[..., a] = TFR[...] * shape[a] / sum(shape)`` over ages 15..49.

    ``shape`` has 35 values (ages 15..49); the result has the same 35 ages last.
    """
    shape = np.asarray(shape, dtype=float)
    return np.asarray(tfr, dtype=float)[..., None] * (shape / shape.sum())


def births(women: Array, fertility: Array) -> Array:
    """Births ``B = sum_{a=15..49} F[a] * P_female[a]``.

    ``women`` is the female population by age (all ages), ``fertility`` the
    rates for ages 15..49.
    """
    return np.sum(women[..., FERTILE_AGES] * fertility, axis=-1)


def newborns(births: Array, sex_ratio_at_birth: Array, infant_survival: Array) -> Array:
    """Age-0 population at the next reference date, ``[..., sex]``.

    ``male = B * SRB / (1 + SRB) * S0_male``, ``female = B / (1 + SRB) * S0_female``;
    ``infant_survival`` is ``[..., sex]``.
    """
    srb = np.asarray(sex_ratio_at_birth, dtype=float)
    share = np.stack([1.0 / (1.0 + srb), srb / (1.0 + srb)], axis=-1)
    return births[..., None] * share * infant_survival


def add_migration(population: Array, migrants: Array) -> tuple[Array, Array]:
    """Add net migrants and set negative cells to zero.

    Returns the new population and the persons added back by clipping,
    summed over sex and age.
    """
    summed = population + migrants
    clipped = np.maximum(-summed, 0.0)
    return summed + clipped, clipped.sum(axis=(-2, -1))


@dataclass(frozen=True)
class Flows:
    """Moves between districts: ``persons[year, ..., pair, sex, age]`` from ``origin`` to ``destination``."""

    origin: NDArray[np.intp]
    destination: NDArray[np.intp]
    persons: Array


def move(population: Array, origin: NDArray[np.intp], destination: NDArray[np.intp], persons: Array) -> Array:
    """Move persons between districts; an origin gives at most what it has, so the total is conserved.

    ``population`` is ``[district, ..., sex, age]`` and ``persons``
    ``[pair, ..., sex, age]``. Where the flows out of a cell ask for more than
    it holds, each is cut in the same proportion and the destinations receive
    only what left. Returns the persons not moved per origin district
    ``[district, ...]``.

    >>> people = np.array([[[[10.0]]], [[[0.0]]]])  # two districts, one sex, one age
    >>> move(people, np.array([0]), np.array([1]), np.array([[[[15.0]]]]))
    array([[5.],
           [0.]])
    >>> people[:, 0, 0, 0]
    array([ 0., 10.])
    """
    asked = np.zeros(np.broadcast_shapes(population.shape, (population.shape[0], *persons.shape[1:])))
    np.add.at(asked, origin, persons)
    given = np.ones(asked.shape)
    np.divide(np.broadcast_to(population, asked.shape), asked, out=given, where=asked > population)
    moved = persons * given[origin]
    np.subtract.at(population, origin, moved)
    np.add.at(population, destination, moved)
    np.maximum(population, 0.0, out=population)  # rounding: what is left of an emptied cell is 0, not -1e-13
    return (asked * (1.0 - given)).sum(axis=(-2, -1))


def cohort_component(
    base: Array,
    survival: Array,
    fertility: Array,
    sex_ratio_at_birth: Array,
    infant_survival: Array,
    migration: Array,
    observed_births: Array | None = None,
    migration_rate: Array | None = None,
    flows: Flows | None = None,
) -> Projection:
    """Project ``base`` forward with the cohort-component method (MODEL.md).

    Parameters
    ----------
    base : ``[..., sex, age]`` population in the base year.
    survival : ``[year, ..., sex, age]`` survival ratios applied from ``year`` to ``year+1``.
    fertility : ``[year, ..., 35]`` fertility rates for ages 15..49.
    sex_ratio_at_birth : ``[year, ...]`` males per female at birth.
    infant_survival : ``[year, ..., sex]`` survival from birth to the next reference date.
    migration : ``[year, ..., sex, age]`` net migrants counted in ``year`` (index 0 unused).
    observed_births : ``[year, ...]`` births that replace the fertility model where not NaN.
    migration_rate : ``[year, ..., sex, age]`` net migrants per person of the aged population
        (after steps 1-3) counted in ``year``, added to ``migration``.
    flows : moves between districts counted in ``year`` (``persons[year, ..., pair, sex, age]``, the
        district axis being the one before sex), made after the other migration (:func:`move`).

    The number of years is ``migration.shape[0]``; the other year-indexed
    inputs need at least that many minus one.
    """
    n_years = migration.shape[0]
    population = np.zeros((n_years, *base.shape))
    population[0] = base
    totals = np.zeros((4, n_years, *base.shape[:-2]))
    born, died, moved, clipped = totals
    for t in range(n_years - 1):
        now = population[t]
        born[t] = births(now[..., FEMALE, :], fertility[t])
        if observed_births is not None:
            born[t] = np.where(np.isnan(observed_births[t]), born[t], observed_births[t])
        nxt = survive(now, survival[t])
        nxt[..., 0] = newborns(born[t], sex_ratio_at_birth[t], infant_survival[t])
        died[t] = now.sum(axis=(-2, -1)) + born[t] - nxt.sum(axis=(-2, -1))
        migrants = migration[t + 1] if migration_rate is None else migration[t + 1] + migration_rate[t + 1] * nxt
        population[t + 1], clipped[t] = add_migration(nxt, migrants)
        if flows is not None:
            district_first = np.moveaxis(population[t + 1], -3, 0)
            unmoved = move(district_first, flows.origin, flows.destination, np.moveaxis(flows.persons[t + 1], -3, 0))
            clipped[t] += np.moveaxis(unmoved, 0, -1)
        moved[t] = population[t + 1].sum(axis=(-2, -1)) - nxt.sum(axis=(-2, -1))
    return Projection(population, born, died, moved, clipped)


def cohort_ratio(base: Array, births: Array, total: Array) -> Array:
    """Project with the cohort-ratio method (MODEL.md), ``[year, ..., age]``.

    Parameters
    ----------
    base : ``[..., age]`` population ``C`` in the base year ``t0``.
    births : ``[year, ...]`` births in each year ``t0..T`` (the first is unused).
    total : ``[year, ...]`` total-population projection ``T`` for ``t0..T``.

    Born in or before ``t0``: ``P[t, a] = C[a - (t - t0)] * T[t] / T[t0]``; the
    open top group collects every cohort that has reached it.
    Born in year ``y = t - a > t0``: ``P[t, a] = B[y] * T[t] / T[y]``.
    ``...`` may hold sex too, when ``births`` and ``total`` broadcast over it.
    """
    n_years, top = births.shape[0], base.shape[-1] - 1
    population = np.zeros((n_years, *base.shape))
    for i in range(n_years):
        shifted = np.zeros_like(base)
        if i < top:
            shifted[..., i:top] = base[..., : top - i]
        shifted[..., top] = base[..., max(top - i, 0) :].sum(axis=-1)
        population[i] = shifted * (total[i] / total[0])[..., None]
        for age in range(min(i, top)):
            year = i - age
            population[i, ..., age] = births[year] * total[i] / total[year]
    return population
