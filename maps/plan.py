"""Pictures of a build plan: the places it adds by area and stage, and its capital spending against the budget."""

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .charts import STAGE_COLOURS
from .choropleth import area_frame, colour_scale, draw, save
from .fonts import subplots
from .multiples import shared_colorbar, sheet
from .style import FIGURES, compact, money_unit, stage_name, title, word


def plan_map(baseline: xr.Dataset, planned: xr.Dataset, lang: str = "en") -> Any:
    """Public places the plan adds by the last year, a map per stage it adds to, on one scale."""
    added = (planned["public_capacity"] - baseline["public_capacity"]).isel(year=-1)
    stages = [str(s) for s in added["stage"].values if float(added.sel(stage=s).max()) > 0.5]
    stages = stages or [str(added["stage"].values[0])]
    cmap, norm = colour_scale("places_added", added.sel(stage=stages).values)
    columns = min(3, len(stages))
    fig, axes = sheet(-(-len(stages) // columns), columns)
    for ax in axes.flat[len(stages) :]:
        ax.set_axis_off()
    for ax, stage in zip(axes.flat, stages, strict=False):
        frame = area_frame(planned, stage, lang)
        draw(
            frame,
            added.sel(stage=stage, area=frame["area"].values).values,
            "places_added",
            ax,
            norm,
            lang,
            colorbar=False,
            furniture=ax is axes[0, 0],
        )
        ax.set_title(stage_name(stage, lang), fontsize=10)
    shared_colorbar(fig, axes, cmap, norm, FIGURES["places_added"].label(lang))
    year = int(planned["year"].values[-1])
    fig.suptitle(f"{title(planned, lang)}: {FIGURES['places_added'].name(lang)}, {year}")
    return fig


def plot_spending(planned: xr.Dataset, budget_per_year: float, lang: str = "en") -> Any:
    """Capital spending by year, stacked by stage, against the yearly budget."""
    spent = planned["capital_cost"].where(planned["planned"]).sum("area")
    years = planned["year"].values
    fig, ax = subplots(figsize=(8, 4.2), layout="constrained")
    bottom = np.zeros(len(years))
    for colour, stage in zip(STAGE_COLOURS, planned["stage"].values, strict=False):
        values = spent.sel(stage=stage).values
        ax.bar(years, values, bottom=bottom, color=colour, label=stage_name(str(stage), lang), width=0.75)
        bottom += values
    if np.isfinite(budget_per_year):
        ax.axhline(budget_per_year, color="#b35806", linestyle="--", linewidth=1.5, label=word("budget_per_year", lang))
    unit = money_unit(str(planned.attrs.get("currency", "")), lang)
    ax.set_title(f"{title(planned, lang)}: {word('capital_cost', lang)} ({unit})", fontsize=11)
    ax.set_xlabel(word("year", lang))
    ax.yaxis.set_major_formatter(lambda value, _: compact(value, lang))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, fontsize=8, ncols=2)
    return fig


def plan_pictures(
    baseline: xr.Dataset, planned: xr.Dataset, capital: np.ndarray, budget_per_year: float, folder: Path, lang: str
) -> None:
    """``plan_map.png`` and ``spending.png`` in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    if "geometry_wkt" in planned:
        save(plan_map(baseline, planned, lang), folder / "plan_map")
    save(plot_spending(planned, budget_per_year, lang), folder / "spending")
