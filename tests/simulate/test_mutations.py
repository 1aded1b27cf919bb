"""Generated mistakes in the shipped scenario: each run ends with exit 0, or exit 2 and one message, never a crash.

Hypothesis drops a column, puts text in a cell, blanks a cell or repeats a row of one of the Taiyuan
tables, or drops, retypes or repeats a key of its scenario file.
"""

import csv
import io
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placeplan.simulate.cli import main

TAIYUAN = Path(__file__).parents[2] / "scenarios" / "taiyuan"
TABLES = [
    "schools.csv",
    "population_2020.csv",
    "districts.csv",
    "births.csv",
    "survival.csv",
    "migration.csv",
    "fertility_shape.csv",
    "housing_age_profile.csv",
]
KEYS = ["base_year", "end_year", "districts", "schools", "population", "stages", "targets", "currency", "boundaries"]


@st.composite
def table_mistakes(draw):
    table = draw(st.sampled_from(TABLES))
    rows = list(csv.reader(io.StringIO((TAIYUAN / table).read_text(encoding="utf-8"))))
    kind = draw(st.sampled_from(["drop column", "text in a cell", "blank cell", "repeat a row"]))
    column = draw(st.integers(0, len(rows[0]) - 1))
    row = draw(st.integers(1, len(rows) - 1))
    if kind == "drop column":
        rows = [r[:column] + r[column + 1 :] for r in rows]
    elif kind == "text in a cell":
        rows[row][column] = draw(st.sampled_from(["abc", "1,2.5", "-", "NaN", "1e999", "公办"]))
    elif kind == "blank cell":
        rows[row][column] = ""
    else:
        rows.insert(row, list(rows[row]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return table, out.getvalue()


@st.composite
def key_mistakes(draw):
    lines = (TAIYUAN / "baseline.yaml").read_text(encoding="utf-8").splitlines()
    key = draw(st.sampled_from(KEYS))
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    kind = draw(st.sampled_from(["drop", "retype", "repeat"]))
    if kind == "drop":
        end = next((j for j in range(at + 1, len(lines)) if lines[j] and not lines[j].startswith((" ", "#"))), None)
        lines = lines[:at] + lines[end:] if end else lines[:at]
    elif kind == "retype":
        lines[at] = f"{key}: {draw(st.sampled_from(['[1, 2]', 'yes', '-5', '', 'abc', '{a: 1}']))}"
    else:
        lines.insert(at, f"{key}: 2021")
    return "\n".join(lines) + "\n"


def _run(folder: Path, tmp: Path) -> None:
    out = tmp / "out"
    result = CliRunner().invoke(main, ["run", str(folder / "baseline.yaml"), "--no-maps", "-q", "--out", str(out)])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.output
        assert not out.exists()
    else:
        assert (out / "results.csv").is_file()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mistake=table_mistakes())
def test_a_mistake_in_a_table_is_one_message_or_a_run(mistake, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mutant")
    folder = tmp / "taiyuan"
    shutil.copytree(TAIYUAN, folder)
    table, text = mistake
    (folder / table).write_text(text, encoding="utf-8")
    _run(folder, tmp)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=key_mistakes())
def test_a_mistake_in_the_scenario_file_is_one_message_or_a_run(text, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mutant")
    folder = tmp / "taiyuan"
    shutil.copytree(TAIYUAN, folder)
    (folder / "baseline.yaml").write_text(text, encoding="utf-8")
    _run(folder, tmp)
