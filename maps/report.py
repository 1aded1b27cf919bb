"""The bureau's report (report.html): one self-contained page in Chinese or English, printable to A4.

Pictures are inline PNG, styles inline, and the page carries the subset of Noto
Sans CJK its own text needs, so it opens from a USB stick on a machine without
Chinese fonts and makes no network request. Every text from a scenario (titles,
names) is escaped. Reads Results and tables made from them; computes nothing.
"""

import base64
import datetime
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .charts import plot_series, plot_summary
from .choropleth import peak_year, plot_map
from .fonts import font_path, subplots
from .multiples import difference_maps, small_multiples
from .style import area_names, money_unit, stage_name, title, word
from .workbook import SHARES

MOST_CHARTS, MOST_SCHOOLS = 6, 40
"""Demand charts of the areas shortest of places, and rows of the school list, shown in the report."""


@dataclass(frozen=True)
class Tables:
    """What the report shows, made from the Results by the caller."""

    summary: pd.DataFrame
    """Per scenario and stage: shortage, places to build, spending (``compare.summary_table``)."""
    indicators: pd.DataFrame
    """The reference's ``indicators.csv``."""
    records: dict[str, dict[str, Any]]
    """Each scenario's run.json."""
    housing: pd.DataFrame
    """The reference's places to reserve for each housing development (``outputs.reservations``)."""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


class Pictures:
    """The page's pictures, each a function that makes its figure: the page holds a numbered mark for each,
    and they are drawn afterwards (side by side, ``simulate.report``) and put in by :func:`finished`."""

    def __init__(self) -> None:
        self.makers: list[Callable[[], Any]] = []

    def __call__(self, make: Callable[[], Any]) -> str:
        """The ``<img>`` of the figure ``make`` makes, drawn later."""
        self.makers.append(make)
        return f'<img alt="" src="{_MARK.format(len(self.makers) - 1)}">'


_MARK = "placeplan:picture-{}"
_FONT = "/*placeplan:font*/"


def drawn(make: Callable[[], Any]) -> bytes:
    """The PNG of the figure ``make`` makes (closed after)."""
    import matplotlib.pyplot as plt

    fig = make()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def font_of(page: str) -> str:
    """The ``@font-face`` the text of ``page`` needs (its Chinese characters, digits and signs)."""
    import re

    return _font_face(html.unescape(_text_of(re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL))))


def finished(page: str, pngs: list[bytes], font: str) -> str:
    """The page with its pictures (inline PNG, in the order they were asked for) and its font in place."""
    for number, png in enumerate(pngs):
        page = page.replace(f'"{_MARK.format(number)}"', f'"data:image/png;base64,{base64.b64encode(png).decode()}"', 1)
    return page.replace(_FONT, font, 1)


def _count(value: float) -> str:
    return "–" if value != value else f"{value:,.0f}"


def _money(value: float, lang: str, currency: str) -> str:
    """Millions (English) or 万 (Chinese) of ``currency``; nothing spent is 0, not "0.0 M CNY"."""
    if value != value or value == 0:
        return "–" if value != value else "0"
    unit = money_unit(currency, lang)
    return f"{value / 1e4:,.0f} 万{unit}" if lang == "zh" else f"{value / 1e6:,.1f} M {unit}"


