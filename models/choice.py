"""Choosing how to forecast from the past alone: rolling-origin scores, the best few methods, their combination.

Errors are ``[method, origin, horizon, unit]`` absolute percentage errors of
forecasts made at past origins (NaN where unknown, or where the year forecast
was a shock). At an origin ``o`` only forecasts made at earlier origins of
years up to ``o`` are known, so a choice made at ``o`` uses nothing after it.
"""

import numpy as np
from numpy.typing import NDArray

from .progression import Method

Array = NDArray[np.float64]

CANDIDATES: tuple[Method, ...] = (
    *(Method("mean", window) for window in range(2, 9)),
    *(Method("trend", window) for window in range(3, 9)),
    *(Method("smoothing", 8, alpha=alpha) for alpha in (0.3, 0.5, 0.7)),
    *(Method("weights", window, weights=tuple(map(float, range(1, window + 1)))) for window in range(3, 7)),
)
"""The estimators and windows ``auto`` chooses among (mean 2-8, trend 3-8, smoothing, rising weights 3-6)."""

SHRINKAGES = (10.0, 30.0, 100.0)
"""Shrinkage strengths tried for school records, in pupils' worth of the district's ratios."""

BEST = 3
"""How many of the best methods are combined (their forecasts averaged)."""

PLAIN = Method("mean", 3)
"""The plain 3-year mean: what ``auto`` uses before the past can score anything, and the usual benchmark."""

FEWEST = 3
"""Fewest past forecasts (origin and horizon) a choice needs; with fewer, ``auto`` uses :data:`PLAIN`."""


def percent_errors(forecasts: Array, actual: Array, first_year: int, origins: NDArray[np.int64]) -> Array:
    """``|forecast - actual| / actual * 100`` for ``forecasts`` ``[method, origin, horizon, unit]``.

    ``actual`` is ``[year, unit]`` from ``first_year`` (NaN for shock years, which are not scored).
    """
    horizons = np.arange(1, forecasts.shape[2] + 1)
    target = origins[:, None] + horizons[None, :] - first_year
    inside = target < len(actual)
    truth = np.full((*target.shape, actual.shape[1]), np.nan)
    truth[inside] = actual[target[inside]]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(truth > 0, np.abs(forecasts - truth) / truth * 100, np.nan)


def known_at(origins: NDArray[np.int64], horizons: int, at: int) -> NDArray[np.bool_]:
    """``[origin, horizon]``: forecasts made before ``at`` of years up to ``at``."""
    ends = origins[:, None] + np.arange(1, horizons + 1)[None, :]
    return (origins[:, None] < at) & (ends <= at)


def scores(errors: Array, origins: NDArray[np.int64], at: int) -> Array:
    """Each method's mean absolute percentage error ``[method]`` over what is known at ``at`` (NaN: nothing)."""
    known = known_at(origins, errors.shape[2], at)[None, :, :, None] & ~np.isnan(errors)
    cells = known.sum(axis=(1, 2, 3))
    totals = np.where(known, errors, 0.0).sum(axis=(1, 2, 3))
    enough = known.any(axis=3).sum(axis=(1, 2)) >= FEWEST  # past forecasts, each of all units
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(enough, totals / cells, np.nan)


def best(score: Array, few: int = BEST) -> list[int]:
    """The ``few`` methods with the lowest scores (none when nothing could be scored)."""
    scored = np.flatnonzero(~np.isnan(score))
    return [int(m) for m in scored[np.argsort(score[scored], kind="stable")][:few]]


def combined(forecasts: Array, chosen: list[int]) -> Array:
    """The mean of the chosen methods' forecasts ``[method, ...]`` (equal weights)."""
    return forecasts[chosen].mean(axis=0)
