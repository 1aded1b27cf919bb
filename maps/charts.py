"""Charts: public demand against capacity over the years, and summary figures per scenario."""

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .fonts import subplots
from .style import (
    area_names,
    compact,
    in_unit,
    joined,
    money_unit,
    one_unit_axis,
    stage_name,
    title,
    whole_ticks,
    word,
    wrap,
)

DEMAND, CAPACITY, SHORTAGE, BAND = "#b35806", "#542788", "#fdb863", "#bdbdbd"
"""Ends of the purple-orange scale of the maps: orange demand and shortage, purple capacity."""


def worst_area(result: xr.Dataset, stage: str) -> str:
    """The planning area of ``stage`` with the largest shortage in any year."""
    worst = result["gap"].sel(stage=stage).where(result["planned"].sel(stage=stage)).max("year")
    return str(result["area"].values[int(np.nanargmax(worst.values))])


def plot_series(result: xr.Dataset, area: str, stage: str, lang: str = "en", ax: Any = None) -> Any:
    """Public demand and capacity of one area and stage over the years, the shortage shaded."""

    if ax is None:
        _, ax = subplots(figsize=(7, 4), layout="constrained")
    one = result.sel(area=area, stage=stage)
    years = result["year"].values
    demand, capacity = one["public_demand"].values, one["public_capacity"].values
    if "public_demand_p5" in result:
        ax.fill_between(
            years,
            one["public_demand_p5"],
            one["public_demand_p95"],
            color=BAND,
            alpha=0.6,
            label=word("band", lang),
            linewidth=0,
        )
    ax.fill_between(
        years,
        capacity,
        demand,
        where=demand > capacity,
        interpolate=True,
        color=SHORTAGE,
        alpha=0.7,
        label=word("shortage", lang),
        linewidth=0,
    )
    if "public_demand_p5" in result:  # the band's edges over the shortage's shading, where it would be hidden
        for edge in ("public_demand_p5", "public_demand_p95"):
            ax.plot(years, one[edge], color=DEMAND, linewidth=1, linestyle=":")
    ax.plot(years, demand, color=DEMAND, linewidth=2, marker="o", markersize=3, label=word("demand", lang))
    ax.plot(years, capacity, color=CAPACITY, linewidth=2, linestyle="--", label=word("capacity", lang))
    name = area_names(result, lang)[list(result["area"].values).index(area)]
    ax.set_title(joined(lang, title(result, lang), name, stage_name(stage, lang)), fontsize=11)
    ax.set_xlabel(word("year", lang))
    ax.set_ylabel(word("places", lang))
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    return ax


STAGE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe-Ito: told apart by colour-blind readers."""
SUMMARY = ("places_to_build", "classes_to_build", "place_years_short", "extra_spending")
"""The summary chart's panels (words of maps.style)."""


def plot_summary(summary: pd.DataFrame, lang: str = "en", reference: str | None = None) -> Any:
    """Summary figures per scenario, stacked by stage: one panel per figure, scenarios down the side.

    Spending is shown against the reference (what an option spends more, or less), since teachers'
    salaries, the same in every option, would hide the difference.
    """
    reference = reference or str(summary["scenario"].iloc[0])
    base = summary[summary["scenario"] == reference].set_index("stage")["spending"]
    summary = summary.assign(extra_spending=summary["spending"] - summary["stage"].map(base))
    titles = summary["title_zh" if lang == "zh" and "title_zh" in summary else "title"]
    labels = {
        name: wrap(str(label), 40) + (f" ({word('reference', lang)})" if name == reference else "")
        for name, label in zip(summary["scenario"], titles, strict=True)
    }
    summary = summary.assign(scenario=summary["scenario"].map(labels))
    stages = list(dict.fromkeys(summary["stage"]))
    scenarios = list(dict.fromkeys(summary["scenario"]))[::-1]
    fig, axes = subplots(2, 2, figsize=(11, 2.2 + 0.45 * len(scenarios) * 2), layout="constrained", sharey=True)
    for ax, figure in zip(axes.flat, SUMMARY, strict=True):
        table = summary.pivot(index="scenario", columns="stage", values=figure).loc[scenarios, stages].fillna(0)
        above, below = pd.Series(0.0, index=scenarios), pd.Series(0.0, index=scenarios)
        for colour, stage in zip(STAGE_COLOURS, stages, strict=False):
            values = table[stage]
            left = above.where(values >= 0, below)
            ax.barh(scenarios, values, left=left, color=colour, label=stage_name(stage, lang), height=0.7)
            above, below = above + values.clip(lower=0), below + values.clip(upper=0)
        for y, total in enumerate(table.sum(axis=1)):
            end = above.iloc[y] if total >= 0 else below.iloc[y]
            ax.text(
                end,
                y,
                f" {compact(total, lang)} " if total else " 0",
                va="center",
                ha="left" if total >= 0 else "right",
                fontsize=7,
            )
        heading = word(figure, lang)
        if figure == "extra_spending":
            heading = in_unit(heading, money_unit(summary["currency"].iloc[0], lang), lang)
        ax.set_title(heading, fontsize=10)
        ax.xaxis.set_major_formatter(one_unit_axis(lang))
        span = max(above.max(), -below.min())
        if span:
            ax.xaxis.set_major_locator(whole_ticks())
            ax.set_xlim(below.min() - 0.18 * span * (below.min() < 0), above.max() + 0.18 * span)
        else:  # the same in every scenario: one tick, at 0
            ax.set_xticks([0])
            ax.set_xlim(-1, 1)
        ax.axvline(0, color="#303030", linewidth=0.8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(stages), frameon=False, fontsize=8)
    return fig


def plot_accuracy(summary: pd.DataFrame, lang: str = "en") -> Any:
    """MAPE against horizon per stage: the city total, the districts' mean, and the plain 3-year-mean forecast."""
    stages = list(dict.fromkeys(summary["stage"]))
    fig, axes = subplots(1, len(stages), figsize=(5 * len(stages), 3.8), layout="constrained", squeeze=False)
    for ax, stage in zip(axes[0], stages, strict=True):
        one = summary[summary["stage"] == stage]
        total = one[one["level"] == "all"]
        districts = one[one["level"] == "area"].groupby("horizon").mean(numeric_only=True)
        schools = one[one["level"] == "school"].groupby("horizon").mean(numeric_only=True)
        ax.plot(total["horizon"], total["mape"], marker="o", color=DEMAND, label=word("city_total", lang))
        ax.plot(districts.index, districts["mape"], marker="s", color=CAPACITY, label=word("areas_mean", lang))
        ax.plot(
            districts.index,
            districts["mape_plain_mean3"],
            linestyle=":",
            color="#555555",
            label=word("plain_mean", lang),
        )
        if len(schools):
            ax.plot(schools.index, schools["mape"], marker="^", color="#009E73", label=word("schools_mean", lang))
        ax.set_title(f"{stage_name(stage, lang)}: {word('forecast_error', lang)}", fontsize=10)
        ax.set_xlabel(word("years_ahead", lang))
        ax.set_xticks(sorted(one["horizon"].unique()))
        ax.set_ylabel("MAPE (%)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8)
    return fig
