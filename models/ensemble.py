"""The cohort-component step for many draws at once, fused into one pass per year (numba).

The kernel's arrays are district-major, ``[district, draw, sex, age]``: the
draws of one district lie together, so its rates are read from cache while the
population streams through memory once. One call of :func:`advance` does
steps 1-4 of the cohort-component method (MODEL.md) for every draw and
district, reading each cell once and writing it once, so a year costs about
what copying the population costs. :func:`project_draws` loops it over the
years; it agrees with :func:`placeplan.models.population.cohort_component`.

The compiled kernel is cached in the user's cache folder (``NUMBA_CACHE_DIR``,
by default ``~/.cache/placeplan/numba``), never beside this file: files written
into an installed package outlive ``pip uninstall`` and would shadow a later
editable install.
"""

import os
from pathlib import Path

os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "placeplan" / "numba")
)

import numpy as np  # noqa: E402  (numba reads NUMBA_CACHE_DIR when it is imported)
from numba import njit, prange  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

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
) -> Projection:
    """Project ``base`` ``[district, sex, age]`` for every draw: population ``[year, draw, district, sex, age]``.

    Year-indexed inputs are ``[year, ...]`` as in ``cohort_component``
    (migration counted in ``year``, rates by year, the rest applied from
    ``year`` to ``year + 1``); ``tfr`` and ``scale`` are ``[draw]`` multipliers;
    ``housing`` adds the residents of planned housing, delivered and late by draw;
    ``flows`` (``persons[year, pair, sex, age]``) move people between districts
    after the rest, the same in every draw, conserving the total
    (as :func:`placeplan.models.population.move`); ``into``, memory of at least that size, is projected
    into rather than fresh memory (whose every page costs a fault when first written).
    """
    years, draws = counts.shape[0], len(tfr)
    shape = (years, base.shape[0], draws, *base.shape[1:])  # district-major for the kernel
    population = np.empty(shape) if into is None else into.ravel()[: int(np.prod(shape))].reshape(shape)
    population[0] = base[:, None]
    totals = np.zeros((years, base.shape[0], draws, 4))
    none = np.zeros((0, 1, 1, 1))
    delivered, delay = (np.ones(draws), np.zeros(draws, np.intp)) if housing is None else housing[1:]
    moves = None if flows is None else flow_pairs(flows)

    def given(values: Array) -> Array:
        """``values`` for the kernel, or an empty array when they are all zero."""
        return np.ascontiguousarray(values) if values.any() else np.zeros((0, 1, 1))

    for t in range(years - 1):
        advance(
            population[t],
            population[t + 1],
            survival[t],
            fertility[t],
            tfr,
            newborn_share[t],
            counts[t + 1],
            given(rates[t + 1]),
            given(fixed[t + 1]),
            none if housing is None else arriving(housing[0], t + 1, int(delay.max())),
            delivered,
            delay,
            observed[t],
            scale,
            totals[t],
        )
        if flows is not None and moves is not None:
            destination, slot, origins, asked = moves
            persons = np.ascontiguousarray(flows.persons[t + 1])
            move_draws(population[t + 1], destination, slot, origins, asked[:, t + 1], persons, totals[t])
    born, died, moved, clipped = np.moveaxis(np.swapaxes(totals, 1, 2), -1, 0)
    return Projection(np.swapaxes(population, 1, 2), born, died, moved, clipped)


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


def school_ages(population: Array, ages: list[tuple[int, int]]) -> Array:
    """Each stage's school-age population ``[stage, year, draw, district]`` from ``population`` ``[year, draw,
    district, sex, age]`` (any layout), stage ``k`` the people aged ``ages[k]`` (first and last), in one pass."""
    first, last = (np.array(column, dtype=np.intp) for column in zip(*ages, strict=True))
    out = np.empty((len(ages), *population.shape[:3]))
    _school_ages(population, first, last, out)
    return out


@njit(parallel=True, cache=True)
def _school_ages(population: Array, first: NDArray[np.intp], last: NDArray[np.intp], out: Array) -> None:
    years, draws, districts, sexes, _ = population.shape
    for cell in prange(years * draws):
        t, n = cell // draws, cell % draws
        for d in range(districts):
            for k in range(len(first)):
                total = 0.0
                for s in range(sexes):
                    for a in range(first[k], last[k] + 1):
                        total += population[t, n, d, s, a]
                out[k, t, n, d] = total


def quantiles(values: Array, qs: tuple[float, ...]) -> Array:
    """Exact quantiles over draws, as ``numpy.quantile`` computes them (its default, linear method), found by
    bucket selection in compiled code: ``values`` ``[outer, draw, inner]`` gives ``[q, outer, inner]``.

    Each cell's draws are counted into :data:`BUCKETS` equal buckets between their least and greatest
    (bucketing keeps order), so the draw of any rank lies in a known bucket and is selected among the
    few draws there: three passes over the draws instead of sorting them. A cell with a NaN among its
    draws gets NaN (an area a stage does not plan).
    """
    out = np.empty((len(qs), values.shape[0], values.shape[2]))
    _quantiles(values, np.asarray(qs, dtype=np.float64), out)
    return out


