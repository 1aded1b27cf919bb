"""Backtests: forecast from past origins with only what was known then, and measure the errors.

For every stage forecast by grade progression, each origin ``o`` keeps the
records and births up to ``o``, forecasts ``o + h`` for each horizon ``h`` and
compares with the record. Errors are summarised by horizon, stage and area
(MAPE, MAE, signed MPE), with empirical 90% bands (Smith, Tayman and Rayer):
the 5th and 95th percentiles of the percentage errors at each horizon, whose
coverage is checked leaving out one origin at a time.
"""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs
from .publish import publish
from .records import forecast_units, to_districts


def backtest(inputs: Inputs, origins: list[int], horizons: list[int]) -> pd.DataFrame:
    """One row per (stage, area, origin, horizon): forecast, actual, error and percentage error.

    ``level`` is ``area`` (each planning area), ``all`` (the city total) or,
    for school records, ``school`` (``area`` then holds the school id).
    """
    rows = []
    stages = [stage for stage in inputs.stages if stage.progression is not None]
    if not stages:
        raise ScenarioError(f"{inputs.scenario.name}: no stage has progression records to backtest against")
    for stage in stages:
        p = stage.progression
        assert p is not None
        last = p.first_year + len(p.history) - 1
        areas = list(dict.fromkeys(stage.area_of))
        members = np.array([[area == a for a in stage.area_of] for area in areas], dtype=float)
        for origin in origins:
            if not p.first_year + 1 <= origin < last:
                raise ScenarioError(
                    f"--origins: {origin} is outside the records of {stage.name} ({p.first_year}-{last}); "
                    f"origins must run from {p.first_year + 1} to {last - 1}"
                )
            known = p.history[: origin - p.first_year + 1]
            births = p.births.copy()
            births[max(origin + 1 - p.first_birth_year, 0) :] = np.nan  # no births after the origin: no leaks
            years = np.array([origin + h for h in horizons if origin + h <= last])
            units = forecast_units(replace(p, history=known, births=births), years)
            recorded = p.history[years - p.first_year].sum(axis=1)
            predicted = members @ to_districts(units, p).T
            actual = members @ to_districts(recorded, p).T
            for i, area in enumerate(areas):
                for j, year in enumerate(years):
                    rows.append(
                        (stage.name, "area", area, origin, int(year - origin), int(year), predicted[i, j], actual[i, j])
                    )
            for k, school in enumerate(p.schools or []):
                for j, year in enumerate(years):
                    rows.append(
                        (
                            stage.name,
                            "school",
                            school,
                            origin,
                            int(year - origin),
                            int(year),
                            units[j, k],
                            recorded[j, k],
                        )
                    )
    columns = ["stage", "level", "area", "origin", "horizon", "year", "forecast", "actual"]
    table = pd.DataFrame(rows, columns=columns)
    keys = ["stage", "origin", "horizon", "year"]
    areas_only = table[table["level"] == "area"]
    totals = areas_only.groupby(keys, as_index=False)[["forecast", "actual"]].agg(_sum_or_unknown)
    table = pd.concat([table, totals.assign(level="all", area="all")], ignore_index=True)
    table["error"] = table["forecast"] - table["actual"]
    table["percent_error"] = 100 * table["error"] / table["actual"]
    return table


def _sum_or_unknown(values: pd.Series) -> float:
    """A total with an unknown part is unknown."""
    return float(values.sum(skipna=False))


def accuracy(table: pd.DataFrame) -> pd.DataFrame:
    """By stage, area and horizon: MAPE, MAE, signed MPE, the 90% band of percentage errors and its coverage."""
    rows = []
    keys = ["stage", "level", "area", "horizon"]
    for (stage, level, area, horizon), group in table.dropna(subset=["forecast"]).groupby(keys):
        errors = group["percent_error"].to_numpy()
        rows.append(
            {
                "stage": stage,
                "level": level,
                "area": area,
                "horizon": horizon,
                "forecasts": len(errors),
                "mape": float(np.mean(np.abs(errors))),
                "mae": float(np.mean(np.abs(group["error"]))),
                "mpe": float(np.mean(errors)),
                "band_p5": float(np.percentile(errors, 5)),
                "band_p95": float(np.percentile(errors, 95)),
                "coverage": _coverage(group),
            }
        )
    return pd.DataFrame(rows)


def plain_mean(inputs: Inputs, years: int = 3) -> Inputs:
    """The same scenario forecasting with plain ``years``-year mean ratios: the usual benchmark."""
    stages = [
        stage
        if stage.progression is None
        else replace(stage, progression=replace(stage.progression, estimator="mean", years=years, weights=None))
        for stage in inputs.stages
    ]
    return replace(inputs, stages=stages)