def _share(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"


def _table(heads: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """An HTML table: text escaped, columns from ``numeric_from`` aligned right."""
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i >= numeric_from else ''}>{_e(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _headline(summary: pd.DataFrame, lang: str, currency: str) -> str:
    ranged = "peak_shortage_p5" in summary  # an ensemble: the peak with its range over the draws
    keys = ["stage", "peak_shortage_range" if ranged else "peak_shortage", "peak_year", "places_to_build"]
    keys += ["classes_to_build", "peak_teachers_needed"]
    heads = [word(k, lang) for k in keys] + [word("capital_cost", lang), word("recurrent_cost", lang)]
    rows = []
    for row in summary.to_dict("records"):
        year = row["peak_year"]
        peak = _count(float(row["peak_shortage"]))
        if ranged:
            peak += f" ({_count(float(row['peak_shortage_p5']))}-{_count(float(row['peak_shortage_p95']))})"
        rows.append(
            [
                stage_name(str(row["stage"]), lang),
                peak,
                "" if year is None or year != year else f"{float(year):.0f}",
                *(_count(float(row[k])) for k in ("places_to_build", "classes_to_build", "peak_teachers_needed")),
                *(_money(float(row[k]), lang, currency) for k in ("capital_cost", "recurrent_cost")),
            ]
        )
    return _table(heads, rows)


def _indicators(table: pd.DataFrame, result: xr.Dataset, lang: str) -> str:
    """Per stage and indicator with a target, in chosen years: areas meeting it, and the places short."""
    targeted = table.dropna(subset=["target"])
    if targeted.empty:
        return f"<p>{_e(word('no_targets', lang))}</p>"
    years = _report_years(result)
    heads = [word("stage", lang), word("indicator", lang), word("target", lang)]
    heads += [f"{year}: {word('areas_met', lang)}" for year in years]
    rows = []
    for (stage, indicator), group in targeted.groupby(["stage", "indicator"], sort=False):
        cells = [stage_name(str(stage), lang), word(str(indicator), lang)]
        shown = group[group["year"] == years[-1]]["target"]
        target = float(shown.iloc[0]) if len(shown) else float(group["target"].iloc[-1])
        cells.append(_share(target) if indicator in SHARES else _count(target))
        for year in years:
            one = group[group["year"] == year]
            met = int(one["met"].fillna(False).astype(bool).sum())
            cells.append(f"{met} / {len(one)} · {_count(float(one['shortfall_places'].sum()))}")
        rows.append(cells)
    return _table(heads, rows, numeric_from=3)


def _housing(table: pd.DataFrame, lang: str) -> str:
    """Each development's places to reserve, stage by stage."""
    keys = ["development", "district", "stage", "dwellings", "peak_pupils", "classes_to_reserve"]
    named = "district_name_en" if lang == "en" else "district_name"
    rows = [
        [str(row["development"]), str(row[named]), stage_name(str(row["stage"]), lang)]
        + [_count(float(row[key])) for key in keys[3:]]
        for row in table.to_dict("records")
    ]
    return _table([word(key, lang) for key in keys], rows, numeric_from=3)


def _report_years(result: xr.Dataset) -> list[int]:
    years = [int(y) for y in result["year"].values]
    return sorted({y for y in (years[0], years[0] + 5, years[-1]) if y in years})


def _crowded(result: xr.Dataset, lang: str) -> str:
    """Schools over their places or with oversized classes, in each stage's peak year, most crowded first."""
    rows = []
    names = dict(zip(result["area"].values, area_names(result, lang), strict=True))
    for stage in result["stage"].values:
        year = peak_year(result, str(stage))
        one = result.sel(year=year, school=result["school_stage"] == stage)
        crowded = (one["school_utilization"] > 1) | (one["school_oversized"] == 1)
        for school in one["school"].values[crowded.values]:
            s = one.sel(school=school)
            rows.append(
                (
                    float(s["school_utilization"]),
                    [
                        str(s["school_name"].values),
                        names.get(str(s["school_area"].values), ""),
                        stage_name(str(stage), lang),
                        str(year),
                        _count(float(s["school_pupils"])),
                        _count(float(s["school_places"])),
                        _share(float(s["school_utilization"])),
                        f"{float(s['school_mean_class_size']):.1f}",
                        _count(float(s["school_classes_short"])),
                    ],
                )
            )
    if not rows:
        return f"<p>{_e(word('none_crowded', lang))}</p>"
    rows.sort(key=lambda r: -r[0])
    heads = [word(k, lang) for k in ("school", "area", "stage", "year", "pupils", "places", "utilization")]
    heads += [word("mean_class_size", lang), word("classes_short", lang)]
    more = len(rows) - MOST_SCHOOLS
    note = f"<p class=note>{_e(word('more_schools', lang).format(more))}</p>" if more > 0 else ""
    return _table(heads, [r[1] for r in rows[:MOST_SCHOOLS]], numeric_from=3) + note


def _short_areas(result: xr.Dataset, lang: str, picture: Pictures) -> str:
    """Demand against capacity for the areas with the largest shortages."""
    worst = result["gap"].where(result["planned"]).max("year").to_series().dropna()
    worst = worst[worst > 0].sort_values(ascending=False).head(MOST_CHARTS)
    if worst.empty:
        return f"<p>{_e(word('none_short', lang))}</p>"

    def chart(stage: str, area: str) -> Any:
        fig, ax = subplots(figsize=(6, 3.4), layout="constrained")
        plot_series(result, area, stage, lang, ax=ax)
        return fig

    charts = [f"<figure>{picture(partial(chart, str(stage), str(area)))}</figure>" for stage, area in worst.index]
    return f"<div class=grid>{''.join(charts)}</div>"


def _inputs(records: dict[str, dict[str, Any]], results: dict[str, xr.Dataset], lang: str) -> str:
    parts = []
    for name, record in records.items():
        rows = [[file, digest] for file, digest in record.get("inputs", {}).items()]
        heading = f"<h3>{_e(title(results[name], lang))} <span class=note>({_e(name)})</span></h3>"
        table = _table([word("file", lang), word("sha256", lang)], rows, numeric_from=9)
        parts.append(f"<div class=keep>{heading}{table}</div>")  # a title printed with its table
    return "".join(parts)


def report_html(results: dict[str, xr.Dataset], reference: str, tables: Tables, lang: str, picture: Pictures) -> str:
    """The whole report as one HTML document, with a mark for each picture (``picture`` keeps how to draw
    them) and for its font: :func:`finished` puts them in."""
    result = results[reference]
    currency = str(result.attrs.get("currency", ""))
    stages = [str(s) for s in result["stage"].values]
    heading = title(result, lang)
    mine = tables.summary[tables.summary["scenario"] == reference]
    version = _e(result.attrs.get("placeplan_version", ""))
    today = datetime.date.today().isoformat()
    body = [
        f"<header><h1>{_e(heading)}</h1><p class=sub>{_e(word('report', lang))} · {_e(word('made_on', lang))} "
        f"{today} · {_e(word('version', lang))} {version}</p></header>",
        f"<section><h2>{_e(word('headline', lang))}</h2>{_headline(mine, lang, currency)}</section>",
        f"<section><h2>{_e(word('indicators', lang))}</h2>{_indicators(tables.indicators, result, lang)}</section>",
    ]
    if "geometry_wkt" in result:
        maps = [f"<figure>{picture(partial(_gap_map, result, s, lang))}</figure>" for s in stages]
        years = _report_years(result)[1:] or _report_years(result)
        sheet = picture(partial(small_multiples, result, stages, years, lang=lang))
        body.append(f"<section><h2>{_e(word('gap_maps', lang))}</h2><div class=grid>{''.join(maps)}</div></section>")
        body.append(f"<section><h2>{_e(word('sheet', lang))}</h2><figure>{sheet}</figure></section>")
    body.append(f"<section><h2>{_e(word('short_areas', lang))}</h2>{_short_areas(result, lang, picture)}</section>")
    body.append(f"<section><h2>{_e(word('crowded_schools', lang))}</h2>{_crowded(result, lang)}</section>")
    if not tables.housing.empty:
        body.append(f"<section><h2>{_e(word('housing_reserve', lang))}</h2>{_housing(tables.housing, lang)}</section>")
    if len(results) > 1:
        body.append(_comparison(results, reference, tables.summary, lang, currency, picture))
    body.append(f"<section><h2>{_e(word('inputs', lang))}</h2>{_inputs(tables.records, results, lang)}</section>")
    body.append(f"<footer>{_e(word('made_by', lang))}</footer>")
    page = "".join(body)
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{_e(heading)}</title><style>{_FONT}{CSS}</style>"
        f"</head><body>{page}</body></html>"
    )


def _gap_map(result: xr.Dataset, stage: str, lang: str) -> Any:
    return plot_map(result, stage, peak_year(result, stage), lang=lang).figure


def _comparison(
    results: dict[str, xr.Dataset], reference: str, summary: pd.DataFrame, lang: str, currency: str, picture: Pictures
) -> str:
    totals = summary.groupby("scenario", sort=False)[
        ["places_to_build", "place_years_short", "capital_cost", "recurrent_cost"]
    ].sum()
    heads = [word("scenario", lang), word("places_to_build", lang), word("place_years_short", lang)]
    heads += [word("capital_cost", lang), word("recurrent_cost", lang)]
    rows = [
        [
            title(results[str(name)], lang),
            _count(float(row["places_to_build"])),
            _count(float(row["place_years_short"])),
            _money(float(row["capital_cost"]), lang, currency),
            _money(float(row["recurrent_cost"]), lang, currency),
        ]
        for name, row in totals.iterrows()
    ]
    parts = [f"<section><h2>{_e(word('comparison', lang))}</h2>{_table(heads, rows)}"]
    parts.append(f"<figure>{picture(partial(plot_summary, summary, lang, reference))}</figure></section>")
    first = results[reference]
    if "geometry_wkt" in first:
        pictures = [
            f"<figure>{picture(partial(difference_maps, results, reference, stage, year, lang=lang))}</figure>"
            for stage, year in _where_options_differ(results, reference)
        ]
        heading = _e(word("difference_maps", lang))
        parts.append(f"<section><h2>{heading}</h2>{''.join(pictures)}</section>")
    return "".join(parts)


def _where_options_differ(results: dict[str, xr.Dataset], reference: str) -> list[tuple[str, int]]:
    """Each stage whose gap differs between the options, with the year it differs most."""
    base = results[reference]["gap"]
    spread = xr.concat([abs(result["gap"] - base).fillna(0).sum("area") for result in results.values()], "option")
    spread = spread.sum("option")
    return [
        (str(stage), int(spread["year"].values[int(np.argmax(spread.sel(stage=stage).values))]))
        for stage in spread["stage"].values
        if float(spread.sel(stage=stage).max()) > 0.5
    ]


def _text_of(page: str) -> str:
    """The characters of the page's text (tags dropped), for the font subset."""
    import re

    return re.sub(r"<[^>]*>|data:[^\"']*", " ", page)


def _font_face(text: str) -> str:
    """An @font-face with the glyphs of ``text`` from Noto Sans CJK, inline (empty if the font is missing)."""
    path = font_path()
    if path is None:
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features, options.hinting, options.desubroutinize = [], False, True
    options.name_IDs, options.notdef_outline = ["*"], True
    font = TTFont(path, lazy=True)
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set(text + "0123456789,.%·–-/:() "))))
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'@font-face{{font-family:"placeplan";src:url(data:font/otf;base64,{data}) format("opentype");}}'


CSS = """
body{font-family:"placeplan",sans-serif;margin:24px auto;max-width:1100px;color:#202020;font-size:14px;line-height:1.45}
header{border-bottom:3px solid #542788;margin-bottom:16px}h1{font-size:26px;margin:0 0 4px}
.sub,.note{color:#606060;font-size:12px}h2{font-size:19px;color:#542788;margin:26px 0 8px}h3{font-size:15px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12.5px}
th,td{border-bottom:1px solid #d0d0d0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1edf7}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:6px 0}img{max-width:100%;height:auto}.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px}
footer{margin-top:30px;color:#909090;font-size:11px}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:11px}figure,tr,.keep{break-inside:avoid}
h2,h3{break-after:avoid}img{max-height:235mm;width:auto}}
"""
