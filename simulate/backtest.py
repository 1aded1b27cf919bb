"""Backtests: forecast from past origins with only what was known then, and measure the errors.

For every stage forecast by grade progression, each origin ``o`` keeps the
records and births up to ``o`` and forecasts ``o + h`` for each horizon ``h``
by the rule chosen at ``o`` (:mod:`.records`), and compares with the record.
Errors are summarised by horizon, stage and area (MAPE, MAE, signed MPE),
without the shock years (``anomalous_years``) and with them; 90% bands come
from the errors at each horizon pooled over areas (:mod:`placeplan.models.bands`),
with their coverage checked leaving out one origin at a time.
"""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..models import bands as bd
from ..models.choice import PLAIN
from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs
from ..scenarios.progression import ProgressionInputs
from .publish import publish
from .records import forecaster


def backtest(inputs: Inputs, origins: list[int], horizons: list[int]) -> pd.DataFrame:
    """One row per (stage, area, origin, horizon): forecast, actual, error, percentage error and shock.

    ``level`` is ``area`` (each planning area), ``all`` (the city total) or,
    for school records, ``school`` (``area`` then holds the school id);
    ``shock`` marks forecasts of an anomalous year.
    """
    rows = []
    stages = [stage for stage in inputs.stages if stage.progression is not None]
    if not stages:
        raise ScenarioError(f"{inputs.scenario.name}: no stage has progression records to backtest against")
    for stage in stages:
        p = stage.progression
        assert p is not None
        last = p.last_year
        f = forecaster(p)
        areas = list(dict.fromkeys(stage.area_of))
        members = np.array([[area == a for a in stage.area_of] for area in areas], dtype=float)
        district_totals = f.district_records.sum(axis=1)
        school_totals = p.history.sum(axis=1)
        for origin in origins:
            if not p.first_year + 1 <= origin < last:
                raise ScenarioError(
                    f"--origins: {origin} is outside the records of {stage.name} ({p.first_year}-{last}); "
                    f"origins must run from {p.first_year + 1} to {last - 1}"
                )
            totals, schools = f.past(origin)
            ahead = np.array([h for h in horizons if origin + h <= last], dtype=np.intp)
            years = origin + ahead
            predicted = members @ totals[ahead - 1].T
            actual = members @ district_totals[years - p.first_year].T
            for i, area in enumerate(areas):
                rows += [
                    (stage.name, "area", area, origin, int(h), int(y), predicted[i, j], actual[i, j])
                    for j, (h, y) in enumerate(zip(ahead, years, strict=True))
                ]
            for k, school in enumerate(p.schools or []):
                assert schools is not None
                rows += [
                    (
                        stage.name,
                        "school",
                        school,
                        origin,
                        int(h),
                        int(y),
                        schools[h - 1, k],
                        school_totals[y - p.first_year, k],
                    )
                    for h, y in zip(ahead, years, strict=True)
                ]
    columns = ["stage", "level", "area", "origin", "horizon", "year", "forecast", "actual"]
    table = pd.DataFrame(rows, columns=columns)
    keys = ["stage", "origin", "horizon", "year"]
    areas_only = table[table["level"] == "area"]
    city = areas_only.groupby(keys, as_index=False)[["forecast", "actual"]].agg(_sum_or_unknown)
    table = pd.concat([table, city.assign(level="all", area="all")], ignore_index=True)
    table["error"] = table["forecast"] - table["actual"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["percent_error"] = 100 * table["error"] / table["actual"]
    shocks = {stage.name: stage.progression.anomalous for stage in stages if stage.progression is not None}
    table["shock"] = [int(year) in shocks[name] for name, year in zip(table["stage"], table["year"], strict=True)]
    for stage in stages:
        _check_horizons(table[table["stage"] == stage.name], stage.name, stage.progression, origins, horizons)
    return table


def _check_horizons(
    table: pd.DataFrame, stage: str, p: ProgressionInputs | None, origins: list[int], horizons: list[int]
) -> None:
    """A horizon no origin could forecast is an error saying why (past the records, or entrants not yet born)."""
    assert p is not None
    forecast = table[table["forecast"].notna()]
    for h in horizons:
        if (forecast["horizon"] == h).any():
            continue
        if min(origins) + h > p.last_year:
            first = min(origins)
            why = f"the records of {stage} end in {p.last_year}, so from origin {first} at most {p.last_year - first}"
        else:
            why = (
                f"its entrants are born after the origin (entry age {p.entry_age}) and a backtest uses no later "
                f"births, so at most {p.entry_age}"
            )
        raise ScenarioError(f"--horizons: no forecast {h} years ahead: {why} years ahead can be checked")


def _sum_or_unknown(values: pd.Series) -> float:
    """A total with an unknown part is unknown."""
    return float(values.sum(skipna=False))


def accuracy(table: pd.DataFrame) -> pd.DataFrame:
    """By stage, area and horizon: MAPE, MAE, signed MPE without shock years, MAPE with them, and the 90% band.

    The band (``band_p5``, ``band_p95``) is that of the stage, level and
    horizon, pooled over areas; ``coverage`` is the share of this area's
    outcomes inside the band made without their origin.
    """
    known = table.dropna(subset=["forecast", "percent_error"])
    pooled = bands(known)
    rows = []
    for key, group in known.groupby(["stage", "level", "area", "horizon"]):
        stage, level, area, horizon = str(key[0]), str(key[1]), str(key[2]), int(key[3])  # type: ignore[call-overload]
        normal = group[~group["shock"]]
        errors = normal["percent_error"].to_numpy()
        band = pooled[(stage, level, horizon)]
        rows.append(
            {
                "stage": stage,
                "level": level,
                "area": area,
                "horizon": horizon,
                "forecasts": len(errors),
                "mape": float(np.mean(np.abs(errors))) if len(errors) else np.nan,
                "mae": float(np.mean(np.abs(normal["error"]))) if len(errors) else np.nan,
                "mpe": float(np.mean(errors)) if len(errors) else np.nan,
                "mape_with_shocks": float(np.mean(np.abs(group["percent_error"]))),
                "band_p5": band["band_p5"],
                "band_p95": band["band_p95"],
                "coverage": _own_coverage(known, stage, level, horizon, area),
            }
        )
    return pd.DataFrame(rows)


def bands(known: pd.DataFrame) -> dict[tuple[str, str, int], dict[str, float]]:
    """Per (stage, level, horizon): the 90% band of the errors pooled over areas and its coverage."""
    out = {}
    for key, group in known.groupby(["stage", "level", "horizon"]):
        stage, level, horizon = str(key[0]), str(key[1]), int(key[2])  # type: ignore[call-overload]
        normal = group[~group["shock"]]
        share = _shock_share(known, stage)
        low, high = bd.band(
            normal["percent_error"].to_numpy(), group[group["shock"]]["percent_error"].to_numpy(), share
        )
        out[(stage, level, horizon)] = {
            "band_p5": low,
            "band_p95": high,
            "coverage": bd.coverage(normal["percent_error"].to_numpy(), normal["origin"].to_numpy()),
            "errors": len(normal),
        }
    return out


def _shock_share(known: pd.DataFrame, stage: str) -> float:
    """Share of the stage's forecast years that were shocks."""
    years = known[known["stage"] == stage].drop_duplicates("year")
    return float(years["shock"].mean()) if len(years) else 0.0


def _own_coverage(known: pd.DataFrame, stage: str, level: str, horizon: int, area: str) -> float:
    """Share of one area's normal outcomes inside the pooled band made without their origin."""
    group = known[
        (known["stage"] == stage) & (known["level"] == level) & (known["horizon"] == horizon) & ~known["shock"]
    ]
    inside = []
    for origin in group.loc[group["area"] == area, "origin"].unique():
        others = group.loc[group["origin"] != origin, "percent_error"].to_numpy()
        if not len(others):
            continue
        low, high = bd.conformal(others)
        mine = group.loc[(group["origin"] == origin) & (group["area"] == area), "percent_error"].to_numpy()
        inside.extend((mine >= low) & (mine <= high))
    return float(np.mean(inside)) if inside else float("nan")


def band_table(table: pd.DataFrame) -> pd.DataFrame:
    """``bands.csv``: per stage, level and horizon, the pooled 90% band, its errors and its coverage."""
    pooled = bands(table.dropna(subset=["forecast", "percent_error"]))
    rows = [
        {"stage": s, "level": lv, "horizon": h, **values, "nominal": bd.LEVEL} for (s, lv, h), values in pooled.items()
    ]
    return pd.DataFrame(rows)


def plain_mean(inputs: Inputs) -> Inputs:
    """The same scenario forecasting with plain 3-year mean ratios on district totals: the usual benchmark."""
    stages = [
        stage
        if stage.progression is None
        else replace(stage, progression=replace(stage.progression, method=PLAIN, reconcile="top_down", chosen=None))
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


def write_backtest(
    table: pd.DataFrame, summary: pd.DataFrame, folder: Path, pictures: Callable[[pd.DataFrame], Any] | None = None
) -> Path:
    """``backtest.csv``, ``accuracy.csv``, ``bands.csv``, ``accuracy.xlsx`` and ``accuracy.png`` in ``folder``."""

    def fill(staging: Path) -> None:
        table.to_csv(staging / "backtest.csv", index=False)
        summary.to_csv(staging / "accuracy.csv", index=False)
        band_table(table).to_csv(staging / "bands.csv", index=False)
        summary.to_excel(staging / "accuracy.xlsx", index=False, sheet_name="accuracy")
        if pictures is not None:
            figure = pictures(summary)
            figure.savefig(staging / "accuracy.png", dpi=150)

    return publish(folder, fill)


def record_bands(result: xr.Dataset, inputs: Inputs) -> xr.Dataset:
    """Attach 90% bands from past errors to the grade-progression forecasts of ``result``.

    Every possible origin of the records is backtested; the band of the
    stage's area errors at horizon ``h`` (pooled over areas, conformal, widened
    for shocks: :func:`bands`) widens the forecast ``h`` years after the last
    record (beyond the longest horizon checked, that horizon's band is kept).
    ``enrolment``, ``public_demand`` and ``gap`` get ``_p5`` and ``_p95``; years
    with records and other stages are NaN.
    """
    stages = [stage for stage in inputs.stages if stage.progression is not None]
    if not stages:
        return result
    factors = {name: xr.full_like(result["gap"], np.nan) for name in ("band_p5", "band_p95")}
    for stage in stages:
        p = stage.progression
        assert p is not None
        ahead = [int(year) for year in result["year"].values if year > p.last_year]
        if p.last_year - p.first_year < 2 or not ahead:
            continue
        table = backtest(
            _only(inputs, stage.name), list(range(p.first_year + 1, p.last_year)), _checkable(p, len(ahead))
        )
        pooled = bands(table[table["level"] == "area"].dropna(subset=["forecast", "percent_error"]))
        longest = max(h for (_, _, h) in pooled)
        areas = list(dict.fromkeys(stage.area_of))
        for year in ahead:
            band = pooled[(stage.name, "area", min(year - p.last_year, longest))]
            for name, factor in factors.items():
                factor.loc[{"stage": stage.name, "area": areas, "year": year}] = 1 + band[name] / 100
    for name in ("enrolment", "public_demand"):
        result[f"{name}_p5"] = result[name] * factors["band_p5"]
        result[f"{name}_p95"] = result[name] * factors["band_p95"]
    result["gap_p5"] = result["public_demand_p5"] - result["public_capacity"]
    result["gap_p95"] = result["public_demand_p95"] - result["public_capacity"]
    result.attrs["bands"] = "grade progression: conformal 90% bands from backtest errors, pooled over areas"
    return result


def _checkable(p: ProgressionInputs, ahead: int) -> list[int]:
    """Horizons 1..``ahead`` that past origins can check: within the records, entrants born by the origin."""
    return list(range(1, min(ahead, p.last_year - p.first_year - 1, p.entry_age) + 1))


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
        last = p.last_year
        ahead = [int(y) for y in inputs.years if y > last]
        origins = list(range(p.first_year + 1, last))
        table = backtest(_only(inputs, stage.name), origins, _checkable(p, max(len(ahead), 1)))
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
