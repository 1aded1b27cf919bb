"""The bureau's report: self-contained HTML checked in a real browser (headless Chromium), and the workbook.

Chromium comes from Debian (``.ci/run`` installs it); where it cannot be installed the browser tests say
so and are skipped.
"""

import base64
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image

from placeplan.simulate.cli import main
from placeplan.simulate.report import browser, headless

from ..conftest import SCENARIO, write_tiny

BROWSER = browser()
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium here: install Debian's chromium package")
pytestmark = pytest.mark.xdist_group("report")  # one worker makes the reports once (pytest -n auto --dist loadgroup)
TARGETS = {"primary": {"public_share": {2020: 0.5, 2023: 0.6}, "max_oversized_class_share": 0}}
HOSTILE = "=1+1 <script>alert(1)</script>"  # a formula in a workbook, a script in a page
STANDARD = {"gross_enrolment": 1.0, "public_share": 1.0, "class_size": 40, "pupil_teacher_ratio": 20}
STAGES = {
    **SCENARIO["stages"],
    **{name: {**STANDARD, "ages": [lo, lo + 2]} for name, lo in (("preschool", 3), ("junior", 12), ("evening", 18))},
}
"""Five stages: the stages x years sheet is taller than an A4 page."""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """A baseline and an option with a hostile title, run, and reported in Chinese (printed to PDF too) and
    English (its page and workbook only: the PDF is the Chinese one's, printed the same way)."""
    tmp = tmp_path_factory.mktemp("report")
    titles = {"en": "Tiny city", "zh": "小城基准方案"}
    base = write_tiny(tmp / "base", {"name": "base", "title": titles, "targets": TARGETS, "stages": STAGES})
    build = {"more": {"action": "build", "district": "1", "stage": "primary", "year": 2022, "classes": 10}}
    option = write_tiny(tmp / "option", {"name": "option", "title": HOSTILE, "actions": build, "stages": STAGES})
    for scenario, name in ((base, "base"), (option, "option")):
        assert invoke("run", str(scenario), "--out", str(tmp / "results" / name), "-q", "--no-maps").exit_code == 0
    out = {}
    for lang, printer in (("zh", BROWSER), ("en", None)):
        folder = tmp / f"report_{lang}"
        results = [str(tmp / "results" / "base"), str(tmp / "results" / "option")]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("placeplan.simulate.report.browser", lambda printer=printer: printer)
            done = invoke("report", *results, "--lang", lang, "--out", str(folder))
        assert done.exit_code == 0, done.output
        out[lang] = folder
    return out


def test_the_report_is_one_self_contained_file(reports):
    page = (reports["zh"] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from anywhere
    assert "<link" not in page and "@import" not in page
    assert "@font-face" in page and "data:font/otf;base64," in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) >= 4  # gap maps, the stages x years sheet, a chart, the comparison
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    for heading in ("主要数据", "主要指标完成情况", "学位缺口分布", "超员与大班额学校", "方案比较", "方案与输入数据"):
        assert heading in page
    assert "小城基准方案" in page and "Tiny city" not in page  # the Chinese title, not the English one


def test_nothing_spent_reads_0_not_millions_of_nothing(reports):
    page = (reports["en"] / "report.html").read_text(encoding="utf-8")
    headline = page[page.index("<h2>Headline figures</h2>") :].split("</table>")[0]
    capital = [row.split("<td class=n>")[6].split("<")[0] for row in headline.split("<tr>")[2:]]
    assert capital and set(capital) == {"0"}  # the baseline builds nothing
    assert " 0.0 M " not in page


def test_user_text_is_shown_as_text_never_run(reports):
    page = (reports["en"] / "report.html").read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 0


def test_the_workbook_has_headings_in_the_language_whole_numbers_and_frozen_headers(reports):
    book = load_workbook(reports["zh"] / "report.xlsx")
    assert book.sheetnames == ["主要指标", "学位缺口", "学校", "分年度支出", "措施", "方案比较"]
    gaps = book["学位缺口"]
    assert [cell.value for cell in gaps[1]][:4] == ["学段", "区县代码", "区县", "2020"]
    assert gaps.freeze_panes == "A2"
    row = [cell for cell in gaps[2]]
    assert row[0].value == "小学" and row[3].number_format == "#,##0"
    assert all(float(cell.value).is_integer() for cell in row[3:])  # whole places
    assert gaps.column_dimensions["C"].width >= 6
    indicators = book["主要指标"]
    assert [cell.value for cell in indicators[1]] == [
        "区县代码",
        "区县",
        "学段",
        "年份",
        "指标",
        "实际值",
        "目标值",
        "是否达标",
        "距目标差额（学位）",
    ]
    assert {cell.value for cell in indicators["H"][1:]} <= {"是", "否", None}
    english = load_workbook(reports["en"] / "report.xlsx")
    assert english.sheetnames[:2] == ["Indicators", "Place gaps"]
    titles = [row[0] for row in english["Options compared"].iter_rows(min_row=2)]
    assert any(cell.value == HOSTILE and cell.data_type == "s" for cell in titles)  # text, not a formula
    assert [cell.value for cell in english["Place gaps"][1]][:2] == ["stage", "area code"]
    shares = english["Indicators"]
    assert {shares.column_dimensions[column].number_format for column in "FG"} == {"0.0%"}  # 85.8%, not 0.858
    (rule,) = [
        (str(f.sqref), r.formula, r.dxf.numFmt.formatCode) for f in shares.conditional_formatting for r in f.rules
    ]
    assert rule == (f"F2:G{shares.max_row}", ['$E2="largest school, pupils"'], "#,##0")  # a school's size: pupils


