"""Compare Results: each figure per scenario with its difference to a reference, and a summary per scenario."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..scenarios.errors import ScenarioError
from .csvtext import write_csv
from .figures import PEAK_BANDS
from .outputs import results_table
from .publish import publish

COMPARED = (
    "public_demand",
    "public_capacity",
    "gap",
    "utilization",
    "classes_needed",
    "teachers_needed",
    "capital_cost",
    "recurrent_cost",
    "shortage_cost",
)
"""Figures in ``comparison.csv``, each with its ``_diff`` to the reference."""


def check_comparable(results: dict[str, xr.Dataset]) -> None:
    """Fail, naming the mismatch, unless every Result has the same areas, stages and years."""
    names = list(results)
    first = results[names[0]]
    for name in names[1:]:
        for dim in ("area", "stage", "year"):
            ours, theirs = list(first[dim].values), list(results[name][dim].values)
            if ours != theirs:
                only_first = ", ".join(str(v) for v in ours if v not in theirs) or "none (the order differs)"
                only_other = ", ".join(str(v) for v in theirs if v not in ours) or "none"
                raise ScenarioError(
                    f"results {names[0]!r} and {name!r} differ in {dim}: "
                    f"only in {names[0]}: {only_first}; only in {name}: {only_other}"
                )


def comparison_table(results: dict[str, xr.Dataset], reference: str) -> pd.DataFrame:
    """Rows per (scenario, area, stage, year): each figure and ``figure_diff`` = figure - reference's figure."""
    check_comparable(results)
    tables = {name: results_table(result) for name, result in results.items()}
    keys = ["area", "area_name", "stage", "year"]
    base = tables[reference][keys + list(COMPARED)]
    rows = []
    for name, table in tables.items():
        merged = table[["scenario", *keys, *COMPARED]].merge(base, on=keys, suffixes=("", "_reference"))
        for figure in COMPARED:
            merged[f"{figure}_diff"] = merged[figure] - merged.pop(f"{figure}_reference")
        merged["scenario"] = name
        rows.append(merged)
    return pd.concat(rows, ignore_index=True)


SUMMARY_COLUMNS = [
    "scenario",
    "title",
    "title_zh",
    "stage",
    "peak_shortage",
    "peak_year",
    "places_to_build",
    "classes_to_build",
    "peak_teachers_needed",
    "capital_cost",
    "recurrent_cost",
    "spending",
    "cost_of_places_to_build",
    "currency",
    "years_in_shortage",
    "place_years_short",
]


SUMMED = ["gap", "class_size", "teachers_needed", "capital_cost", "recurrent_cost", "shortage_cost"]
"""The figures :func:`summary` reads."""


def summary(result: xr.Dataset, name: str) -> pd.DataFrame:
    """Per stage: shortage, places and classes to build, teachers, and what the scenario spends.

    ``places_to_build`` sums each area's own peak shortage (a school built for
    the peak serves the later years); ``place_years_short`` sums the shortage
    over areas and years: pupils without a public place, year by year, which is
    what a late school costs. ``capital_cost`` and ``recurrent_cost`` are the
    scenario's spending summed over areas and years; ``cost_of_places_to_build``
    is what building the places still missing would cost, at each area's peak
    (a shortage lasting five years is one building, never summed over years).
    """
    rows = []
    for stage in result["stage"].values if "stage" in result.dims else []:
        one = result[SUMMED].sel(stage=stage).where(result["planned"].sel(stage=stage), drop=True)
        shortage = one["gap"].clip(min=0)
        total = shortage.sum("area")
        worst = shortage.fillna(0).argmax("year")  # the year each area's shortage peaks
        at_peak = one.isel(year=worst)
        places = at_peak["gap"].clip(min=0)
        capital, recurrent = float(one["capital_cost"].sum()), float(one["recurrent_cost"].sum())
        rows.append(
            {
                "scenario": name,
                "title": str(result.attrs.get("title", name)),
                "title_zh": str(result.attrs.get("title_zh") or result.attrs.get("title", name)),
                "stage": str(stage),
                "peak_shortage": float(total.max()),
                "peak_year": int(one["year"].values[int(np.argmax(total.values))]) if float(total.max()) > 0 else None,
                "places_to_build": float(places.sum()),
                "classes_to_build": float(np.ceil(places / at_peak["class_size"] - 1e-9).sum()),
                "peak_teachers_needed": float(one["teachers_needed"].sum("area").max()),
                "capital_cost": capital,
                "recurrent_cost": recurrent,
                "spending": capital + recurrent,
                "cost_of_places_to_build": float(at_peak["shortage_cost"].sum()),
                "currency": str(result.attrs.get("currency", "")),
                "years_in_shortage": int((shortage > 0).any("area").sum()),
                "place_years_short": float(total.sum()),
            }
        )
        if "peak_shortage_p50" in result:  # an ensemble: the peak of each draw's city-wide shortage
            columns = ("peak_shortage_p5", "peak_shortage", "peak_shortage_p95")
            for column, band in zip(columns, PEAK_BANDS, strict=True):
                rows[-1][column] = float(result[band].sel(stage=stage))
    ranges = ["peak_shortage_p5", "peak_shortage_p95"] if "peak_shortage_p50" in result else []
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS + ranges)


def summary_table(results: dict[str, xr.Dataset]) -> pd.DataFrame:
    """The summary of every scenario, one row per scenario and stage."""
    return pd.concat([summary(result, name) for name, result in results.items()], ignore_index=True)


Pictures = Callable[[dict[str, xr.Dataset], str, pd.DataFrame, Path], None]


def write_comparison(
    results: dict[str, xr.Dataset], reference: str, folder: Path, pictures: Pictures | None = None
) -> Path:
    """Write ``comparison.csv``, ``summary.csv``, ``summary.xlsx`` and the pictures to ``folder``, all at once."""
    table = comparison_table(results, reference)
    summaries = summary_table(results)

    def fill(staging: Path) -> None:
        write_csv(table, staging / "comparison.csv")
        write_csv(summaries, staging / "summary.csv")
        summaries.to_excel(staging / "summary.xlsx", index=False, sheet_name="summary")
        if pictures is not None:
            pictures(results, reference, summaries, staging)

    return publish(folder, fill)
