"""The cohort-component step for many draws at once, fused into one pass per year (numba).

The kernel's arrays are district-major, ``[district, draw, sex, age]``: the
draws of one district lie together, so its rates are read from cache while the
population streams through memory once. One call of :func:`advance` does
steps 1-4 of the cohort-component method (MODEL.md) for every draw and
district, reading each cell once and writing it once, so a year costs about
what copying the population costs. :func:`project_draws` loops it over the
years; it agrees with :func:`placeplan.models.population.cohort_component`.
Also compiled here: the moves between districts for every draw
(:func:`move_draws`) and every stage's school ages, year by year (:func:`school_age_bands`).
"""

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .compiled import njit, prange
from .population import Flows, Projection

Array = NDArray[np.float64]


@njit(parallel=True, cache=True, fastmath={"reassoc", "contract"})  # NaN checks stay exact
def advance(
    now: Array,
    nxt: Array,
    survival: Array,
    fertility: Array,
    tfr: Array,
    newborn_share: Array,
    counts: Array,
    rates: Array,
    fixed: Array,
    housing: Array,
    delivered: Array,
    delay: NDArray[np.intp],
    observed: Array,
    scale: Array,
    out: Array,
) -> None:
    """One year for all draws: ``nxt`` from ``now`` ``[district, draw, sex, age]``.

    ``out[district, draw, 0..3]`` gets births, deaths, net migration and clipped.

    ``survival``, ``counts``, ``rates``, ``fixed`` are ``[district, sex, age]``
    (``counts`` and ``rates`` are scaled by ``scale[draw]``, ``fixed`` is not);
    ``fertility`` is ``[district, 35]`` scaled by ``tfr[draw]``; ``newborn_share``
    ``[district, sex]`` is the sex share times infant survival; ``housing``
    ``[lag, district, sex, age]`` are the residents that the housing planned
    ``lag`` years before this year brings, of which a draw gets those of its
    ``delay[draw]`` times ``delivered[draw]`` (read from cache, never a per-draw
    array); ``rates``, ``fixed`` and ``housing`` may be empty (``shape[0] == 0``)
    when there are none, which saves reading them;
    ``observed`` ``[district]`` births replace the model where not NaN.
    """
    districts, draws, sexes, ages = now.shape
    top = ages - 1
    has_rates, has_fixed = rates.shape[0] > 0, fixed.shape[0] > 0
    for cell in prange(districts * draws):
        d, n = cell // draws, cell % draws
        born = observed[d]
        if np.isnan(born):
            born = 0.0
            for a in range(35):
                born += fertility[d, a] * now[d, n, 0, 15 + a]
            born *= tfr[n]
        before, aged_total, after, clipped = 0.0, 0.0, 0.0, 0.0
        lag = delay[n] if delay[n] < housing.shape[0] else -1  # -1: no housing arrives this year
        for s in range(sexes):
            here, row, alive = now[d, n, s], nxt[d, n, s], survival[d, s]
            row[0] = born * newborn_share[d, s]
            for a in range(1, top):  # the bulk: one read, one write per cell, no reductions, so it vectorizes
                row[a] = here[a - 1] * alive[a - 1]
            row[top] = here[top - 1] * alive[top - 1] + here[top] * alive[top]
            for a in range(ages):  # totals and migration on the row just written, still in cache
                aged = row[a]
                before += here[a]
                aged_total += aged
                migrants = counts[d, s, a]
                if has_rates:
                    migrants += rates[d, s, a] * aged
                migrants *= scale[n]
                if has_fixed:
                    migrants += fixed[d, s, a]
                if lag >= 0:
                    migrants += housing[lag, d, s, a] * delivered[n]
                value = aged + migrants
                after += value
                clipped += max(-value, 0.0)
                row[a] = max(value, 0.0)
        out[d, n, 0] = born
        out[d, n, 1] = before + born - aged_total
        out[d, n, 2] = after - aged_total + clipped
        out[d, n, 3] = clipped


Housing = tuple[Array, Array, NDArray[np.intp]]
"""Residents of planned housing ``[year, district, sex, age]``, and per draw the share delivered and the years late."""


