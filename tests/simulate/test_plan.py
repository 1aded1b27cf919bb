"""placeplan plan on the tiny scenario: outputs, a plan.yaml whose run gives the plan's costs and gap exactly."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from placeplan.simulate.cli import main
from placeplan.simulate.outputs import read_result

from ..conftest import SCENARIO, write_tiny

PRIMARY = {**SCENARIO["stages"]["primary"], "cost_per_place": 1000, "price_per_bought_place": 300}
PLAN = {"sizes": {"primary": [5, 10]}, "sites": "sites.csv", "lead_time": 1}
SITES = "district,stage,most,land_cost\n1,primary,1,20000\n2,primary,2,\n"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    stages = {**SCENARIO["stages"], "primary": PRIMARY}
    scenario = write_tiny(tmp / "tiny", {"stages": stages, "plan": PLAN}, {"sites.csv": SITES})
    out = tmp / "plan"
    result = invoke("plan", str(scenario), "--budget", "500000", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    return out, result


def test_the_plan_writes_its_files(planned):
    out, result = planned
    assert sorted(p.name for p in out.iterdir()) == [
        "plan.csv",
        "plan.yaml",
        "plan_map.png",
        "results",
        "run.json",
        "spending.png",
    ]
    record = json.loads((out / "run.json").read_text())["plan"]
    assert record["optimal"] and record["mip_gap"] == 0 and record["budget"] == 500000
    assert "proven optimal" in result.stdout
    table = pd.read_csv(out / "plan.csv")
    assert set(table["action"]) <= {"build", "expand", "buy", "convert"}
    assert table["capital_cost"].sum() <= 500000 + 1e-6
    assert (table["year"] >= 2021).all()  # the lead time of one year
    title = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))["title"]
    assert title == {"en": "tiny (plan)", "zh": "tiny（规划方案）"}  # a picture's heading adds its own colon


def test_running_plan_yaml_gives_the_plan_costs_and_gap_exactly(planned, tmp_path):
    out, _ = planned
    again = tmp_path / "again"
    assert invoke("run", str(out / "plan.yaml"), "--out", str(again), "-q", "--no-maps").exit_code == 0
    mine, theirs = read_result(out / "results"), read_result(again)
    for figure in ("gap", "capital_cost", "recurrent_cost", "public_capacity"):
        np.testing.assert_array_equal(mine[figure].values, theirs[figure].values)
    table = pd.read_csv(out / "plan.csv")
    assert float(theirs["capital_cost"].sum()) == pytest.approx(table["capital_cost"].sum(), rel=1e-12)
    bought = float((theirs["bought_places"] * 300).sum())
    assert bought == pytest.approx(table["recurrent_cost"].sum(), rel=1e-12)
    # and what the MILP left short is what the engine finds
    record = json.loads((out / "run.json").read_text())["plan"]
    short = float(theirs["gap"].where(theirs["planned"]).clip(min=0).sum())
    assert record["pupil_years_short"] == pytest.approx(short, abs=1e-6)


def test_plan_yaml_extends_the_scenario_with_the_chosen_actions(planned):
    out, _ = planned
    text = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))
    assert text["extends"].endswith("scenario.yaml") and text["name"] == "tiny_plan"
    assert all(name.startswith("plan_") for name in text["actions"])
    builds = [a for a in text["actions"].values() if a["action"] == "build"]
    assert all(a["classes"] in (5, 10) for a in builds)
    assert sum(a["district"] == "1" for a in builds) <= 1  # the site limit


def test_a_plan_that_can_spend_nothing_chooses_nothing_and_says_so(tmp_path):
    """Found by fuzzing: a plan with no actions crashed summing the costs of an empty table."""
    stages = {**SCENARIO["stages"], "primary": PRIMARY}
    scenario = write_tiny(tmp_path / "tiny", {"stages": stages, "plan": PLAN}, {"sites.csv": SITES})
    out = tmp_path / "plan"
    result = invoke("plan", str(scenario), "--budget-per-year", "0", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert "0 actions: capital 0, recurrent 0" in result.stdout
    table = pd.read_csv(out / "plan.csv")
    assert table.empty and "capital_cost" in table.columns and "why" in table.columns


@pytest.mark.xdist_group("numba")
def test_a_robust_plan_covers_a_quantile_of_the_ensemble(tmp_path):
    stages = {**SCENARIO["stages"], "primary": PRIMARY}
    changes = {"stages": stages, "plan": PLAN, "uncertainty": {"migration_scale": 0.5}}
    migration = "district,sex,age,net_migrants\n1,female,7,40\n2,male,8,40\n"
    population = {**SCENARIO["population"], "migration": {"table": "migration.csv"}}
    scenario = write_tiny(
        tmp_path / "tiny", {**changes, "population": population}, {"sites.csv": SITES, "migration.csv": migration}
    )
    result = invoke("plan", str(scenario), "--draws", "8", "--quantile", "0.9", "--out", str(tmp_path / "plan"), "-q")
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "plan" / "run.json").read_text())["plan"]
    assert record["draws"] == 8 and record["quantile"] == 0.9
    assert 0 <= record["p_shortage_max"]["primary"] <= 1


def test_plan_options_and_inputs_are_checked(tmp_path, tiny):
    lonely = invoke("plan", str(tiny), "--draws", "5")
    assert lonely.exit_code == 2 and "give --draws and --quantile together" in lonely.stderr
    scenario = write_tiny(
        tmp_path / "bad", {"plan": {"sites": "sites.csv"}}, {"sites.csv": "district,stage\n7,primary\n"}
    )
    bad = invoke("validate", str(scenario))
    assert bad.exit_code == 2
    where = scenario.parent / "sites.csv"
    assert bad.stderr == f"Error: {where} row 2 (district 7): district '7' is not a known district code; known: 1, 2\n"
    unmapped = {key: value for key, value in SCENARIO.items() if key != "boundaries"}
    scenario = write_tiny(tmp_path / "unmapped", {})
    scenario.write_text(yaml.safe_dump(unmapped), encoding="utf-8")
    sharing = invoke("plan", str(scenario), "--neighbour-share", "0.1", "--out", str(tmp_path / "out"), "-q")
    assert sharing.exit_code == 2
    needs = "plan.neighbour_share: placing pupils in neighbouring areas needs the districts' boundaries"
    assert needs in sharing.stderr


def test_a_plan_places_pupils_next_door_and_its_run_reproduces_it(tmp_path):
    # district 1: 400 public places for 600 public pupils; district 2 next door: 1,000 for 600. Sharing costs
    # 100 a pupil-year for at most a fifth of 600; a 2-class school (80 places) costs 80,000: so 120 go next
    # door each year and a 2-class school is built (116,000 against 200,000 for a 5-class one)
    schools = (
        "id,name,district,stage,sector,classes\nP1,One,1,primary,public,10\nP2,Two,1,primary,private,15\n"
        "Q1,Three,2,primary,public,25\nQ2,Four,2,primary,private,15\n"
    )
    primary = {**SCENARIO["stages"]["primary"], "transport_cost_per_pupil_year": 100}
    plan = {"sizes": {"primary": [2, 5]}, "lead_time": 1, "neighbour_share": 0.2}
    scenario = write_tiny(tmp_path / "tiny", {"stages": {"primary": primary}, "plan": plan}, {"schools.csv": schools})
    out = tmp_path / "plan"
    result = invoke("plan", str(scenario), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    actions = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))["actions"]
    assert sorted((a["action"], a.get("classes"), a.get("pupils")) for a in actions.values()) == [
        ("build", 2, None),
        ("share", None, pytest.approx(120)),
    ]
    share = next(a for a in actions.values() if a["action"] == "share")
    assert (share["area"], share["to"], share["year"], share["until"]) == ("1", "2", 2021, 2023)
    table = pd.read_csv(out / "plan.csv", dtype={"area": str, "to": str})
    assert table.set_index("action")["recurrent_cost"]["share"] == pytest.approx(120 * 100 * 3)
    again = tmp_path / "again"
    assert invoke("run", str(out / "plan.yaml"), "--out", str(again), "-q", "--no-maps").exit_code == 0
    mine, theirs = read_result(out / "results"), read_result(again)
    for figure in ("gap", "capital_cost", "recurrent_cost", "pupils_placed_out", "pupils_placed_in"):
        np.testing.assert_array_equal(mine[figure].values, theirs[figure].values)
    assert theirs["gap"].sel(stage="primary", area="1").values.tolist() == pytest.approx([200, 0, 0, 0])
    record = json.loads((out / "run.json").read_text())["plan"]
    assert record["objective"] == pytest.approx(80_000 + 36_000 + 200 * 1000)  # and the lead year's 200 short
    # the map draws an arrow from area 1 to area 2 with the pupils placed in a year
    from placeplan.maps.plan import placed_next_door

    assert placed_next_door(mine) == {"primary": {("1", "2"): pytest.approx(120)}}
    assert (out / "plan_map.png").stat().st_size > 0
