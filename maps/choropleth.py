"""Choropleths of a Result: areas coloured by a figure, with names, north arrow and scale bar.

Takes a Result and an optional ``ax``; matplotlib and geopandas are imported
only when drawing.
"""

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .fonts import chinese_font, subplots
from .style import (
    DIVERGING,
    FIGURES,
    MONEY,
    SEQUENTIAL,
    area_names,
    figure_values,
    one_unit_axis,
    stage_name,
    title,
    whole_ticks,
    word,
)

SHORTAGE_HATCHED = ("gap", "gap_per_1000", "gap_p95", "utilization")
"""Figures whose shortages (values above the scale's centre: a gap above 0, a utilization above 1) are hatched."""


def area_frame(result: xr.Dataset, stage: str, lang: str = "en") -> Any:
    """The planned areas of ``stage`` as a GeoDataFrame (``area, name, geometry``), districts dissolved."""
    import geopandas as gpd
    from shapely import wkt

    if "geometry_wkt" not in result:
        raise ValueError("the Result has no area shapes: give the scenario `boundaries` to map it")
    planned = result["planned"].sel(stage=stage).values.astype(bool)
    frame = gpd.GeoDataFrame(
        {
            "area": result["area"].values[planned],
            "name": area_names(result, lang)[planned],
            "geometry": [wkt.loads(str(text)) for text in result["geometry_wkt"].values[planned]],
        },
        crs="EPSG:4326",
    )
    frame.attrs["currency"] = str(result.attrs.get("currency") or "CNY")  # the unit of a map of money
    return frame


def colour_scale(figure: str, values: np.ndarray) -> tuple[str, Any]:
    """Colour map and norm: diverging with symmetric limits around the centre, or sequential from 0."""
    from matplotlib.colors import Normalize, TwoSlopeNorm

    spec = FIGURES[figure]
    finite = np.asarray(values, dtype=float)[np.isfinite(values)]
    if spec.diverging:
        limit = float(np.abs(finite - spec.centre).max()) if finite.size else 0.0
        limit = limit or (0.1 if spec.centre else 1.0)
        return DIVERGING, TwoSlopeNorm(spec.centre, spec.centre - limit, spec.centre + limit)
    top = spec.top or (float(finite.max()) if finite.size else 0.0)
    return SEQUENTIAL, Normalize(0.0, top or 1.0)


def ticks(figure: str, lang: str) -> Any:
    """Colour-bar ticks written as the map's labels write values (thousands separated, money in M or 万)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: number(figure, value, lang))


def number(figure: str, value: float, lang: str) -> str:
    """A value as a map label shows it."""
    if not np.isfinite(value):
        return "-"
    if figure == "utilization":
        return f"{value:.2f}"
    if figure == "p_shortage":
        return f"{value:.0%}"
    if figure in MONEY:
        return f"{value / 1e6:,.1f} M" if lang == "en" else f"{value / 1e4:,.0f}万"
    if FIGURES[figure].diverging:
        return f"{value:+,.0f}" if round(value) != 0 else "0"
    return f"{value:,.0f}"


def draw(
    frame: Any,
    values: np.ndarray,
    figure: str,
    ax: Any,
    norm: Any = None,
    lang: str = "en",
    labels: bool = True,
    colorbar: bool = True,
    furniture: bool = True,
) -> Any:
    """Colour ``frame``'s areas by ``values`` on ``ax``; names, and a north arrow and scale bar (``furniture``)."""
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable

    chinese_font()  # for an ax the caller made
    cmap, default_norm = colour_scale(figure, values)
    norm = norm or default_norm
    frame = frame.assign(value=values)
    colours = plt.get_cmap(cmap)(norm(np.nan_to_num(values)))
    colours[~np.isfinite(values)] = (0.85, 0.85, 0.85, 1.0)  # no data: grey
    ax.add_collection(_patches(frame.geometry, facecolor=colours, edgecolor="#303030", linewidth=0.6))
    if figure in SHORTAGE_HATCHED:  # the sign still reads in greyscale: shortages are hatched
        short = frame.geometry[np.nan_to_num(values) > FIGURES[figure].centre]
        if len(short):
            with matplotlib.rc_context({"hatch.linewidth": 0.4}):
                ax.add_collection(_patches(short, facecolor="none", edgecolor="#00000059", hatch="///", linewidth=0))
    west, south, east, north = frame.total_bounds
    pad_x, pad_y = 0.02 * (east - west), 0.02 * (north - south)
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - 4 * pad_y, north + pad_y)  # room for the scale bar below
    ax.set_aspect(1 / np.cos(np.radians((south + north) / 2)))  # degrees of longitude are shorter
    ax.set_axis_off()
    if labels:
        _label(frame, figure, ax, lang)
    if furniture:
        _north_arrow(ax, lang)
        _scale_bar(frame, ax, lang)
    if colorbar:
        label = FIGURES[figure].label(lang, frame.attrs.get("currency", "CNY"))
        colour_bar(ax.figure, ScalarMappable(norm, cmap), ax, 0.8, label, figure, lang)
    return ax


