"""Grade progression (cohort-survival) enrolment forecasts, as school districts make them.

Arrays are ``[year, grade, ...]`` for enrolment (grade 0 is the entry grade)
and ``[year, ...]`` for births; ``...`` is districts (or schools).

- birth-to-entry ratio ``BER[t] = E[t, 0] / B[t - lag]`` (``lag`` = entry age)
- progression ratio ``PR[t, g] = E[t, g] / E[t - 1, g - 1]`` for ``g >= 1``
- forecast: ``E[t, 0] = BER * B[t - lag]``, ``E[t, g] = E[t - 1, g - 1] * PR[g]``

A year marked *anomalous* (a shock such as 2020) gives no ratio, is the base
of no ratio, and is never the starting point: a forecast starts from the last
normal year and rolls forward through the shock.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Method:
    """How ratios are estimated from past years (:func:`estimate`), and for school records the shrinkage."""

    how: str = "mean"
    window: int = 3
    alpha: float = 0.5
    weights: tuple[float, ...] | None = None
    shrinkage: float = 30.0

    def __str__(self) -> str:
        what = {
            "mean": f"mean of {self.window}",
            "trend": f"trend of {self.window}",
            "smoothing": f"smoothing {self.alpha:g} over {self.window}",
            "weights": f"weights {':'.join(f'{w:g}' for w in self.weights or ())}",
        }[self.how]
        return what


def _ratio(numerator: Array, denominator: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _mean(values: Array) -> Array:
    """Mean over the first axis of the known values; NaN where none is known (and no warning)."""
    known = ~np.isnan(values)
    return _ratio(np.where(known, values, 0.0).sum(axis=0), known.sum(axis=0).astype(float))


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
      started at the oldest known of them (NCES);
    - ``trend``: the least-squares line through the last ``years``, one year past the last (a ratio
      that drifts, such as a birth-to-entry ratio rising with in-migration).
    """
    if how == "weights":
        assert weights is not None
        recent = ratios[-len(weights) :]
        w = np.asarray(weights, dtype=float)[-len(recent) :].reshape(-1, *[1] * (recent.ndim - 1))
        w = w * ~np.isnan(recent)
        return _ratio(np.nansum(recent * w, axis=0), w.sum(axis=0))
    recent = ratios[-years:]
    if how == "mean":
        return _mean(recent)
    if how == "trend":
        return _trend(recent)
    if how == "smoothing":
        level = np.full(recent.shape[1:], np.nan)
        for value in recent:
            level = np.where(
                np.isnan(value), level, np.where(np.isnan(level), value, alpha * value + (1 - alpha) * level)
            )
        return level
    raise ValueError(f"unknown estimator {how!r}; use mean, weights, smoothing or trend")


def _trend(recent: Array) -> Array:
    """The least-squares line through the years with a ratio, one year past the last."""
    t = np.arange(len(recent), dtype=float).reshape(-1, *[1] * (recent.ndim - 1))
    known = ~np.isnan(recent)
    n = known.sum(axis=0).astype(float)
    mean_t = _ratio(np.where(known, t, 0).sum(axis=0), n)
    mean_r = _mean(recent)
    spread = np.where(known, (t - mean_t) ** 2, 0).sum(axis=0)
    slope = np.where(spread > 0, _ratio(np.nansum((t - mean_t) * (recent - mean_r), axis=0), spread), 0.0)
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
    return _ratio(n * np.where(known, school, 0.0) + pupils * district, n + pupils)


def ratios(history: Array, entering: Array, anomalous: NDArray[np.bool_]) -> tuple[Array, Array]:
    """Entry ratios ``[year, ...]`` and progression ratios ``[year - 1, grade - 1, ...]``, none from a shock.

    ``anomalous`` ``[year]`` marks the shock years: their ratios, and the
    ratios of the year after (whose base is the shock), are NaN.
    """
    entry, progression = entry_ratios(history, entering), progression_ratios(history)
    entry[anomalous] = np.nan
    progression[anomalous[1:] | anomalous[:-1]] = np.nan
    return entry, progression


