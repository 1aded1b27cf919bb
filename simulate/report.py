"""The bureau's report: the tables it shows, made from the Results, then the HTML, workbook and PDF written at once."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xarray as xr

from .compare import check_comparable, summary_table
from .forked import Task, each
from .indicators import indicator_table
from .outputs import reservations, schools_table
from .publish import publishing

if TYPE_CHECKING:
    from ..maps.report import Tables

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
"""Browsers that print the report to PDF where installed (headless, no network)."""


def browser() -> str | None:
    """A headless Chromium on this machine, or None."""
    return next((path for name in CHROMIUM if (path := shutil.which(name))), None)


def write_report(
    results: dict[str, xr.Dataset], records: dict[str, dict[str, Any]], reference: str, folder: Path, lang: str
) -> Path:
    """Write ``report.html``, ``report.xlsx`` and, where Chromium is installed, ``report.pdf`` into ``folder``."""
    import matplotlib

    from ..maps.report import Pictures, Tables, finished, report_html

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (imported once, here, not by each process that draws)

    check_comparable(results)
    summary = summary_table(results)
    tables = Tables(summary, indicator_table(results[reference]), records, reservations(results[reference]))
    pictures = Pictures()
    page = report_html(results, reference, tables, lang, pictures)
    report = (results, reference, tables, lang)
    with publishing(folder) as staging:  # the workbook, the pictures and the font side by side, then the PDF
        # (printed beside the workbook, Chromium and the workbook slowed each other)
        tasks: list[Task] = [(_workbook, (staging,)), (_font, (page,))]
        tasks += [(_picture, (make,)) for make in pictures.makers]
        _, font, *pngs = each(report, tasks)
        (staging / "report.html").write_text(finished(page, pngs, font), encoding="utf-8")
        _pdf(report, staging)
    return folder


Report = tuple[dict[str, xr.Dataset], str, "Tables", str]
"""What the report is made of: the Results, the reference, the tables and the language."""


def _picture(report: Report, make: Callable[[], Any]) -> bytes:
    from ..maps.report import drawn

    return drawn(make)


def _font(report: Report, page: str) -> str:
    from ..maps.report import font_of

    return font_of(page)


def _pdf(report: Report, staging: Path) -> None:
    printer = browser()
    if printer is not None:
        print_pdf(printer, staging / "report.html", staging / "report.pdf")


def _workbook(report: Report, staging: Path) -> None:
    from ..maps.workbook import write_workbook

    results, reference, tables, lang = report
    schools = schools_table(results[reference])
    write_workbook(staging / "report.xlsx", results, reference, tables, schools, lang)


def headless(printer: str, *arguments: str) -> list[str]:
    """A Chromium command that runs without a screen, a sandbox or any network."""
    return [
        printer,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        *arguments,
    ]


def print_pdf(printer: str, page: Path, pdf: Path) -> None:
    """Print ``page`` to ``pdf`` (A4, as the page's print styles say); a failing browser writes no PDF."""
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        command = headless(printer, f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
        subprocess.run([*command, page.as_uri()], capture_output=True, timeout=120, check=False)
