"""Grade progression (cohort-survival) enrolment forecasts, as school districts make them.

Arrays are ``[year, grade, ...]`` for enrolment (grade 0 is the entry grade)
and ``[year, ...]`` for births; ``...`` is districts (or schools).

- birth-to-entry ratio ``BER[t] = E[t, 0] / B[t - lag]`` (``lag`` = entry age)
- progression ratio ``PR[t, g] = E[t, g] / E[t - 1, g - 1]`` for ``g >= 1``
- forecast: ``E[t, 0] = BER * B[t - lag]``, ``E[t, g] = E[t - 1, g - 1] * PR[g]``
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _ratio(numerator: Array, denominator: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def entry_ratios(enrolment: Array, births: Array) -> Array:
    """``BER[t]`` for every year of ``enrolment`` ``[year, grade, ...]``.

    ``births[i]`` ``[year, ...]`` are the births of the entry cohort of
    ``enrolment[i]``, i.e. births ``lag`` (the entry age) years earlier.
    """
    return _ratio(enrolment[:, 0], births)


def progression_ratios(enrolment: Array) -> Array:
    """``PR[t, g]`` ``[year - 1, grade - 1, ...]``: each grade over the grade below a year earlier."""
    return _ratio(enrolment[1:, 1:], enrolment[:-1, :-1])


def estimate(
    ratios: Array, how: str = "mean", years: int = 3, weights: Array | None = None, alpha: float = 0.5
) -> Array:
    """One ratio from past ``ratios`` ``[year, ...]`` (oldest first), ignoring NaN years.

    - ``mean``: plain mean of the last ``years``;
    - ``weights``: ``sum(w * r) / sum(w)`` over the last ``len(weights)`` years, weights oldest first;
    - ``smoothing``: exponential smoothing ``S = alpha * r + (1 - alpha) * S`` over the last ``years``,
      started at the oldest of them (NCES).
    """
    if how == "weights":
        assert weights is not None
        recent = ratios[-len(weights) :]
        w = np.asarray(weights, dtype=float).reshape(-1, *[1] * (recent.ndim - 1)) * ~np.isnan(recent)
        return np.nansum(recent * w, axis=0) / w.sum(axis=0)
    recent = ratios[-years:]
    if how == "mean":
        return np.nanmean(recent, axis=0)
    if how == "smoothing":
        level = recent[0].copy()
        for value in recent[1:]:
            level = np.where(np.isnan(value), level, alpha * value + (1 - alpha) * level)
        return level
    raise ValueError(f"unknown estimator {how!r}; use mean, weights or smoothing")


def roll_forward(last: Array, entrants: Array, progression: Array) -> Array:
    """Forecast ``[year, grade, ...]`` for the years of ``entrants`` ``[year, ...]`` after ``last`` ``[grade, ...]``.

    ``progression`` ``[grade - 1, ...]`` moves each grade up one a year.
    """
    out = np.empty((len(entrants), *last.shape))
    previous = last
    for t, entering in enumerate(entrants):
        out[t, 0] = entering
        out[t, 1:] = previous[:-1] * progression
        previous = out[t]
    return out
