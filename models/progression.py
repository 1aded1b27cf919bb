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
      started at the oldest of them (NCES);
    - ``trend``: the least-squares line through the last ``years``, one year past the last (a ratio
      that drifts, such as a birth-to-entry ratio rising with in-migration).
    """
    if how == "weights":
        assert weights is not None
        recent = ratios[-len(weights) :]
        w = np.asarray(weights, dtype=float).reshape(-1, *[1] * (recent.ndim - 1)) * ~np.isnan(recent)
        return np.nansum(recent * w, axis=0) / w.sum(axis=0)
    recent = ratios[-years:]
    if how == "mean":
        return np.nanmean(recent, axis=0)
    if how == "trend":
        return _trend(recent)
    if how == "smoothing":
        level = recent[0].copy()
        for value in recent[1:]:
            level = np.where(np.isnan(value), level, alpha * value + (1 - alpha) * level)
        return level
    raise ValueError(f"unknown estimator {how!r}; use mean, weights, smoothing or trend")


def _trend(recent: Array) -> Array:
    """The least-squares line through the years with a ratio, one year past the last."""
    t = np.arange(len(recent), dtype=float).reshape(-1, *[1] * (recent.ndim - 1))
    known = ~np.isnan(recent)
    n = known.sum(axis=0)
    mean_t = np.where(known, t, 0).sum(axis=0) / n
    mean_r = np.nansum(recent, axis=0) / n
    spread = np.where(known, (t - mean_t) ** 2, 0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(spread > 0, np.nansum((t - mean_t) * (recent - mean_r), axis=0) / spread, 0.0)
    return mean_r + slope * (len(recent) - mean_t)


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


def shrink(school: Array, size: Array, district: Array, pupils: float) -> Array:
    """A school's ratio pulled toward its district's: ``(n * r_school + k * r_district) / (n + k)``.

    ``size`` ``n`` is the school's pupils behind the ratio and ``pupils`` ``k``
    how many pupils' worth of weight the district's ratio gets, so a small
    school's erratic ratio counts little; a school without a ratio takes its
    district's.
    """
    known = ~np.isnan(school)
    n = np.where(known, np.nan_to_num(size), 0.0)
    return (n * np.where(known, school, 0.0) + pupils * district) / (n + pupils)


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
    district_of: NDArray[np.intp] | None = None,
    shrinkage: float = 30.0,
) -> Array:
    """Enrolment ``[year, grade, ...]`` for ``years``: recorded where the history has the year, forecast after it.

    ``history`` ``[year, grade, ...]`` starts in ``first_year``; ``births``
    ``[year, district]`` in ``first_birth_year`` (NaN where unknown). Ratios are
    estimated from the whole history with :func:`estimate`, leaving out the
    ratios of the years in ``exclude`` (a shock such as a pandemic year);
    entrants of year ``t`` are ``BER * births[t - entry_age]`` (NaN where those
    births are unknown). With ``district_of`` the last axis is schools: each
    school's progression ratios are shrunk toward its district's, and its entry
    ratio toward the district's times the school's recent share of the
    district's entrants (:func:`shrink`); school forecasts are summed to
    districts by the caller, so they always add up.
    """
    last = first_year + len(history) - 1
    history_years = np.arange(first_year, last + 1)

    def born_in(year: NDArray[np.int64]) -> Array:
        """Births ``[year, district]`` of the cohorts entering in ``year`` (NaN where unknown)."""
        index = year - entry_age - first_birth_year
        inside = (index >= 0) & (index < len(births))
        out = np.full((len(year), *births.shape[1:]), np.nan)
        out[inside] = births[index[inside]]
        return out

    def born(year: NDArray[np.int64]) -> Array:
        """The same, per unit of ``history`` (each school gets its district's births)."""
        return born_in(year) if district_of is None else born_in(year)[..., district_of]

    def ratios(records: Array, entering: Array) -> tuple[Array, Array]:
        entry_r, progression_r = entry_ratios(records, entering), progression_ratios(records)
        entry_r[np.isin(history_years, exclude)] = np.nan
        progression_r[np.isin(history_years[1:], exclude)] = np.nan
        return estimate(entry_r, how, window, weights, alpha), estimate(progression_r, how, window, weights, alpha)

    entry, progression = ratios(history, born(history_years))
    if district_of is not None:
        by_district = np.zeros((*history.shape[:2], births.shape[1]))
        for school, district in enumerate(district_of):
            by_district[..., district] += history[..., school]
        district_entry, district_progression = ratios(by_district, born_in(history_years))
        recent = history[-window:]
        with np.errstate(divide="ignore", invalid="ignore"):  # the school's share of its district's entrants
            share = np.nanmean(recent[:, 0] / by_district[-window:, 0][:, district_of], axis=0)
        entry = shrink(entry, np.nanmean(recent[:, 0], axis=0), share * district_entry[district_of], shrinkage)
        progression = shrink(
            progression, np.nanmean(recent[:, :-1], axis=0), district_progression[:, district_of], shrinkage
        )
    ahead = years[years > last]
    projected = roll_forward(history[-1], entry * born(ahead), progression) if len(ahead) else history[:0]
    out = np.full((len(years), *history.shape[1:]), np.nan)
    recorded = (years >= first_year) & (years <= last)
    out[recorded] = history[years[recorded] - first_year]
    out[years > last] = projected
    return out
