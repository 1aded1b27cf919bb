"""Tables as Chinese offices export them: UTF-8 with or without BOM, GBK/GB18030, and .xlsx."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placeplan.scenarios import ScenarioError
from placeplan.scenarios.tables import CHECKS, Table

ROWS = "code,name\n140107,杏花岭区\n140105,小店区\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_any_chinese_encoding(tmp_path, encoding):
    path = tmp_path / "districts.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = Table.read(path, "districts")
    assert list(table.frame.columns) == ["code", "name"]
    assert list(table.text("name")) == ["杏花岭区", "小店区"]


def test_xlsx_reads_like_csv_and_keeps_codes_as_text(tmp_path):
    path = tmp_path / "districts.xlsx"
    pd.DataFrame({"code": [140107, 140105], "name": ["杏花岭区", "小店区"], "classes": [12, 3.5]}).to_excel(
        path, index=False
    )
    table = Table.read(path, "districts")
    assert list(table.text("code")) == ["140107", "140105"]
    assert table.numbers("classes", "count") == pytest.approx([12, 3.5])


def test_blank_cells_take_the_default_or_are_an_error(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("id,places\nA,\nB,30\n", encoding="utf-8")
    table = Table.read(path, "schools", label="id")
    assert np.isnan(table.numbers("places", "count", default=np.nan)[0])
    with pytest.raises(ScenarioError) as error:
        table.numbers("places", "count")
    assert str(error.value).endswith("schools.csv row 2 (id A): places is blank; must be a number >= 0")


def test_other_formats_are_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"unsupported table format '.ods'; use .csv or .xlsx"):
        Table.read(tmp_path / "x.ods", "schools")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "districts.csv: is empty; its first row must name its columns (code, name)"),
        ("code,,name\n1,2,3\n", "districts.csv: missing column names; has code, (no name, column 2), name"),
        ("CODE,Name\n1,a\n", "districts.csv: unknown column 'CODE' (did you mean 'code'?); columns: code, name"),
        (
            "code,,,,,name\n1,2,3,4,5,6\n",
            "districts.csv: missing column names; has code, name, 4 columns without a name",
        ),
    ],
    ids=["empty file", "blank header", "header in capitals", "many blank names"],
)
def test_what_is_wrong_with_the_header_is_named(tmp_path, text, message):
    """Found by fuzzing: pandas' own words ("No columns to parse", "Unnamed: 1") used to reach the planner."""
    path = tmp_path / "districts.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        Table.read(path, "districts", columns=("code", "name")).require("code", "names")
    assert str(error.value).endswith(message)