def compared(inputs: Inputs, origins: list[int], horizons: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The backtest and its accuracy, with the plain 3-year-mean forecast's MAPE beside it."""
    table = backtest(inputs, origins, horizons)
    summary = accuracy(table)
    keys = ["stage", "level", "area", "horizon"]
    reference = accuracy(backtest(plain_mean(inputs), origins, horizons))[[*keys, "mape"]]
    summary = summary.merge(reference.rename(columns={"mape": "mape_plain_mean3"}), on=keys)
    return table, summary


def _coverage(group: pd.DataFrame) -> float:
    """Share of outcomes inside the 90% band made from the errors of the other origins."""
    inside = []
    for origin, row in zip(group["origin"], group["percent_error"], strict=True):
        others = group.loc[group["origin"] != origin, "percent_error"].to_numpy()
        if len(others) >= 2:
            low, high = np.percentile(others, [5, 95])
            inside.append(low <= row <= high)
    return float(np.mean(inside)) if inside else float("nan")


def write_backtest(
    table: pd.DataFrame, summary: pd.DataFrame, folder: Path, pictures: Callable[[pd.DataFrame], Any] | None = None
) -> Path:
    """``backtest.csv``, ``accuracy.csv``, ``accuracy.xlsx`` and ``accuracy.png`` in ``folder``, all at once."""

    def fill(staging: Path) -> None:
        table.to_csv(staging / "backtest.csv", index=False)
        summary.to_csv(staging / "accuracy.csv", index=False)
        summary.to_excel(staging / "accuracy.xlsx", index=False, sheet_name="accuracy")
        if pictures is not None:
            figure = pictures(summary)
            figure.savefig(staging / "accuracy.png", dpi=150)

    return publish(folder, fill)


def record_bands(result: xr.Dataset, inputs: Inputs) -> xr.Dataset:
    """Attach 90% bands from past errors to the grade-progression forecasts of ``result``.

    Every possible origin of the records is backtested; the 5th and 95th
    percentiles of each area's percentage errors at horizon ``h`` widen the
    forecast ``h`` years after the last record (beyond the longest horizon
    checked, that horizon's band is kept). ``enrolment``, ``public_demand`` and
    ``gap`` get ``_p5`` and ``_p95``; years with records and other stages are NaN.
    """
    stages = [stage for stage in inputs.stages if stage.progression is not None]
    if not stages:
        return result
    bands = {name: xr.full_like(result["gap"], np.nan) for name in ("low", "high")}
    for stage in stages:
        p = stage.progression
        assert p is not None
        last = p.first_year + len(p.history) - 1
        ahead = [int(year) for year in result["year"].values if year > last]
        if last - p.first_year < 2 or not ahead:
            continue
        table = backtest(_only(inputs, stage.name), list(range(p.first_year + 1, last)), list(range(1, 1 + len(ahead))))
        by_area = table[table["level"] == "area"].dropna(subset=["forecast"])
        errors = by_area.groupby(["area", "horizon"])["percent_error"]
        low, high = errors.quantile(0.05).unstack(), errors.quantile(0.95).unstack()
        for area in dict.fromkeys(stage.area_of):
            for year in ahead:
                h = min(year - last, int(low.columns.max()))
                cell = {"stage": stage.name, "area": area, "year": year}
                bands["low"].loc[cell] = 1 + float(np.asarray(low.loc[area, h])) / 100
                bands["high"].loc[cell] = 1 + float(np.asarray(high.loc[area, h])) / 100
    for name in ("enrolment", "public_demand"):
        result[f"{name}_p5"], result[f"{name}_p95"] = result[name] * bands["low"], result[name] * bands["high"]
    result["gap_p5"] = result["public_demand_p5"] - result["public_capacity"]
    result["gap_p95"] = result["public_demand_p95"] - result["public_capacity"]
    result.attrs["bands"] = "grade progression: empirical 90% bands from backtest errors"
    return result


def _only(inputs: Inputs, stage: str) -> Inputs:
    """The scenario with its grade-progression stage ``stage`` only."""
    return replace(inputs, stages=[s for s in inputs.stages if s.name == stage])


def replayed_errors(inputs: Inputs, past: np.ndarray) -> Inputs:
    """Grade-progression stages with one past origin's errors per ensemble draw, to combine both uncertainties.

    Draw ``d`` picks origin ``floor(past[d] * origins)`` of the backtest and
    multiplies each area's forecast ``h`` years after the last record by
    ``1 + error / 100`` of that origin and horizon (beyond the horizons that
    origin saw, its longest), so an ensemble's bands hold the forecast method's record as
    well as the assumptions' spread. Stored as ``draw_factor`` ``[year, draw, district]``.
    """
    stages = []
    for stage in inputs.stages:
        p = stage.progression
        if p is None or len(p.history) < 3:
            stages.append(stage)
            continue
        last = p.first_year + len(p.history) - 1
        ahead = [int(y) for y in inputs.years if y > last]
        origins = list(range(p.first_year + 1, last))
        table = backtest(_only(inputs, stage.name), origins, list(range(1, 1 + max(len(ahead), 1))))
        errors = table[table["level"] == "area"].set_index(["origin", "area", "horizon"])["percent_error"]
        factor = np.ones((len(inputs.years), len(past), len(stage.area_of)))
        picked = [origins[int(u * len(origins))] for u in past]
        for t, year in enumerate(inputs.years):
            if year <= last:
                continue
            for n, origin in enumerate(picked):
                h = min(int(year) - last, last - origin)  # beyond what this origin saw: its longest horizon
                for d, area in enumerate(stage.area_of):
                    error = errors.get((origin, area, h), np.nan)
                    factor[t, n, d] = 1.0 if np.isnan(error) else 1 + error / 100
        stages.append(replace(stage, progression=replace(p, draw_factor=factor)))
    return replace(inputs, stages=stages)