class SchoolAges(NamedTuple):
    """Each stage's first and last school age, and its school-age population ``sums`` ``[stage, year, draw,
    district]`` for :func:`project_draws` to fill (MODEL.md's SAP)."""

    first: NDArray[np.intp]
    last: NDArray[np.intp]
    sums: Array


def school_age_bands(ages: list[tuple[int, int]], years: int, draws: int, districts: int) -> SchoolAges:
    """What :func:`project_draws` needs to sum the school ages ``ages`` (each stage's first and last)."""
    first, last = (np.array(column, dtype=np.intp) for column in zip(*ages, strict=True))
    return SchoolAges(first, last, np.empty((len(ages), years, draws, districts)))


def project_draws(
    base: Array,
    survival: Array,
    fertility: Array,
    tfr: Array,
    newborn_share: Array,
    counts: Array,
    rates: Array,
    fixed: Array,
    observed: Array,
    scale: Array,
    housing: Housing | None = None,
    flows: Flows | None = None,
    into: Array | None = None,
    school_ages: SchoolAges | None = None,
) -> Projection:
    """Project ``base`` ``[district, sex, age]`` for every draw: population ``[year, draw, district, sex, age]``.

    Year-indexed inputs are ``[year, ...]`` as in ``cohort_component``
    (migration counted in ``year``, rates by year, the rest applied from
    ``year`` to ``year + 1``); ``tfr`` and ``scale`` are ``[draw]`` multipliers;
    ``housing`` adds the residents of planned housing, delivered and late by draw;
    ``flows`` (``persons[year, pair, sex, age]``) move people between districts
    after the rest, the same in every draw, conserving the total
    (as :func:`placeplan.models.population.move`); ``into``, memory of at least that size, is projected
    into rather than fresh memory (whose every page costs a fault when first written); ``school_ages``
    gets each stage's school-age population summed year by year, while the year is in cache.
    """
    years, draws = counts.shape[0], len(tfr)
    shape = (years, base.shape[0], draws, *base.shape[1:])  # district-major for the kernel
    population = np.empty(shape) if into is None else into.ravel()[: int(np.prod(shape))].reshape(shape)
    population[0] = base[:, None]

    def summed(t: int) -> None:
        if school_ages is not None:
            _school_ages(population[t], school_ages.first, school_ages.last, school_ages.sums, t)

    summed(0)
    totals = np.zeros((years, base.shape[0], draws, 4))
    none = np.zeros((0, 1, 1, 1))
    delivered, delay = (np.ones(draws), np.zeros(draws, np.intp)) if housing is None else housing[1:]
    moves = None if flows is None else flow_pairs(flows)

    def given(values: Array) -> Array:
        """``values`` for the kernel, or an empty array when they are all zero."""
        return kernel_ready(values) if values.any() else np.zeros((0, 1, 1))

    for t in range(years - 1):
        advance(
            population[t],
            population[t + 1],
            kernel_ready(survival[t]),
            kernel_ready(fertility[t]),
            kernel_ready(tfr),
            kernel_ready(newborn_share[t]),
            kernel_ready(counts[t + 1]),
            given(rates[t + 1]),
            given(fixed[t + 1]),
            none if housing is None else arriving(housing[0], t + 1, int(delay.max())),
            kernel_ready(delivered),
            kernel_ready(delay),
            kernel_ready(observed[t]),
            kernel_ready(scale),
            totals[t],
        )
        if flows is not None and moves is not None:
            destination, slot, origins, asked = map(kernel_ready, moves)
            persons = kernel_ready(flows.persons[t + 1])
            move_draws(population[t + 1], destination, slot, origins, kernel_ready(asked[:, t + 1]), persons, totals[t])
        summed(t + 1)
    born, died, moved, clipped = np.moveaxis(np.swapaxes(totals, 1, 2), -1, 0)
    return Projection(np.swapaxes(population, 1, 2), born, died, moved, clipped)


def kernel_ready(values: NDArray[Any]) -> NDArray[Any]:
    """``values`` as the kernels are compiled for: C-contiguous and writeable, copied only where not (small
    inputs of a year: read-only broadcasts, slices across years), so each kernel compiles once, not once for
    every layout it is given (several seconds each, on every new machine)."""
    return np.require(values, requirements=["C", "W"])


