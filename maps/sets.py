"""The picture sets placeplan draws by itself: a run's maps and charts, and a comparison's."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from ..simulate.forked import each
from .charts import plot_series, plot_summary, worst_area
from .choropleth import peak_year, plot_map, save
from .fonts import chinese_font
from .multiples import difference_maps, small_multiples


def default_years(result: xr.Dataset) -> list[int]:
    """Base year + 5, + 10 and the last year (those within the horizon)."""
    years = [int(y) for y in result["year"].values]
    picks = [years[0] + 5, years[0] + 10, years[-1]]
    return sorted({y for y in picks if y in years}) or [years[-1]]


Picture = tuple[Callable[..., Any], tuple[Any, ...], Path]
"""What draws a figure, its arguments after the Result, and the file it is saved to."""


def _map_figure(result: xr.Dataset, stage: str, year: int, lang: str) -> Any:
    return plot_map(result, stage, year, lang=lang).figure


def _series_figure(result: xr.Dataset, area: str, stage: str, lang: str) -> Any:
    return plot_series(result, area, stage, lang).figure


def _draw(result: xr.Dataset, draw: Callable[..., Any], arguments: tuple[Any, ...], path: Path) -> None:
    save(draw(result, *arguments), path)


def default_maps(result: xr.Dataset, folder: Path, lang: str = "en") -> None:
    """The map set of a run: a gap map per stage in its peak year, stages x years, and the worst area's chart.

    Drawn by as many processes as the machine has cores (where processes can fork), each picture once.
    """
    import matplotlib

    matplotlib.use("Agg")
    if "geometry_wkt" not in result:
        return
    stages = [str(stage) for stage in result["stage"].values]
    pictures: list[Picture] = [
        (small_multiples, (stages, default_years(result), "gap", lang), folder / "gap_small_multiples")
    ]
    for stage in stages:
        year, area = peak_year(result, stage), worst_area(result, stage)
        pictures.append((_map_figure, (stage, year, lang), folder / f"gap_{stage}_{year}"))
        pictures.append((_series_figure, (area, stage, lang), folder / f"series_{stage}_{area}"))
    draw_all(result, pictures)


def draw_all(result: xr.Dataset, pictures: list[Picture]) -> None:
    """Draw and save ``pictures`` of ``result``: in parallel worker processes where that pays."""
    chinese_font()  # once, before the workers fork
    each(result, [(_draw, picture) for picture in pictures])


def comparison_pictures(
    results: dict[str, xr.Dataset],
    reference: str,
    summary: pd.DataFrame,
    folder: Path,
    stages: list[str] | None = None,
    year: int | None = None,
    lang: str = "en",
) -> None:
    """Difference maps per stage (each scenario minus the reference) and the summary chart."""
    import matplotlib

    matplotlib.use("Agg")
    first = results[reference]
    year = year or int(first["year"].values[-1])
    if "geometry_wkt" in first:
        for stage in stages or [str(s) for s in first["stage"].values]:
            save(difference_maps(results, reference, stage, year, lang=lang), folder / f"difference_{stage}_{year}")
    save(plot_summary(summary, lang, reference), folder / "summary")