def forecast(
    history: Array,
    first_year: int,
    births: Array,
    first_birth_year: int,
    entry_age: int,
    years: NDArray[np.int64],
    method: Method = Method(),
    anomalous: tuple[int, ...] = (),
    district_of: NDArray[np.intp] | None = None,
) -> Array:
    """Enrolment ``[year, grade, ...]`` for ``years``: recorded where the history has the year, forecast after it.

    ``history`` ``[year, grade, ...]`` starts in ``first_year`` (NaN where a
    school did not exist); ``births`` ``[year, district]`` in
    ``first_birth_year`` (NaN where unknown). Ratios are estimated from the
    history with ``method``, none from the ``anomalous`` years; the forecast
    rolls forward from the last normal year; entrants of year ``t`` are ``BER *
    births[t - entry_age]`` (NaN where those births are unknown). With
    ``district_of`` the last axis is schools: each school's progression ratios
    are shrunk toward its district's, and its entry ratio toward the
    district's times the school's recent share of the district's entrants
    (:func:`shrink`); a school with no record in the starting year is closed
    and gets no pupils.
    """
    last = first_year + len(history) - 1
    history_years = np.arange(first_year, last + 1)
    shock = np.isin(history_years, anomalous)
    normal = np.flatnonzero(~shock)
    out = np.full((len(years), *history.shape[1:]), np.nan)
    recorded = (years >= first_year) & (years <= last)
    out[recorded] = history[years[recorded] - first_year]
    if not len(normal) or not (years > last).any():
        return out
    start = int(normal[-1])

    def born_in(year: NDArray[np.int64]) -> Array:
        """Births ``[year, district]`` of the cohorts entering in ``year`` (NaN where unknown)."""
        index = year - entry_age - first_birth_year
        inside = (index >= 0) & (index < len(births))
        found = np.full((len(year), *births.shape[1:]), np.nan)
        found[inside] = births[index[inside]]
        return found

    def born(year: NDArray[np.int64]) -> Array:
        """The same, per unit of ``history`` (each school gets its district's births)."""
        return born_in(year) if district_of is None else born_in(year)[..., district_of]

    def estimated(records: Array, entering: Array) -> tuple[Array, Array]:
        entry_r, progression_r = ratios(records, entering, shock)
        how = method.how, method.window, None if method.weights is None else np.array(method.weights), method.alpha
        return estimate(entry_r, *how), estimate(progression_r, *how)

    entry, progression = estimated(history, born(history_years))
    closed = np.zeros(history.shape[2:], dtype=bool)
    if district_of is not None:
        closed = np.isnan(history[start]).all(axis=0)
        by_district = _by_district(history, district_of, births.shape[1])
        district_entry, district_progression = estimated(by_district, born_in(history_years))
        recent = history[~shock][-method.window :]
        share = _mean(_ratio(recent[:, 0], by_district[~shock][-method.window :, 0][:, district_of]))
        entry = shrink(entry, _mean(recent[:, 0]), share * district_entry[district_of], method.shrinkage)
        progression = shrink(progression, _mean(recent[:, :-1]), district_progression[:, district_of], method.shrinkage)
        entry, progression = np.where(closed, 0.0, entry), np.where(closed, 0.0, progression)
    ahead = np.arange(first_year + start + 1, int(years.max()) + 1)
    projected = roll_forward(np.where(closed, 0.0, history[start]), entry * born(ahead), progression)
    later = years > last
    out[later] = projected[years[later] - ahead[0]]
    return out


def _by_district(history: Array, district_of: NDArray[np.intp], districts: int) -> Array:
    """School records ``[year, grade, school]`` summed into ``[year, grade, district]`` (NaN where none is known)."""
    membership = np.zeros((len(district_of), districts))
    membership[np.arange(len(district_of)), district_of] = 1.0
    known = ~np.isnan(history)
    totals = np.where(known, history, 0.0) @ membership
    return np.where(known.astype(float) @ membership > 0, totals, np.nan)
