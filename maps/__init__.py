"""Pictures of a Result: place-gap maps, small multiples, charts, difference maps and the GIS layer.

Reads Results only; never runs a model. matplotlib is imported when drawing.
"""

from pathlib import Path

import pandas as pd
import xarray as xr

from .charts import plot_series, plot_summary, worst_area
from .choropleth import FORMATS, peak_year, plot_map, save
from .export import gap_layers
from .multiples import difference_maps, small_multiples


def default_years(result: xr.Dataset) -> list[int]:
    """Base year + 5, + 10 and the last year (those within the horizon)."""
    years = [int(y) for y in result["year"].values]
    picks = [years[0] + 5, years[0] + 10, years[-1]]
    return sorted({y for y in picks if y in years}) or [years[-1]]


def default_maps(result: xr.Dataset, folder: Path, lang: str = "en") -> None:
    """The map set of a run: a gap map per stage in its peak year, stages x years, and the worst area's chart."""
    import matplotlib

    matplotlib.use("Agg")
    if "geometry_wkt" not in result:
        return
    stages = [str(stage) for stage in result["stage"].values]
    for stage in stages:
        year = peak_year(result, stage)
        save(plot_map(result, stage, year, lang=lang).figure, folder / f"gap_{stage}_{year}")
        area = worst_area(result, stage)
        save(plot_series(result, area, stage, lang).figure, folder / f"series_{stage}_{area}")
    save(small_multiples(result, stages, default_years(result), lang=lang), folder / "gap_small_multiples")


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


__all__ = [
    "comparison_pictures",
    "FORMATS",
    "default_maps",
    "difference_maps",
    "gap_layers",
    "plot_map",
    "plot_series",
    "plot_summary",
    "small_multiples",
]