def colour_bar(fig: Any, mappable: Any, axes: Any, shrink: float, label: str, figure: str, lang: str) -> None:
    """The colour bar of ``figure``, its ticks written as the map's labels; a count is ticked at whole numbers
    (a scale of 0 to 1 place would otherwise read 0, 0, 0, 1, 1, 1)."""
    written = one_unit_axis(lang) if figure in MONEY else ticks(figure, lang)  # money: 0, 1.0亿 ... 5.0亿
    bar = fig.colorbar(mappable, ax=axes, shrink=shrink, label=label, format=written)
    if figure not in ("utilization", "p_shortage") and figure not in MONEY:
        bar.locator = whole_ticks()


def _patches(shapes: Any, **style: Any) -> Any:
    """(Multi)polygons as one matplotlib collection (geopandas' own plot redraws the figure each call)."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as Outline

    paths = []
    for shape in shapes:
        rings = [
            ring for polygon in getattr(shape, "geoms", [shape]) for ring in (polygon.exterior, *polygon.interiors)
        ]
        paths.append(
            Outline.make_compound_path(*(Outline(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings))
        )
    return PathCollection(paths, **style)


def _label(frame: Any, figure: str, ax: Any, lang: str) -> None:
    """Name and value of each area, those farthest from 0 (or the scale's centre) first, then the biggest; a label
    that would overlap one placed before is dropped, so the areas that matter keep theirs."""
    from matplotlib.patheffects import withStroke

    halo = [withStroke(linewidth=2.5, foreground="white")]
    renderer = ax.figure.canvas.get_renderer()
    placed: list[Any] = []
    import shapely

    sizes = shapely.area(np.asarray(frame.geometry))  # in degrees², only to order the labels
    spec = FIGURES[figure]
    away = np.abs(frame["value"].to_numpy(dtype=float) - (spec.centre if spec.diverging else 0.0))
    order = frame.assign(size=sizes, away=np.nan_to_num(away, nan=-1.0)).sort_values(["away", "size"], ascending=False)
    for _, row in order.iterrows():
        point = row.geometry.representative_point()
        text = ax.annotate(
            f"{row['name']}\n{number(figure, row['value'], lang)}",
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=7,
            path_effects=halo,
        )
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in placed):
            text.remove()
        else:
            placed.append(box)


def map_height(frame: Any, width: float) -> float:
    """Inches a map of ``frame`` drawn ``width`` inches wide takes, with :func:`draw`'s margins and aspect."""
    west, south, east, north = frame.total_bounds
    tall = (north - south) * 1.10 / np.cos(np.radians((south + north) / 2))
    return width * tall / ((east - west) * 1.04)


def _north_arrow(ax: Any, lang: str) -> None:
    ax.annotate(
        word("north", lang),
        xy=(0.04, 0.97),
        xytext=(0.04, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
    )


def _scale_bar(frame: Any, ax: Any, lang: str) -> None:
    """A bar of a round number of km, about a fifth of the map wide, bottom left."""
    west, south, east, north = frame.total_bounds
    km_per_degree = 111.32 * np.cos(np.radians((south + north) / 2))
    width_km = (east - west) * km_per_degree
    length = min((n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if n >= width_km / 6), default=1000)
    x0, y0 = west, south - 0.04 * (north - south)
    x1 = x0 + length / km_per_degree
    ax.plot([x0, x1], [y0, y0], color="black", linewidth=2.5, solid_capstyle="butt")
    ax.text((x0 + x1) / 2, y0, f"{length} {word('km', lang)}", ha="center", va="bottom", fontsize=7)


def map_title(result: xr.Dataset, stage: str, year: int | str, figure: str, lang: str) -> str:
    """``scenario: figure, stage, year``."""
    what = FIGURES[figure].name(lang)
    if lang == "zh":
        return f"{title(result, lang)}：{stage_name(stage, lang)}{what}，{year}年"
    return f"{title(result, lang)}\n{what}, {stage_name(stage, lang)}, {year}"


def plot_map(result: xr.Dataset, stage: str, year: int, figure: str = "gap", lang: str = "en", ax: Any = None) -> Any:
    """Map ``figure`` of ``stage`` in ``year`` by planning area; returns the axes."""
    frame = area_frame(result, stage, lang)
    if ax is None:  # as tall as the area's shape needs at this width (a wide city leaves no band of white)
        _, ax = subplots(figsize=(7.5, float(np.clip(map_height(frame, 5.4) + 1.2, 4.5, 9.5))), layout="constrained")
    values = figure_values(result, figure).sel(stage=stage, year=year).sel(area=frame["area"].values).values
    draw(frame, values, figure, ax, lang=lang)
    ax.set_title(map_title(result, stage, year, figure, lang), fontsize=11)
    return ax


def save(fig: Any, path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Save ``fig`` as ``path`` with each suffix in ``formats``; close it; return the files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_as(fig, [path.with_suffix(f".{fmt}") for fmt in formats])


def save_as(fig: Any, files: list[Path]) -> list[Path]:
    """Save ``fig`` as each of ``files`` (the format from its suffix); close it; return the files."""
    import matplotlib.pyplot as plt

    for file in files:
        fig.savefig(file, dpi=150)  # the layout engine fits the margins: a tight bbox would render twice
    plt.close(fig)
    return files


def peak_year(result: xr.Dataset, stage: str) -> int:
    """The year the stage's total shortage is largest (the base year when there is none)."""
    shortage = result["gap"].sel(stage=stage).clip(min=0).sum("area")
    return int(result["year"].values[int(np.argmax(shortage.values))])