def arriving(planned: Array, year: int, latest: int) -> Array:
    """``[lag, district, sex, age]``: the residents planned for ``year - lag``, lag 0 .. ``latest``."""
    rows = np.zeros((latest + 1, *planned.shape[1:]))
    for lag in range(min(latest, year) + 1):
        rows[lag] = planned[year - lag]
    return rows


Pairs = tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], Array]


def flow_pairs(flows: Flows) -> Pairs:
    """What :func:`move_draws` needs of ``flows``: each pair's destination and origin (as a place among the
    origins), the origins, and what each origin is asked for ``[origin, year, sex, age]``."""
    origins, slot = np.unique(flows.origin, return_inverse=True)
    years, _, sexes, ages = flows.persons.shape
    asked = np.zeros((len(origins), years, sexes, ages))
    np.add.at(asked, slot, np.moveaxis(flows.persons, 1, 0))
    return flows.destination, slot.astype(np.intp), origins, asked


@njit(parallel=True, cache=True)
def move_draws(
    population: Array,
    destination: NDArray[np.intp],
    slot: NDArray[np.intp],
    origins: NDArray[np.intp],
    asked: Array,
    persons: Array,
    out: Array,
) -> None:
    """:func:`placeplan.models.population.move` for every draw of ``population`` ``[district, draw, sex, age]``
    at once, reading only the districts the flows join, each once: ``persons`` ``[pair, sex, age]`` leave
    origin ``origins[slot[pair]]``, which is asked for ``asked`` ``[origin, sex, age]`` in all; ``out[district,
    draw, 2]`` gets the change the moves make, ``out[..., 3]`` the persons an emptied origin could not give."""
    draws, sexes, ages = population.shape[1:]
    tiles = (draws + TILE - 1) // TILE
    for tile in prange(tiles):  # a few draws at a time: each district's rows of them lie together
        first, last = tile * TILE, min(draws, tile * TILE + TILE)
        given = np.ones((len(origins), last - first, sexes, ages))  # the share of what is asked each gives
        whole = np.ones((len(origins), last - first), dtype=np.bool_)  # gives all it is asked (most do)
        for k in range(len(origins)):  # first every origin gives, from what it had ...
            for n in range(first, last):
                row, change, short = population[origins[k], n], 0.0, 0.0
                for s in range(sexes):
                    for a in range(ages):
                        have, wanted = row[s, a], asked[k, s, a]
                        share = 1.0
                        if wanted > have:
                            share = have / wanted
                            given[k, n - first, s, a] = share
                            whole[k, n - first] = False
                            short += wanted - have
                        row[s, a] = max(have - wanted * share, 0.0)  # rounding: an emptied cell is 0, not -1e-13
                        change += row[s, a] - have
                out[origins[k], n, 2] += change
                out[origins[k], n, 3] += short
        for p in range(len(destination)):  # ... then every destination receives
            for n in range(first, last):
                row, change, everything = population[destination[p], n], 0.0, whole[slot[p], n - first]
                for s in range(sexes):
                    for a in range(ages):
                        arriving = (
                            persons[p, s, a] if everything else persons[p, s, a] * given[slot[p], n - first, s, a]
                        )
                        row[s, a] += arriving
                        change += arriving
                out[destination[p], n, 2] += change


TILE = 8
"""Draws :func:`move_draws` moves together (their rows of a district are adjacent in memory)."""


@njit(parallel=True, cache=True)
def _school_ages(population: Array, first: NDArray[np.intp], last: NDArray[np.intp], out: Array, year: int) -> None:
    """``out[stage, year, draw, district]`` from the year's ``population`` ``[district, draw, sex, age]``."""
    districts, draws, sexes, _ = population.shape
    for cell in prange(districts * draws):
        d, n = cell // draws, cell % draws
        for k in range(len(first)):
            total = 0.0
            for s in range(sexes):
                for a in range(first[k], last[k] + 1):
                    total += population[d, n, s, a]
            out[k, year, n, d] = total
