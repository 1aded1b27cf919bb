"""Forecast bands from past errors: conformal quantiles, widened for shocks, and their leave-one-origin-out coverage.

Errors are percentage errors of past forecasts at one horizon (pooled over
areas). A 90% band is the pair of order statistics split conformal
prediction takes: with ``n`` errors sorted, the ``floor((n + 1) * 0.05)``-th
and the ``ceil((n + 1) * 0.95)``-th, so that a new error falls inside with
probability at least 90% when errors are exchangeable; with fewer than 19
errors the band is their range (it then covers less). A year like a recorded
shock is expected as often as shocks were recorded (``p`` of the years): the
band is widened to cover 90% of a mixture of the normal errors (weight ``1 -
p``) and the shock years' errors (weight ``p``).
"""

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LEVEL = 0.9
"""Nominal coverage of the bands."""


def conformal(errors: Array, level: float = LEVEL) -> tuple[float, float]:
    """The band ``(low, high)`` of ``errors`` by split conformal prediction (their range when too few).

    >>> conformal(np.arange(1.0, 40.0))
    (2.0, 38.0)
    """
    ordered = np.sort(errors[~np.isnan(errors)])
    n = len(ordered)
    if not n:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low = math.floor(round((n + 1) * tail, 9))
    high = math.ceil(round((n + 1) * (1 - tail), 9))
    return float(ordered[max(low, 1) - 1]), float(ordered[min(high, n) - 1])


def weighted_quantile(values: Array, weights: Array, q: float) -> float:
    """The smallest value whose cumulative weight reaches ``q`` of the total."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][min(int(np.searchsorted(cumulative, q)), len(values) - 1)])


def band(normal: Array, shocks: Array, shock_share: float, level: float = LEVEL) -> tuple[float, float]:
    """The conformal band of the normal errors, widened to cover ``level`` of a mixture with the shock errors."""
    low, high = conformal(normal, level)
    normal, shocks = normal[~np.isnan(normal)], shocks[~np.isnan(shocks)]
    if not len(shocks) or not len(normal) or shock_share <= 0:
        return low, high
    values = np.concatenate([normal, shocks])
    weights = np.concatenate(
        [np.full(len(normal), (1 - shock_share) / len(normal)), np.full(len(shocks), shock_share / len(shocks))]
    )
    tail = (1 - level) / 2
    return min(low, weighted_quantile(values, weights, tail)), max(high, weighted_quantile(values, weights, 1 - tail))


def coverage(errors: Array, origins: NDArray[np.int64], level: float = LEVEL) -> float:
    """Share of errors inside the band made from the other origins' errors (leave one origin out)."""
    inside = []
    for origin in np.unique(origins):
        others = errors[origins != origin]
        if np.isnan(others).all():
            continue
        low, high = conformal(others, level)
        mine = errors[(origins == origin) & ~np.isnan(errors)]
        inside.extend((mine >= low) & (mine <= high))
    return float(np.mean(inside)) if inside else math.nan
