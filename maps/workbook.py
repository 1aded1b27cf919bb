"""The bureau's workbook (report.xlsx): indicators, gaps, schools, spending and options, headed in one language.

Counts are whole numbers with thousands separators, shares percentages; the
header row is frozen and columns are as wide as their contents. A table longer
than a sheet (Excel's 1,048,576 rows) continues on numbered sheets.
"""

import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from .style import area_names, stage_name, word

if TYPE_CHECKING:
    from .report import Tables

COUNT, SHARE, RATIO = "#,##0", "0.0%", "0.00"
SHARES = ("ger", "public_share", "inclusive_share", "general_share", "oversized_class_share")


def _width(value: Any) -> int:
    text = f"{value:,.0f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


ROWS = 1_048_575
"""Rows of data a sheet holds: Excel's 1,048,576 less the header. A nation's indicators have more."""


def _sheet(
    book: Any, name: str, frame: pd.DataFrame, formats: dict[str, str], rows: int = ROWS
) -> list[tuple[Any, int]]:
    """Sheets of ``frame`` (headings already in the language), ``rows`` rows each: ``name``, ``name (2)``, ...;
    returns each sheet and its rows of data.

    Each has a bold frozen header, fitted widths and each column's number format, and is streamed row by
    row (XlsxWriter's constant-memory mode).
    """
    sheets = []
    styles = {number: book.add_format({"num_format": number}) for number in set(formats.values())}
    bold = book.add_format({"bold": True})
    for part, start in enumerate(range(0, max(len(frame), 1), rows), 1):
        block = frame.iloc[start : start + rows]
        sheet = book.add_worksheet(name[:31] if part == 1 else f"{name[:25].rstrip()} ({part})")  # 31 characters
        sheet.freeze_panes(1, 0)
        for i, column in enumerate(block.columns):
            widest = max([_width(column), *(_width(v) for v in block[column].head(2000))])
            sheet.set_column(i, i, min(max(widest + 2, 8), 60), styles.get(formats.get(column, "")))
        sheet.write_row(0, 0, [str(column) for column in block.columns], bold)
        values = [
            [None if missing else v for v, missing in zip(block[c].tolist(), block[c].isna().tolist(), strict=True)]
            for c in block.columns
        ]
        for row, cells in enumerate(zip(*values, strict=True), 1):  # a cell takes its column's format
            sheet.write_row(row, 0, cells)
        sheets.append((sheet, len(block)))
    return sheets


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: word(c, lang) for c in frame.columns})


