"""Forecast bands from past errors: conformal quantiles, widened for shocks, and their leave-one-origin-out coverage.

Errors are percentage errors of past forecasts at one horizon (pooled over
areas). A 90% band is the pair of order statistics split conformal
prediction takes: with ``n`` errors sorted, the ``floor((n + 1) * 0.05)``-th
and the ``ceil((n + 1) * 0.95)``-th, so that a new error falls inside with
probability at least 90% when errors are exchangeable (asymmetric where the
errors are). That needs ``n >= 19``; with fewer errors their range would
cover only ``(n - 1) / (n + 1)``, so the band is then the normal prediction
interval ``mean +- t(0.95, n - 1) * sd * sqrt(1 + 1 / n)``. A year like a
recorded shock is expected as often as shocks were recorded (``p`` of the
years): the band is widened to cover 90% of a mixture of the normal errors
(weight ``1 - p``) and the shock years' errors (weight ``p``).
"""

import math
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LEVEL = 0.9
"""Nominal coverage of the bands."""


def conformal(errors: Array, level: float = LEVEL) -> tuple[float, float]:
    """The band ``(low, high)`` of ``errors``: split conformal, or the normal prediction interval when too few.

    >>> conformal(np.arange(1.0, 40.0))
    (2.0, 38.0)
    >>> [round(x, 2) for x in conformal(np.array([-10.0, 0.0, 10.0]))]  # 10 x t(0.95, 2) x sqrt(4 / 3)
    [-33.72, 33.72]
    """
    ordered = np.sort(errors[~np.isnan(errors)])
    n = len(ordered)
    tail = (1 - level) / 2
    low = math.floor(round((n + 1) * tail, 9))
    if low < 1:
        return _predictive(ordered, 1 - tail)
    high = math.ceil(round((n + 1) * (1 - tail), 9))
    return float(ordered[low - 1]), float(ordered[high - 1])


def _predictive(errors: Array, q: float) -> tuple[float, float]:
    """``mean +- t(q, n - 1) * sd * sqrt(1 + 1 / n)``: where a new error falls if errors are normal."""
    n = len(errors)
    if n < 2:
        return (float(errors[0]), float(errors[0])) if n else (math.nan, math.nan)
    half = student_t(q, n - 1) * float(np.std(errors, ddof=1)) * math.sqrt(1 + 1 / n)
    mean = float(np.mean(errors))
    return mean - half, mean + half


def student_t(q: float, df: int) -> float:
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom (exact for 1 and 2, else A&S 26.7.5).

    >>> round(student_t(0.95, 1), 4), round(student_t(0.95, 2), 4), round(student_t(0.95, 10), 4)
    (6.3138, 2.92, 1.8125)
    """
    if df == 1:
        return math.tan(math.pi * (q - 0.5))
    if df == 2:
        return (2 * q - 1) / math.sqrt(2 * q * (1 - q))
    z = NormalDist().inv_cdf(q)
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + sum(term / df ** (k + 1) for k, term in enumerate(terms))


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
