"""Pictures of a build plan: the places it adds by area and stage, and its capital spending against the budget."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .charts import STAGE_COLOURS
from .choropleth import area_frame, colour_scale, draw, save
from .fonts import subplots
from .multiples import heading, shared_colorbar, sheet
from .style import FIGURES, compact, in_unit, joined, money_unit, one_unit_axis, stage_name, title, word, year_label


def plan_map(baseline: xr.Dataset, planned: xr.Dataset, lang: str = "en") -> Any:
    """Public places the plan adds by the last year, a map per stage it adds to, on one scale."""
    added = (planned["public_capacity"] - baseline["public_capacity"]).isel(year=-1)
    moves = placed_next_door(planned)
    stages = [str(s) for s in added["stage"].values if float(added.sel(stage=s).max()) > 0.5 or s in moves]
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
        _arrows(frame, moves.get(stage, {}), ax, lang)
        ax.set_title(stage_name(stage, lang), fontsize=10)
    shared_colorbar(fig, axes, cmap, norm, FIGURES["places_added"].label(lang), "places_added", lang)
    year = int(planned["year"].values[-1])
    heading(fig, joined(lang, title(planned, lang), FIGURES["places_added"].name(lang), year_label(year, lang)))
    if moves:
        fig.text(0.5, 0.01, word("arrows_next_door", lang), ha="center", fontsize=9, color=ARROW)
    return fig


ARROW = "#d01c8b"
"""Arrows of pupils placed next door: magenta, apart from the map's blue-to-yellow scale."""


def placed_next_door(result: xr.Dataset) -> dict[str, dict[tuple[str, str], float]]:
    """Per stage, the most pupils a year each area places in each neighbouring area (the ``share`` actions)."""
    yearly: dict[str, dict[tuple[str, str], dict[int, float]]] = {}
    for spec in json.loads(str(result.attrs.get("actions", "{}"))).values():
        if spec.get("action") == "share":
            pair = yearly.setdefault(spec["stage"], {}).setdefault((spec["area"], spec["to"]), {})
            for year in range(spec["year"], spec["until"] + 1):
                pair[year] = pair.get(year, 0.0) + spec["pupils"]
    return {stage: {pair: max(years.values()) for pair, years in pairs.items()} for stage, pairs in yearly.items()}


def _arrows(frame: Any, moves: dict[tuple[str, str], float], ax: Any, lang: str) -> None:
    """Arrows from areas placing pupils next door to the areas taking them, as wide as the most pupils in a year.

    Flows under a twentieth of the stage's largest are left out, and a number
    that would cover a label is not written (plan.csv has them all).
    """
    from matplotlib.patheffects import withStroke

    points = {area: shape.representative_point() for area, shape in zip(frame["area"], frame.geometry, strict=True)}
    largest = max(moves.values(), default=0.0)
    renderer = ax.figure.canvas.get_renderer()
    taken = [text.get_window_extent(renderer).expanded(1.05, 1.1) for text in ax.texts]
    halo = [withStroke(linewidth=2.5, foreground="white")]
    for (a, b), pupils in sorted(moves.items(), key=lambda item: -item[1]):
        if a not in points or b not in points or pupils < largest / 20:
            continue
        start, end = points[a], points[b]
        width = 0.8 + 2.4 * pupils / largest
        style = {"arrowstyle": "-|>", "color": ARROW, "linewidth": width, "shrinkA": 10, "shrinkB": 10}
        ax.annotate("", xy=(end.x, end.y), xytext=(start.x, start.y), arrowprops=style)
        middle = ((start.x + end.x) / 2, (start.y + end.y) / 2)
        text = ax.annotate(
            compact(pupils, lang), middle, ha="center", va="center", fontsize=6.5, color=ARROW, path_effects=halo
        )
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in taken):
            text.remove()
        else:
            taken.append(box)


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
    ax.set_title(joined(lang, title(planned, lang), in_unit(word("capital_cost", lang), unit, lang)), fontsize=11)
    ax.set_xlabel(word("year", lang))
    ax.set_xticks(years[:: -(-len(years) // 16)])  # each bar's year, up to 16 of them (else every second, ...)
    ax.tick_params(axis="x", labelsize=8)
    ax.yaxis.set_major_formatter(one_unit_axis(lang))
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