def _render(page: Path, image: Path, tmp: Path, height: int = 3000) -> tuple[str, list[str]]:
    """Render ``page`` to ``image``; the console messages, and the URLs the page asked for."""
    net = tmp / "net.json"
    command = headless(
        BROWSER,
        f"--user-data-dir={tmp / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={net}",
        "--hide-scrollbars",
        f"--window-size=1200,{height}",
        f"--screenshot={image}",
    )
    done = subprocess.run([*command, page.as_uri()], capture_output=True, text=True, timeout=120)
    console = "\n".join(line for line in done.stderr.splitlines() if "CONSOLE" in line)
    log = json.loads(net.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    asked = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and "file://" in e["params"].get("network_isolation_key", "")
    ]
    return console, asked


def test_a_table_longer_than_a_sheet_continues_on_numbered_sheets(tmp_path):
    import xlsxwriter

    from placeplan.maps.workbook import _sheet

    book = xlsxwriter.Workbook(tmp_path / "t.xlsx", {"constant_memory": True})
    frame = pd.DataFrame({"地区": [f"area {i}" for i in range(7)], "pupils": [float(i) for i in range(7)]})
    _sheet(book, "Indicators of every area and year", frame, {"pupils": "#,##0"}, rows=3)
    _sheet(book, "Actions", frame.iloc[:0], {}, rows=3)  # an empty table still has its headed sheet
    book.close()
    sheets = load_workbook(tmp_path / "t.xlsx").worksheets
    assert [s.title for s in sheets] == [  # Excel allows 31 characters a name
        "Indicators of every area and ye",
        "Indicators of every area (2)",
        "Indicators of every area (3)",
        "Actions",
    ]
    rows = [[cell.value for cell in row] for sheet in sheets[:3] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[f"area {i}", i] for i in range(7)]  # every row once, in order
    assert all(next(sheet.iter_rows(max_row=1))[0].value == "地区" for sheet in sheets)
    assert sheets[1].freeze_panes == "A2" and sheets[2]["B2"].number_format == "#,##0"


@needs_browser
def test_the_report_renders_in_a_browser_with_pictures_no_errors_and_no_network(reports, tmp_path):
    shot = tmp_path / "report.png"
    console, asked = _render(reports["zh"] / "report.html", shot, tmp_path)
    assert console == ""
    assert [url for url in asked if not url.startswith(("file:", "data:"))] == []
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 20  # not a blank page
    inked = (pixels < 200).mean(axis=1)
    assert (inked > 0.05).sum() > 300  # rows of maps and charts, not only lines of text


@needs_browser
def test_chinese_is_drawn_with_the_embedded_font_not_boxes(reports, tmp_path):
    page = (reports["zh"] / "report.html").read_text(encoding="utf-8")
    face = re.search(r"@font-face\{[^}]*\}", page).group(0)
    text = "小城基准方案"
    pictures = []
    for family, style in (("placeplan", face), ("no-such-font", "")):
        html = f'<html><head><style>{style}</style></head><body style="font:64px {family}">{text}</body></html>'
        sample = tmp_path / f"{family}.html"
        sample.write_text(html, encoding="utf-8")
        _render(sample, tmp_path / f"{family}.png", tmp_path / family, height=200)
        pictures.append(np.asarray(Image.open(tmp_path / f"{family}.png").convert("L"), dtype=float))
    drawn, boxes = pictures
    assert (drawn < 128).sum() > 2000  # the characters are there
    assert np.abs(drawn - boxes).mean() > 2  # and differ from what a page without the font shows


@needs_browser
def test_a_pdf_is_printed_beside_the_page(reports):
    assert (reports["zh"] / "report.pdf").read_bytes().startswith(b"%PDF")


@needs_browser
def test_no_picture_of_the_printed_report_is_cut_across_pages(reports):
    """Five stages make a stages x years sheet taller than an A4 page: it is printed whole, on one page."""
    from pypdf import PdfReader

    pages: dict[int, list[int]] = {}
    for number, page in enumerate(PdfReader(reports["zh"] / "report.pdf").pages, start=1):
        for ref in page["/Resources"].get("/XObject", {}).values():
            if ref.get_object()["/Subtype"] == "/Image":
                pages.setdefault(ref.idnum, []).append(number)
    assert len(pages) >= 6  # five gap maps and the sheet, at least
    assert [found for found in pages.values() if len(found) > 1] == []


def test_a_damaged_result_is_refused(tmp_path, reports):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "results.nc").write_bytes(b"not a netcdf file")
    result = invoke("report", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "not a readable placeplan Result" in result.stderr
    assert not (tmp_path / "out").exists()


def test_each_picture_goes_to_its_own_place_and_the_font_to_the_style():
    """Pictures are drawn after the page is written (side by side); picture 1 is not put where 10 goes."""
    from placeplan.maps.report import Pictures, finished

    pictures = Pictures()
    page = "<style>/*placeplan:font*/</style>" + "".join(pictures(lambda: None) for _ in range(12))
    pngs = [f"picture {number}".encode() for number in range(12)]
    done = finished(page, pngs, "@font-face{}")
    sources = re.findall(r'src="data:image/png;base64,([^"]*)"', done)
    assert [base64.b64decode(source) for source in sources] == pngs
    assert done.startswith("<style>@font-face{}</style>") and "placeplan:" not in done
