"""The place-gap choropleth: areas coloured by gap on a diverging scale centred on zero."""

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .fonts import chinese_font

SHORTAGE_SURPLUS = "PuOr_r"
"""ColorBrewer purple-orange: orange for shortage, purple for surplus; colour-blind safe."""


def _areas(result: xr.Dataset, stage: str) -> Any:
    import geopandas as gpd
    from shapely import wkt

    planned = result["planned"].sel(stage=stage).values
    frame = gpd.GeoDataFrame(
        {
            "area": result["area"].values[planned],
            "name": result["area_name_en"].values[planned],
            "geometry": [wkt.loads(text) for text in result["geometry_wkt"].values[planned]],
        },
        crs="EPSG:4326",
    )
    return frame


def peak_year(result: xr.Dataset, stage: str) -> int:
    """The year the stage's total shortage is largest (the base year when there is none)."""
    shortage = result["gap"].sel(stage=stage).clip(min=0).sum("area")
    return int(result["year"].values[int(np.argmax(shortage.values))])


def plot_gap(result: xr.Dataset, stage: str, year: int, ax: Any = None) -> Any:
    """Draw the gap of ``stage`` in ``year`` by planning area on ``ax`` (made if None); returns the axes."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    chinese_font()
    from matplotlib.patheffects import withStroke

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7), layout="constrained")
    frame = _areas(result, stage)
    frame["gap"] = result["gap"].sel(stage=stage, year=year).sel(area=frame["area"].values).values
    limit = max(float(np.abs(frame["gap"]).max()), 1.0)
    frame.plot(
        column="gap",
        ax=ax,
        cmap=SHORTAGE_SURPLUS,
        norm=TwoSlopeNorm(0.0, -limit, limit),
        edgecolor="#333333",
        linewidth=0.6,
        legend=True,
        legend_kwds={"label": "public places short (+) or spare (-)", "shrink": 0.6},
    )
    for _, row in frame.iterrows():
        point = row.geometry.representative_point()
        ax.annotate(
            f"{row['name']}\n{row['gap']:+,.0f}",
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=7,
            path_effects=[withStroke(linewidth=2.5, foreground="white")],
        )
    ax.set_title(f"{result.attrs['title']}: {stage} place gap, {year}")
    ax.set_axis_off()
    return ax


def default_maps(result: xr.Dataset, folder: Path) -> None:
    """One gap map per stage, in the year its shortage peaks, as PNG in ``folder``."""
    if "geometry_wkt" not in result:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    for stage in result["stage"].values:
        year = peak_year(result, str(stage))
        ax = plot_gap(result, str(stage), year)
        ax.figure.savefig(folder / f"gap_{stage}_{year}.png", dpi=150, bbox_inches="tight")
        plt.close(ax.figure)
