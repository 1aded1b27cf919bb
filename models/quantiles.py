"""Exact quantiles over an ensemble's draws, by bucket selection in compiled code (numba).

The numbers are ``numpy.quantile``'s (its default, linear method) to the bit; a
median of 12 million draws takes a tenth of ``numpy.median``'s time
(docs/performance.md).
"""

from functools import cache

import numpy as np
from numpy.typing import NDArray

from .compiled import get_num_threads, njit, prange

Array = NDArray[np.float64]


def quantiles(values: Array, qs: tuple[float, ...]) -> Array:
    """Exact quantiles over draws, as ``numpy.quantile`` computes them (its default, linear method):
    ``values`` ``[outer, draw, inner]`` gives ``[q, outer, inner]``."""
    if values.shape[1] == 1:  # one draw (a figure the same in every draw): every quantile is that draw
        only = values[:, 0]  # (numpy's interpolation turns an infinite one into NaN)
        return np.repeat(np.where(np.isinf(only), np.nan, only)[None], len(qs), axis=0)
    return interpolated(ranked(values, qs), values.shape[1], qs)


def ranked(values: Array, qs: tuple[float, ...]) -> Array:
    """The two draws each quantile lies between (:func:`bracket`), found by bucket selection in compiled code:
    ``values`` ``[outer, draw, inner]`` gives ``[2 q, outer, inner]``.

    Each cell's draws are counted into :data:`BUCKETS` equal buckets between their least and greatest
    (bucketing keeps order), so the draw of any rank lies in a known bucket and is selected among the
    few draws there: three passes over the draws instead of sorting them. A cell with a NaN among its
    draws gets NaN (an area a stage does not plan).
    """
    out = np.empty((2 * len(qs), values.shape[0], values.shape[2]))
    blocks = min(values.shape[0] * values.shape[2], 16 * get_num_threads())  # a few per thread, for balance
    ranks = bracket(values.shape[1], qs)[0]
    _ranked_draws(np.ascontiguousarray(values), ranks, blocks, out)  # one layout: one compile
    return out


@cache
def bracket(draws: int, qs: tuple[float, ...]) -> tuple[NDArray[np.int64], Array]:
    """Each quantile's two ranks (0 the least draw) and its weight between them, as ``numpy.quantile`` places
    it: at ``(draws - 1) q``."""
    at = (draws - 1) * np.asarray(qs, dtype=np.float64)  # numpy's virtual index
    below = np.clip(np.floor(at).astype(np.int64), 0, draws - 1)
    ranks = np.stack([below, np.minimum(below + 1, draws - 1)], axis=1).ravel()
    return ranks, at - np.floor(at)


def interpolated(ranked: Array, draws: int, qs: tuple[float, ...]) -> Array:
    """Quantiles ``[q, ...]`` from the draws they lie between ``[2 q, ...]``, interpolated as numpy's ``_lerp``
    does (from the nearer end), so the numbers are its own to the bit; an infinite draw gives NaN, as there.

    Any figure that never falls as another rises (a gap, classes, teachers, costs of the public demand) keeps
    the draws' order, so its quantiles are these from that figure of the ranked draws."""
    below, above = ranked[0::2], ranked[1::2]
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf; draws too far apart to subtract
        gap = above - below
        return np.stack(
            [
                a - g * (1.0 - w) if w >= 0.5 else b + g * w
                for b, a, g, w in zip(below, above, gap, bracket(draws, qs)[1], strict=True)
            ]
        )


BUCKETS = 256
"""Buckets of the selection: about four draws each in 1,000, so selecting within one is instant."""


@njit(parallel=True, cache=True)
def _ranked_draws(values: Array, ranks: NDArray[np.int64], blocks: int, out: Array) -> None:
    outer, draws, inner = values.shape
    cells = outer * inner
    for block in prange(blocks):  # cells in blocks: each block's working memory is made once, not once a cell
        sample, work = np.empty(draws), _working_memory(draws, len(ranks))
        for cell in range(block * cells // blocks, (block + 1) * cells // blocks):
            o, i = cell // inner, cell % inner
            least, greatest, missing = np.inf, -np.inf, False
            for n in range(draws):
                value = values[o, n, i]
                sample[n] = value
                missing = missing or np.isnan(value)
                least, greatest = min(least, value), max(greatest, value)
            if missing:
                out[:, o, i] = np.nan
                continue
            out[:, o, i] = _ranked(sample, ranks, least, greatest, work)


Work = tuple[Array, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], Array]
"""Working memory of :func:`_ranked`: the draws found, bucket starts, each rank's bucket, each bucket's slot,
the slots' offsets and the draws gathered."""


@njit(cache=True)
def _working_memory(draws: int, ranks: int) -> Work:
    return (
        np.empty(ranks),
        np.empty(BUCKETS + 1, dtype=np.int64),
        np.empty(ranks, dtype=np.int64),
        np.empty(BUCKETS, dtype=np.int64),
        np.empty(ranks + 1, dtype=np.int64),
        np.empty(draws),
    )


@njit(cache=True)
def _ranked(sample: Array, ranks: NDArray[np.int64], least: float, greatest: float, work: Work) -> Array:
    """The draws of ``ranks`` (0 the least) in ``sample``: selected among the draws of their bucket."""
    found, starts, bucket_of, slot, offsets, gathered = work
    span = greatest - least
    if span == 0.0:  # all draws equal (half of a population's cells: those no uncertain input reaches)
        found[:] = least
        return found
    scale = BUCKETS / span if span < np.inf else np.inf
    if not np.isfinite(scale):  # too near or too far apart to bucket: select among all draws
        for r in range(len(ranks)):
            _select(sample, np.int64(0), len(sample) - 1, ranks[r])  # an int64, as in the other call: one compile
            found[r] = sample[ranks[r]]
        return found
    starts[:] = 0  # starts[b]: draws in buckets before b (plain loops compile quicker than cumsum, searchsorted)
    for value in sample:
        starts[min(int((value - least) * scale), BUCKETS - 1) + 1] += 1
    for b in range(1, BUCKETS + 1):
        starts[b] += starts[b - 1]
    bucket_of[:] = 0
    for r in range(len(ranks)):
        while starts[bucket_of[r] + 1] <= ranks[r]:
            bucket_of[r] += 1
    slot[:] = -1  # where each needed bucket's draws are gathered
    offsets[0] = 0
    needed = 0
    for bucket in bucket_of:
        if slot[bucket] < 0:
            slot[bucket] = needed
            offsets[needed + 1] = offsets[needed] + starts[bucket + 1] - starts[bucket]
            needed += 1
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
def _select(sample: Array, low: int | np.int64, high: int, k: int) -> None:
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
