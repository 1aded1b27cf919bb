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


def forecast(
    history: Array,
    first_year: int,
    births: Array,
    first_birth_year: int,
    entry_age: int,
    years: NDArray[np.int64],
    how: str = "mean",
    window: int = 3,
    weights: Array | None = None,
    alpha: float = 0.5,
    exclude: tuple[int, ...] = (),
) -> Array:
    """Enrolment ``[year, grade, ...]`` for ``years``: recorded where the history has the year, forecast after it.

    ``history`` ``[year, grade, ...]`` starts in ``first_year``; ``births``
    ``[year, ...]`` in ``first_birth_year`` (NaN where unknown). Ratios are
    estimated from the whole history with :func:`estimate`, leaving out the
    ratios of the years in ``exclude`` (a shock such as a pandemic year);
    entrants of year ``t`` are ``BER * births[t - entry_age]`` (NaN where those
    births are unknown).
    """
    last = first_year + len(history) - 1

    def born(year: NDArray[np.int64]) -> Array:
        index = year - entry_age - first_birth_year
        inside = (index >= 0) & (index < len(births))
        out = np.full((len(year), *births.shape[1:]), np.nan)
        out[inside] = births[index[inside]]
        return out

    history_years = np.arange(first_year, last + 1)
    entry_r, progression_r = entry_ratios(history, born(history_years)), progression_ratios(history)
    entry_r[np.isin(history_years, exclude)] = np.nan
    progression_r[np.isin(history_years[1:], exclude)] = np.nan
    entry = estimate(entry_r, how, window, weights, alpha)
    progression = estimate(progression_r, how, window, weights, alpha)
    ahead = years[years > last]
    projected = roll_forward(history[-1], entry * born(ahead), progression) if len(ahead) else history[:0]
    out = np.full((len(years), *history.shape[1:]), np.nan)
    recorded = (years >= first_year) & (years <= last)
    out[recorded] = history[years[recorded] - first_year]
    out[years > last] = projected
    return out