def write_workbook(
    path: Path,
    results: dict[str, xr.Dataset],
    reference: str,
    tables: "Tables",
    schools: pd.DataFrame,
    lang: str,
) -> None:
    """Write ``path``: indicators, gaps by area x stage x year, schools, spending and actions, places to reserve
    for housing (where there is any), options compared."""
    import xlsxwriter

    result, summary, indicators = results[reference], tables.summary, tables.indicators
    text_as_text = {"strings_to_formulas": False, "strings_to_urls": False}  # a name "=1+1" stays a name
    book = xlsxwriter.Workbook(path, {"constant_memory": True, **text_as_text})
    table = indicators.assign(
        stage=indicators["stage"].map(lambda s: stage_name(s, lang)),
        indicator=indicators["indicator"].map(lambda i: word(i, lang)),
        met=indicators["met"].map({True: word("yes", lang), False: word("no", lang)}),
    )[["area", "area_name", "stage", "year", "indicator", "value", "target", "met", "shortfall_places"]]
    sheets = _sheet(
        book,
        word("sheet_indicators", lang),
        _headed(table.rename(columns={"area": "area_code", "area_name": "area"}), lang),
        {word("shortfall_places", lang): COUNT, word("value", lang): SHARE, word("target", lang): SHARE},
    )
    size = word("largest_school", lang).replace('"', '""')  # indicators are shares (85.8%), but a school's size
    for sheet, rows in sheets:  # is pupils (3,000): its rows' achieved and target (F, G) by the indicator (E)
        if rows:
            criteria = {
                "type": "formula",
                "criteria": f'=$E2="{size}"',
                "format": book.add_format({"num_format": COUNT}),
            }
            sheet.conditional_format(1, 5, rows, 6, criteria)
    gaps = _gap_sheet(result, lang)
    _sheet(book, word("sheet_gaps", lang), gaps, {str(y): COUNT for y in result["year"].values})
    school_table = schools.assign(
        stage=schools["stage"].map(lambda s: stage_name(s, lang)),
        sector=schools["sector"].map(lambda s: word(s, lang)),
        oversized=schools["oversized"].map({True: word("yes", lang), False: ""}),
    )[
        [
            "school",
            "name",
            "district",
            "stage",
            "sector",
            "year",
            "pupils",
            "places",
            "utilization",
            "classes",
            "mean_class_size",
            "classes_short",
            "oversized",
            "teachers_needed",
        ]
    ]
    _sheet(
        book,
        word("sheet_schools", lang),
        _headed(school_table.rename(columns={"school": "school_id", "name": "school"}), lang),
        {word(c, lang): COUNT for c in ("pupils", "places", "classes", "classes_short", "teachers_needed")}
        | {word("utilization", lang): SHARE, word("mean_class_size", lang): "0.0"},
    )
    _sheet(
        book,
        word("sheet_spending", lang),
        _spending(result, lang),
        {word(c, lang): COUNT for c in ("capital_cost", "recurrent_cost", "bought_places")},
    )
    _sheet(book, word("sheet_actions", lang), _actions(result, lang), {})
    if not tables.housing.empty:
        named = "district_name_en" if lang == "en" else "district_name"
        housing = tables.housing.assign(
            stage=tables.housing["stage"].map(lambda s: stage_name(s, lang)), district=tables.housing[named]
        ).drop(columns=["district_name", "district_name_en"])
        counts = {word(c, lang): COUNT for c in ("dwellings", "peak_pupils", "classes_to_reserve")}
        _sheet(book, word("sheet_housing", lang), _headed(housing, lang), counts)
    shown_elsewhere = ("scenario", "title_zh", "currency", "years_in_shortage", "place_years_short")
    columns = [column for column in summary.columns if column not in shown_elsewhere]
    compared = summary.assign(
        title=summary["title_zh" if lang == "zh" else "title"],
        stage=summary["stage"].map(lambda s: stage_name(s, lang)),
    )[columns]
    _sheet(
        book,
        word("sheet_options", lang),
        _headed(compared.rename(columns={"title": "scenario"}), lang),
        {word(c, lang): COUNT for c in columns[2:] if c != "peak_year"},
    )
    book.close()


def _gap_sheet(result: xr.Dataset, lang: str) -> pd.DataFrame:
    """Rows of (stage, area), a column per year: the public place gap in whole places."""
    names = dict(zip(result["area"].values, area_names(result, lang), strict=True))
    rows = []
    for stage in result["stage"].values:
        planned = result["area"].values[result["planned"].sel(stage=stage).values]
        for area in planned:
            gaps = result["gap"].sel(stage=stage, area=area).values.round()
            rows.append([stage_name(str(stage), lang), str(area), names[area], *gaps])
    heads = [word("stage", lang), word("area_code", lang), word("area", lang), *map(str, result["year"].values)]
    return pd.DataFrame(rows, columns=heads)


def _spending(result: xr.Dataset, lang: str) -> pd.DataFrame:
    """Capital and recurrent spending and places bought by stage and year, summed over areas."""
    figures = ["capital_cost", "recurrent_cost", "bought_places"]
    summed = result[figures].where(result["planned"]).sum("area").to_dataframe().reset_index()
    summed["stage"] = summed["stage"].map(lambda s: stage_name(s, lang))
    return _headed(summed[["stage", "year", *figures]].rename(columns={"year": "year"}), lang)


def _actions(result: xr.Dataset, lang: str) -> pd.DataFrame:
    """The scenario's actions: name, what, year and the keys it gives."""
    actions = json.loads(str(result.attrs.get("actions", "{}")))
    rows = [
        [name, word(spec.pop("action"), lang), spec.pop("year", ""), ", ".join(f"{k}: {v}" for k, v in spec.items())]
        for name, spec in actions.items()
    ]
    return pd.DataFrame(rows, columns=[word(c, lang) for c in ("name", "action", "year", "details")])
