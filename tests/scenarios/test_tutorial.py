"""docs/tutorial.md says what its commands print and find: it is run here, and its numbers checked."""

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from placeplan.simulate.cli import main
from placeplan.simulate.compare import summary_table
from placeplan.simulate.outputs import read_result

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
HEXI = ROOT / "docs" / "tutorial" / "hexi"


def _blocks(language: str) -> list[str]:
    """The fenced blocks of the tutorial in ``language`` ("" for what a command prints)."""
    blocks, current, kind = [], None, ""
    for line in DOC.splitlines(keepends=True):
        if line.startswith("```") and current is None:
            current, kind = [], line[3:].strip()
        elif line.startswith("```"):
            blocks += ["".join(current)] if kind == language else []
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_files_shown_are_the_files_shipped():
    shown = _blocks("yaml")
    assert len(shown) == 3
    for name, block in zip(("baseline.yaml", "new_kindergarten.yaml", "new_estate.yaml"), shown, strict=True):
        text = (HEXI / name).read_text(encoding="utf-8")
        assert block == "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def test_the_baseline_the_option_and_the_plan_give_what_the_tutorial_says(tmp_path):
    assert _run("validate", str(HEXI / "baseline.yaml")).strip() == "hexi: ok (3 districts, 3 stages, 2025-2035)"
    printed = _run("run", str(HEXI / "baseline.yaml"), "--no-maps", "-q", "--out", str(tmp_path / "hexi"))
    assert printed.startswith(_blocks("")[0])  # the headline, as shown
    gap = pd.read_csv(tmp_path / "hexi" / "results.csv").pivot_table("gap", ["stage", "area"], "year").round()
    assert gap.loc[("preschool", 100001), [2025, 2028, 2031]].tolist() == [468, 282, 531]
    assert gap.loc["primary", 2035].tolist() == [-590, -506, -497]
    assert gap.loc[("junior", 100001), [2025, 2035]].tolist() == [903, 152]
    _run("run", str(HEXI / "new_kindergarten.yaml"), "--no-maps", "-q", "--out", str(tmp_path / "option"))
    results = {name: read_result(tmp_path / name) for name in ("hexi", "option")}  # what compare's summary.csv holds
    summary = summary_table(results).replace({"option": "new_kindergarten"}).set_index(["scenario", "stage"])
    assert summary.loc[("new_kindergarten", "preschool"), "capital_cost"] == 14.4e6
    short = summary.loc[(slice(None), "preschool"), "place_years_short"].round(-2).tolist()
    assert short == [10_000, 6_900]
    printed = _run("run", str(HEXI / "new_estate.yaml"), "--no-maps", "-q", "--out", str(tmp_path / "estate"))
    assert "  preschool                  1,161   2031" in printed
    assert _blocks("")[1] in printed  # the classes to reserve, as the tutorial shows them
    reserve = pd.read_csv(tmp_path / "estate" / "housing.csv").groupby("stage", sort=False).first()
    assert reserve["peak_pupils"].round().tolist() == [241, 564, 271]
    assert reserve["classes_to_reserve"].tolist() == [9, 13, 6]
    printed = _run("plan", str(HEXI / "baseline.yaml"), "--budget", "60e6", "-q", "--out", str(tmp_path / "plan"))
    assert "7 actions: capital 60,000,000" in printed
    plan = pd.read_csv(tmp_path / "plan" / "plan.csv")
    assert plan["action"].tolist().count("build") == 5 and set(plan["school"].dropna()) == {"K01", "J01"}


@pytest.mark.xdist_group("numba")  # the worker that compiles the ensemble kernels
def test_the_ensemble_gives_what_the_tutorial_says(tmp_path):
    out = tmp_path / "draws"
    printed = _run(
        "run", str(HEXI / "baseline.yaml"), "--draws", "200", "--seed", "1", "--no-maps", "-q", "--out", str(out)
    )
    assert printed.startswith(_blocks("")[2])
    table = pd.read_csv(out / "results.csv").set_index(["stage", "area", "year"])
    kindergartens = table.loc[("preschool", 100001, 2031), ["gap", "gap_p5", "gap_p95"]].round().tolist()
    assert kindergartens == [532, 199, 1000]
    assert table.loc[("junior", 100001, 2035), "p_shortage"] == 197 / 200
    assert table.loc[("primary", 100001, 2035), ["gap", "p_shortage"]].round(2).tolist() == [-576.39, 0.08]