BUCKETS = 256
"""Buckets of the selection: about four draws each in 1,000, so selecting within one is instant."""


@njit(parallel=True, cache=True)
def _quantiles(values: Array, qs: Array, out: Array) -> None:
    outer, draws, inner = values.shape
    for cell in prange(outer * inner):
        o, i = cell // inner, cell % inner
        sample = np.empty(draws)
        least, greatest, missing = np.inf, -np.inf, False
        for n in range(draws):
            value = values[o, n, i]
            sample[n] = value
            missing = missing or np.isnan(value)
            least, greatest = min(least, value), max(greatest, value)
        if missing:
            out[:, o, i] = np.nan
            continue
        ranks = np.empty(2 * len(qs), dtype=np.int64)  # the two draws each quantile lies between
        weights = np.empty(len(qs))
        for q in range(len(qs)):
            at = (draws - 1) * qs[q]  # numpy's virtual index
            below = min(max(int(np.floor(at)), 0), draws - 1)
            ranks[2 * q], ranks[2 * q + 1], weights[q] = below, min(below + 1, draws - 1), at - np.floor(at)
        ranked = _ranked(sample, ranks, least, greatest)
        for q in range(len(qs)):
            below, above, weight = ranked[2 * q], ranked[2 * q + 1], weights[q]
            gap = above - below  # numpy's _lerp, from the nearer end
            out[q, o, i] = above - gap * (1.0 - weight) if weight >= 0.5 else below + gap * weight


@njit(cache=True)
def _ranked(sample: Array, ranks: NDArray[np.int64], least: float, greatest: float) -> Array:
    """The draws of ``ranks`` (0 the least) in ``sample``: selected among the draws of their bucket."""
    found = np.empty(len(ranks))
    span = greatest - least
    if span == 0.0:  # all draws equal (half of a population's cells: those no uncertain input reaches)
        found[:] = least
        return found
    scale = BUCKETS / span if span < np.inf else np.inf
    if not np.isfinite(scale):  # too near or too far apart to bucket: select among all draws
        for r in range(len(ranks)):
            _select(sample, 0, len(sample) - 1, ranks[r])
            found[r] = sample[ranks[r]]
        return found
    counts = np.zeros(BUCKETS + 1, dtype=np.int64)
    for value in sample:
        counts[min(int((value - least) * scale), BUCKETS - 1) + 1] += 1
    starts = np.cumsum(counts)  # starts[b]: draws in buckets before b
    bucket_of = np.searchsorted(starts, ranks, side="right") - 1
    slot = np.full(BUCKETS, -1, dtype=np.int64)  # where each needed bucket's draws are gathered
    offsets = np.zeros(len(ranks) + 1, dtype=np.int64)
    needed = 0
    for b in bucket_of:
        if slot[b] < 0:
            slot[b] = needed
            offsets[needed + 1] = offsets[needed] + counts[b + 1]
            needed += 1
    gathered = np.empty(offsets[needed])
    filled = offsets[:needed].copy()
    for value in sample:
        s = slot[min(int((value - least) * scale), BUCKETS - 1)]
        if s >= 0:
            gathered[filled[s]] = value
            filled[s] += 1
    for r in range(len(ranks)):
        b = bucket_of[r]
        at = offsets[slot[b]] + ranks[r] - starts[b]
        _select(gathered, offsets[slot[b]], offsets[slot[b] + 1] - 1, at)
        found[r] = gathered[at]
    return found


@njit(cache=True)
def _select(sample: Array, low: int, high: int, k: int) -> None:
    """Reorder ``sample[low:high + 1]`` so that ``sample[k]`` is its k-th smallest, smaller ones before it and
    larger ones after (Hoare's selection with a median-of-three pivot)."""
    while high > low:
        middle = (low + high) // 2
        if sample[middle] < sample[low]:
            sample[middle], sample[low] = sample[low], sample[middle]
        if sample[high] < sample[low]:
            sample[high], sample[low] = sample[low], sample[high]
        if sample[high] < sample[middle]:
            sample[high], sample[middle] = sample[middle], sample[high]
        pivot = sample[middle]
        i, j = low, high
        while i <= j:
            while sample[i] < pivot:
                i += 1
            while sample[j] > pivot:
                j -= 1
            if i <= j:
                sample[i], sample[j] = sample[j], sample[i]
                i += 1
                j -= 1
        if k <= j:
            high = j
        elif k >= i:
            low = i
        else:
            return
