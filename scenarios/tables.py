"""Input tables: CSV (UTF-8 or GBK/GB18030, as Chinese spreadsheets export them) or .xlsx.

Rows are numbered as a spreadsheet shows them: the header is row 1, so the
first data row is row 2.
"""

import difflib
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .errors import ScenarioError
from .loading import shown

CHECKS = {  # each check takes a number or an array of them
    "count": ("a number >= 0", lambda v: v >= 0),
    "positive": ("a number > 0", lambda v: v > 0),
    "share": ("a share in [0, 1]", lambda v: (v >= 0) & (v <= 1)),
    "whole": ("a whole number >= 0", lambda v: (v >= 0) & (v == np.floor(v))),
    "year": ("a year (a whole number)", lambda v: (v == np.floor(v)) & (v >= 1800) & (v <= 2300)),
    "number": ("a finite number", lambda v: v == v),
    "longitude": ("a longitude in -180..180", lambda v: (v >= -180) & (v <= 180)),
    "latitude": ("a latitude in -90..90", lambda v: (v >= -90) & (v <= 90)),
}


def _read_frame(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        try:
            return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
        except zipfile.BadZipFile:
            raise ValueError("not an Excel workbook; save it from Excel as .xlsx, or as .csv") from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")


def _empty(path: Path) -> str:
    """What is empty: the file, or the first sheet of a workbook."""
    sheets = _sheets(path)
    return f"its first sheet {sheets[0]!r} is empty{_first_sheet(sheets)}" if sheets else "is empty"


def _sheets(path: Path) -> list[str]:
    """The sheets of a workbook (none for a CSV file)."""
    if path.suffix.lower() != ".xlsx":
        return []
    return [str(name) for name in pd.ExcelFile(path, engine="openpyxl").sheet_names]


def _first_sheet(sheets: list[str]) -> str:
    """For a workbook of several sheets, that its first is read and how to choose another."""
    return f" (placeplan reads a workbook's first sheet: put {sheets[1]!r} or another first)" if sheets[1:] else ""


@dataclass
class Table:
    """A table read as text, with checks that name the file, row and column."""

    path: Path
    frame: pd.DataFrame
    label: str = "district"
    """Column shown beside the row number in messages, when present."""

    @classmethod
    def read(cls, path: str | Path, key: str, label: str = "district", columns: tuple[str, ...] = ()) -> "Table":
        """Read the table the scenario key ``key`` names; ``columns`` are those it may have.

        A column that is not among them but close to one that is missing (``close`` for ``closes``) is
        an error with "did you mean"; other extra columns (notes, remarks) are left alone.
        """
        path = Path(path)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise ScenarioError(f"{key}: {shown(path)}: unsupported table format {path.suffix!r}; use .csv or .xlsx")
        if not path.is_file():
            raise ScenarioError(f"{key}: {shown(path)}: no such file")
        try:
            frame = _read_frame(path)
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame()
        except (pd.errors.ParserError, ValueError, OSError) as error:
            raise ScenarioError(f"{shown(path)}: cannot read table: {str(error).splitlines()[0]}") from None
        if frame.columns.empty:
            names = f" ({', '.join(columns)})" if columns else ""
            raise ScenarioError(f"{shown(path)}: {_empty(path)}; its first row must name its columns{names}")
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.apply(lambda column: column.str.strip())
        missing = {c.lower(): c for c in columns if c not in frame.columns}
        for column in frame.columns:
            close = difflib.get_close_matches(column.lower(), missing, n=1, cutoff=0.8)
            if column not in columns and close:
                raise ScenarioError(
                    f"{shown(path)}: unknown column {column!r} (did you mean {missing[close[0]]!r}?); "
                    f"columns: {', '.join(columns)}"
                )
        return cls(path, frame, label)

    def where(self, row: int) -> str:
        """``file row N (district X)`` for a 0-based data row (N as a spreadsheet numbers it, rows left out
        by :meth:`of_stages` counted)."""
        label = f" ({self.label} {self.frame[self.label].iloc[row]})" if self.label in self.frame else ""
        return f"{shown(self.path)} row {int(self.frame.index[row]) + 2}{label}"

    def of_stages(self, stages: list[str], warnings: list[str], what: str) -> pd.DataFrame:
        """Keep the rows of the scenario's ``stages``: a stage it does not plan is left out with a warning
        (a kindergarten scenario may use a table of every school), one close to a planned stage's name is
        an error with "did you mean". Returns the rows left out."""
        stage = pd.Series(self.text("stage"), index=self.frame.index)
        other = ~stage.isin(stages)
        for name in dict.fromkeys(stage[other]):
            close = difflib.get_close_matches(name, stages, n=1, cutoff=0.8)
            if close:
                row = int(np.argmax((stage == name).to_numpy()))
                raise ScenarioError(
                    f"{self.where(row)}: stage {name!r} is not a stage of the scenario (did you mean {close[0]!r}?); "
                    f"stages: {', '.join(stages)}"
                )
        left = self.frame[other.to_numpy()]
        if len(left):
            counts = ", ".join(f"{name} ({count})" for name, count in stage[other].value_counts(sort=False).items())
            warnings.append(f"{shown(self.path)}: {what} of stages the scenario does not plan are left out: {counts}")
            self.frame = self.frame[~other.to_numpy()]
        return left

    def require(self, *columns: str) -> None:
        """Fail unless every column is present."""
        missing = [c for c in columns if c not in self.frame]
        if missing:
            named = enumerate(self.frame.columns, start=1)
            has = [f"(no name, column {i})" if c.startswith("Unnamed: ") else c for i, c in named]
            unnamed = [c for c in has if c.startswith("(no name")]
            if len(unnamed) > 3:  # a title row above the names: say so once, not once per column
                has = [c for c in has if c not in unnamed] + [f"{len(unnamed)} columns without a name"]
            below = set(self.frame.iloc[0]) if len(self.frame) else set()
            hint = "; the column names are in row 2: remove the title above them" if set(missing) <= below else ""
            hint = hint or _first_sheet(_sheets(self.path))
            raise ScenarioError(f"{shown(self.path)}: missing column {', '.join(missing)}; has {', '.join(has)}{hint}")
        if self.frame.empty:
            raise ScenarioError(f"{shown(self.path)}: has no rows")

    def text(self, column: str) -> NDArray[np.str_]:
        """A text column (codes, names)."""
        return self.frame[column].to_numpy(dtype=str)

    def numbers(self, column: str, check: str, default: float | None = None) -> NDArray[np.float64]:
        """A numeric column; blanks take ``default`` (an error when None); values must pass ``check``.

        Numbers are read as Python's ``float`` reads them (thousands separators dropped), the whole column
        at once; only a column with a bad value is read row by row, to name the first.
        """
        if column not in self.frame:
            if default is None:
                self.require(column)
            return np.full(len(self.frame), default, dtype=float)
        texts = self.frame[column].to_numpy(dtype=str)
        blank = texts == ""
        try:
            out = np.char.replace(np.where(blank, "nan", texts), ",", "").astype(float)
        except ValueError:
            return self._first_bad(column, check, default)
        good = np.isfinite(out) & CHECKS[check][1](out)  # a blank (NaN here) only where it has a default
        if default is not None:
            good |= blank
            out[blank] = default
        if not good.all():
            return self._first_bad(column, check, default)
        return out

    def _first_bad(self, column: str, check: str, default: float | None) -> NoReturn:
        """Read ``column`` row by row and fail on the first value that is not a number passing ``check``."""
        allowed, ok = CHECKS[check]
        for row, text in enumerate(self.frame[column]):
            if text == "" and default is not None:
                continue
            try:
                value = float(text.replace(",", ""))
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or not ok(value):
                shown_text = repr(text) if text else "blank"
                raise ScenarioError(f"{self.where(row)}: {column} is {shown_text}; must be {allowed}")
        raise AssertionError(f"{column}: no bad value found row by row")  # the column was read as bad at once

    def codes(self, column: str, known: list[str], what: str = "district code") -> list[str]:
        """A column of codes that must all be among ``known``."""
        values = [str(v) for v in self.text(column)]
        unknown = ~np.isin(values, list(known))
        if unknown.any():
            row = int(np.argmax(unknown))
            listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
            raise ScenarioError(f"{self.where(row)}: {column} {values[row]!r} is not a known {what}; known: {listed}")
        return values

    def unique(self, *columns: str) -> None:
        """Fail on the first row repeating an earlier row's ``columns``."""
        repeated = self.frame.duplicated(list(columns))
        if repeated.any():
            row = int(np.argmax(repeated.to_numpy()))
            key = ", ".join(f"{c} {self.frame[c].iloc[row]}" for c in columns)
            raise ScenarioError(f"{self.where(row)}: duplicate row for {key}; each must appear once")


def index_of(values: list[str] | NDArray[np.str_], codes: list[str]) -> NDArray[np.intp]:
    """The position of each value in ``codes`` (values already checked to be among them)."""
    lookup = {code: i for i, code in enumerate(codes)}
    return np.array([lookup[v] for v in values], dtype=np.intp)
