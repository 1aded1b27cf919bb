"""Small multiples: stages by years (or scenarios) on one sheet with one shared colour scale."""

from typing import Any

import numpy as np
import xarray as xr

from .choropleth import area_frame, colour_bar, colour_scale, draw
from .fonts import subplots
from .style import FIGURES, figure_values, joined, listed, stage_name, title, word, wrap, year_label


def sheet(rows: int, columns: int) -> tuple[Any, Any]:

    return subplots(rows, columns, figsize=(3.3 * columns + 1.2, 3.3 * rows + 0.9), squeeze=False, layout="constrained")


def shared_colorbar(fig: Any, axes: Any, cmap: str, norm: Any, label: str, figure: str, lang: str) -> None:
    from matplotlib.cm import ScalarMappable

    colour_bar(fig, ScalarMappable(norm, cmap), axes, 0.5, label, figure, lang)


def heading(fig: Any, text: str) -> None:
    """The sheet's title, in as many lines as the sheet's width needs (a one-map sheet is narrow)."""
    fig.suptitle(wrap(text, int(fig.get_figwidth() * 10)))


def small_multiples(
    result: xr.Dataset, stages: list[str], years: list[int], figure: str = "gap", lang: str = "en"
) -> Any:
    """One map per stage (rows) and year (columns), all on one colour scale."""
    values = figure_values(result, figure)
    cmap, norm = colour_scale(figure, values.sel(stage=stages, year=years).values)
    fig, axes = sheet(len(stages), len(years))
    for i, stage in enumerate(stages):
        frame = area_frame(result, stage, lang)
        for j, year in enumerate(years):
            panel = values.sel(stage=stage, year=year).sel(area=frame["area"].values).values
            draw(frame, panel, figure, axes[i, j], norm, lang, labels=False, colorbar=False, furniture=i == j == 0)
            axes[i, j].set_title(listed(lang, stage_name(stage, lang), year_label(year, lang)), fontsize=9)
    label = FIGURES[figure].label(lang, str(result.attrs.get("currency") or "CNY"))
    shared_colorbar(fig, axes, cmap, norm, label, figure, lang)
    heading(fig, joined(lang, title(result, lang), FIGURES[figure].name(lang)))
    return fig


def difference_maps(
    results: dict[str, xr.Dataset], reference: str, stage: str, year: int, figure: str = "gap", lang: str = "en"
) -> Any:
    """Each scenario minus the reference, for one stage and year, on one shared diverging scale."""
    base = figure_values(results[reference], figure).sel(stage=stage, year=year)
    others = [name for name in results if name != reference]
    diffs = {name: figure_values(results[name], figure).sel(stage=stage, year=year) - base for name in others}
    frame = area_frame(results[reference], stage, lang)
    limit = max((float(np.nanmax(np.abs(d.sel(area=frame["area"].values).values))) for d in diffs.values()), default=0)
    cmap, norm = colour_scale("gap", np.array([-limit, limit]))
    columns = min(3, max(len(others), 1))
    fig, axes = sheet(-(-len(others) // columns) or 1, columns)
    for ax in axes.flat[len(others) :]:
        ax.set_axis_off()
    for ax, name in zip(axes.flat, others, strict=False):
        values = diffs[name].sel(area=frame["area"].values).values
        draw(frame, values, "gap", ax, norm, lang, colorbar=False, furniture=ax is axes[0, 0])
        minus = f"{word('difference', lang)} {title(results[reference], lang)}"
        ax.set_title(f"{wrap(title(results[name], lang), 44)}\n{wrap(minus, 44)}", fontsize=8)
    label = word("change_in", lang).format(FIGURES[figure].name(lang))
    shared_colorbar(fig, axes, cmap, norm, label, "gap", lang)
    name = FIGURES[figure].name(lang)
    zh = f"{stage_name(stage, lang)}{name}，{year}年"
    heading(fig, f"{name}: {stage_name(stage, lang)}, {year}" if lang == "en" else zh)
    return fig
