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

from .population import Flows, Projection, move

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
    extra: Array,
    observed: Array,
    scale: Array,
    out: Array,
) -> None:
    """One year for all draws: ``nxt`` from ``now`` ``[district, draw, sex, age]``.

    ``out[district, draw, 0..3]`` gets births, deaths, net migration and clipped.

    ``survival``, ``counts``, ``rates``, ``fixed`` are ``[district, sex, age]``
    (``counts`` and ``rates`` are scaled by ``scale[draw]``, ``fixed`` is not);
    ``fertility`` is ``[district, 35]`` scaled by ``tfr[draw]``; ``newborn_share``
    ``[district, sex]`` is the sex share times infant survival; ``extra`` is
    ``[district, draw, sex, age]``; ``rates``, ``fixed`` and ``extra`` may be
    empty (``shape[0] == 0``) when there are none, which saves reading them;
    ``observed`` ``[district]`` births replace the model where not NaN.
    """
    districts, draws, sexes, ages = now.shape
    top = ages - 1
    has_extra, has_rates, has_fixed = extra.shape[0] > 0, rates.shape[0] > 0, fixed.shape[0] > 0
    for cell in prange(districts * draws):
        d, n = cell // draws, cell % draws
        born = observed[d]
        if np.isnan(born):
            born = 0.0
            for a in range(35):
                born += fertility[d, a] * now[d, n, 0, 15 + a]
            born *= tfr[n]
        before, aged_total, after, clipped = 0.0, 0.0, 0.0, 0.0
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
                if has_extra:
                    migrants += extra[d, n, s, a]
                value = aged + migrants
                after += value
                clipped += max(-value, 0.0)
                row[a] = max(value, 0.0)
        out[d, n, 0] = born
        out[d, n, 1] = before + born - aged_total
        out[d, n, 2] = after - aged_total + clipped
        out[d, n, 3] = clipped


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
    extra: Array | None = None,
    flows: Flows | None = None,
) -> Projection:
    """Project ``base`` ``[district, sex, age]`` for every draw: population ``[year, draw, district, sex, age]``.

    Year-indexed inputs are ``[year, ...]`` as in ``cohort_component``
    (migration counted in ``year``, rates by year, the rest applied from
    ``year`` to ``year + 1``); ``tfr`` and ``scale`` are ``[draw]`` multipliers;
    ``extra`` ``[year, draw, district, sex, age]`` adds migrants per draw; ``flows``
    (``persons[year, pair, sex, age]``) move people between districts after the
    rest, the same in every draw, conserving the total (:func:`placeplan.models.population.move`).
    """
    years, draws = counts.shape[0], len(tfr)
    population = np.empty((years, base.shape[0], draws, *base.shape[1:]))  # district-major for the kernel
    population[0] = base[:, None]
    totals = np.zeros((years, base.shape[0], draws, 4))
    none = np.zeros((0, 1, 1, 1))

    def given(values: Array) -> Array:
        """``values`` for the kernel, or an empty array when they are all zero."""
        return np.ascontiguousarray(values) if values.any() else np.zeros((0, 1, 1))

    for t in range(years - 1):
        housing = none if extra is None else np.ascontiguousarray(np.swapaxes(extra[t + 1], 0, 1))
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
            housing,
            observed[t],
            scale,
            totals[t],
        )
        if flows is not None:
            before = population[t + 1].sum(axis=(-2, -1))
            totals[t, ..., 3] += move(population[t + 1], flows.origin, flows.destination, flows.persons[t + 1][:, None])
            totals[t, ..., 2] += population[t + 1].sum(axis=(-2, -1)) - before
    born, died, moved, clipped = np.moveaxis(np.swapaxes(totals, 1, 2), -1, 0)
    return Projection(np.swapaxes(population, 1, 2), born, died, moved, clipped)


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