def test_a_workbook_that_is_not_one_is_named(tmp_path):
    """Found by fuzzing: a CSV or an old .xls saved under .xlsx, and an empty workbook, in the planner's words."""
    path = tmp_path / "districts.xlsx"
    path.write_text(ROWS, encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        Table.read(path, "districts", columns=("code", "name"))
    assert str(error.value).endswith(
        "districts.xlsx: cannot read table: not an Excel workbook; save it from Excel as .xlsx, or as .csv"
    )
    pd.DataFrame().to_excel(path, index=False)
    with pytest.raises(ScenarioError) as error:
        Table.read(path, "districts", columns=("code", "name"))
    assert str(error.value).endswith(
        "districts.xlsx: its first sheet 'Sheet1' is empty; its first row must name its columns (code, name)"
    )


def test_a_title_above_the_names_or_a_notes_sheet_first_is_pointed_out(tmp_path):
    """As bureau workbooks come: a title row above the column names, a sheet of notes before the table."""
    path = tmp_path / "districts.xlsx"
    pd.DataFrame([["code", "name"], ["1", "Jia"]], columns=["太原市区划", ""]).to_excel(path, index=False)
    with pytest.raises(ScenarioError) as error:
        Table.read(path, "districts", columns=("code", "name")).require("code", "name")
    assert str(error.value).endswith(
        "districts.xlsx: missing column code, name; has 太原市区划, (no name, column 2); "
        "the column names are in row 2: remove the title above them"
    )
    with pd.ExcelWriter(path) as workbook:
        pd.DataFrame().to_excel(workbook, sheet_name="说明", index=False)
        pd.DataFrame({"code": ["1"], "name": ["Jia"]}).to_excel(workbook, sheet_name="区划", index=False)
    with pytest.raises(ScenarioError) as error:
        Table.read(path, "districts", columns=("code", "name"))
    assert str(error.value).endswith(
        "districts.xlsx: its first sheet '说明' is empty (placeplan reads a workbook's first sheet: put '区划' or "
        "another first); its first row must name its columns (code, name)"
    )


TEXTS = ["3", "0", "-2", "2.5", "1,200", " 7 ", "1_000", "", "abc", "nan", "inf", "1e999", "0x10", "2020", "１２"]


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.sampled_from(TEXTS), min_size=1, max_size=8),
    check=st.sampled_from(sorted(CHECKS)),
    default=st.sampled_from([None, 0.0, -math.inf]),
)
def test_a_column_is_read_as_float_reads_each_cell_and_the_first_bad_row_is_named(texts, check, default):
    table = Table(Path("t.csv"), pd.DataFrame({"n": texts}), label="n")
    allowed, ok = CHECKS[check]

    def cell(text: str) -> float | None:  # a reader's rule: float's reading without separators, then the check
        if text == "" and default is not None:
            return default
        value = float(text.replace(",", "")) if _floats(text) else None
        return value if value is not None and math.isfinite(value) and ok(value) else None

    read = [cell(text) for text in texts]
    if None not in read:
        np.testing.assert_array_equal(table.numbers("n", check, default), read)
        return
    row = read.index(None)
    with pytest.raises(ScenarioError) as error:
        table.numbers("n", check, default)
    shown = repr(texts[row]) if texts[row] else "blank"
    assert str(error.value) == f"t.csv row {row + 2} (n {texts[row]}): n is {shown}; must be {allowed}"


def _floats(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def test_ages_as_censuses_write_them(tmp_path):
    """``6岁`` is 6; the open group (``100+``, ``100岁及以上``) is the top age, and only the top age."""
    from placeplan.scenarios.cells import age_column

    path = tmp_path / "population.csv"
    path.write_text("age,population\n0,5\n6岁,7\n99,1\n100+,2\n", encoding="utf-8")
    assert age_column(Table.read(path, "base"), top=100).tolist() == [0, 6, 99, 100]
    path.write_text("age,population\n0,5\n100岁及以上,2\n", encoding="utf-8")
    assert age_column(Table.read(path, "base"), top=100).tolist() == [0, 100]
    path.write_text("age,population\n0,5\n85岁及以上,2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        age_column(Table.read(path, "base"), top=100)
    assert str(error.value).endswith(
        "population.csv row 3: age '85岁及以上' is an open age group, but ages run 0 to 100 (max_age): give single "
        "ages up to 100, or set max_age to 85"
    )


def test_rows_of_stages_the_scenario_does_not_plan_are_left_out_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("id,stage,classes\nK1,preschool,3\nP1,primary,4\nS1,senior,5\nP2,primary,x\n", encoding="utf-8")
    table, warnings = Table.read(path, "schools", label="id"), []
    left = table.of_stages(["preschool", "primary"], warnings, "schools")
    assert warnings == [f"{path}: schools of stages the scenario does not plan are left out: senior (1)"]
    assert left["id"].tolist() == ["S1"]
    assert table.text("id").tolist() == ["K1", "P1", "P2"]
    with pytest.raises(ScenarioError) as error:  # P2 is row 5 of the file, after the senior school left out
        table.numbers("classes", "whole")
    assert str(error.value).endswith("schools.csv row 5 (id P2): classes is 'x'; must be a whole number >= 0")
    path.write_text("id,stage,classes\nK1,preschool,3\nP1,primay,4\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:  # a misspelt stage is an error, not a stage left out
        Table.read(path, "schools", label="id").of_stages(["preschool", "primary"], [], "schools")
    assert str(error.value).endswith(
        "schools.csv row 3 (id P1): stage 'primay' is not a stage of the scenario (did you mean 'primary'?); "
        "stages: preschool, primary"
    )
