"""The engine on the tiny scenario, against figures computed by hand."""

import numpy as np
import pandas as pd
import pytest

from placeplan.simulate import simulate

from ..conftest import SCENARIO, TABLES, write_given, write_tiny


def test_tiny_scenario_by_hand(tiny):
    result = simulate(tiny)
    primary = result.sel(stage="primary")
    # 100 persons per sex and age, all survive: ages 6..11 of both sexes = 1,200 in every year
    assert primary["school_age_population"].sel(area="1", year=2020) == pytest.approx(1200)
    # half would choose private, but P2 (private, 5 x 40) has 200 places: the other 400 need public places
    assert primary["private_enrolment"].sel(area="1", year=2020) == pytest.approx(200)
    assert primary["public_demand"].sel(area="1", year=2020) == pytest.approx(1000)
    # P1: 10 classes x 40; P2 is private until it closes in 2022; P3 (district 2) has 300 places from 2021
    assert primary["public_capacity"].sel(area="1").values == pytest.approx([400] * 4)
    assert primary["private_capacity"].sel(area="1").values == pytest.approx([200, 200, 0, 0])
    assert primary["public_demand"].sel(area="1").values == pytest.approx([1000, 1000, 1200, 1200])
    assert primary["public_capacity"].sel(area="2").values == pytest.approx([0, 300, 300, 300])
    assert primary["gap"].sel(area="1", year=2020) == pytest.approx(600)
    assert primary["utilization"].sel(area="1", year=2020) == pytest.approx(2.5)
    assert np.isnan(primary["utilization"].sel(area="2", year=2020))
    assert primary["classes_needed"].sel(area="1", year=2020) == 25
    assert primary["teachers_needed"].sel(area="1", year=2020) == pytest.approx(50)
    # district 2 has no private school: all 1,200 pupils need public places
    assert primary["shortage_cost"].sel(area="1", year=2020) == pytest.approx(600 * 1000)
    assert primary["cost"].sel(area="2", year=2021) == pytest.approx(900 * 1000)
    np.testing.assert_array_equal(primary["cost"], primary["shortage_cost"])
    assert (primary["capital_cost"].sel(area=["1", "2"]) == 0).all()


def test_a_stage_planned_by_area_sums_its_districts(tiny):
    senior = simulate(tiny).sel(stage="senior")
    # ages 15..17, both sexes, two districts: 1,200 persons; half enrol, all public; one school of 4 x 50
    assert senior["public_demand"].sel(area="9", year=2020) == pytest.approx(600)
    assert senior["gap"].sel(area="9", year=2020) == pytest.approx(400)
    assert senior["area_name"].sel(area="9") == "九县"
    assert np.isnan(senior["gap"].sel(area="1")).all()
    assert not senior["planned"].sel(area="1")


def test_births_follow_the_tfr_and_age_into_the_population(tiny):
    result = simulate(tiny)
    # TFR 1 on women aged 20 only: 100 births a year, half of each sex (SRB 1, S0 1)
    assert result["births"].sel(district="1", year=2020) == pytest.approx(100)
    assert result["population"].sel(district="1", year=2021, age=0).values == pytest.approx([50, 50])


ACTIONS = {
    "new_school": {"action": "build", "district": "2", "stage": "primary", "year": 2022, "classes": 5},
    "bigger_one": {"action": "expand", "school": "P1", "year": 2021, "places": 100},
    "close_three": {"action": "close", "school": "P3", "year": 2023},
    "convert_two": {"action": "convert", "school": "P2", "year": 2021},
    "buy_places": {"action": "buy", "district": "1", "stage": "primary", "year": 2020, "until": 2020, "places": 30},
}


def test_actions_change_capacity_from_their_year(tmp_path):
    result = simulate(write_tiny(tmp_path, {"actions": ACTIONS}))
    capacity = result["public_capacity"].sel(stage="primary")
    # area 1: P1 400 (+100 from 2021), 30 bought from P2 in 2020, P2 public from 2021 until it closes in 2022
    assert capacity.sel(area="1").values == pytest.approx([430, 700, 500, 500])
    # area 2: P3 300 from 2021 until closed in 2023; new school 5 x 40 from 2022
    assert capacity.sel(area="2").values == pytest.approx([0, 300, 500, 200])


def test_closing_a_school_closes_its_expansions(tmp_path):
    actions = {"grow": ACTIONS["bigger_one"], "shut": {"action": "close", "school": "P1", "year": 2022}}
    capacity = simulate(write_tiny(tmp_path, {"actions": actions}))["public_capacity"].sel(stage="primary", area="1")
    assert capacity.values == pytest.approx([400, 500, 0, 0])


def test_preschool_inclusive_places_count_public_and_inclusive_private(tmp_path):
    stages = {"preschool": {"public_share": 0.4, "inclusive_share": 0.9, "gross_enrolment": 1.0}}
    schools = (
        "id,name,district,stage,sector,classes,inclusive\n"
        "K1,A,1,preschool,public,2,\nK2,B,1,preschool,private,3,yes\nK3,C,1,preschool,private,1,no\n"
        "K4,D,2,preschool,public,1,\n"
    )
    result = simulate(write_tiny(tmp_path, {"stages": stages}, {"schools.csv": schools})).sel(
        stage="preschool", area="1"
    )
    # ages 3..5 of both sexes: 600 children; default class size 30
    assert result["inclusive_demand"].sel(year=2020) == pytest.approx(540)
    assert result["inclusive_capacity"].sel(year=2020) == pytest.approx(150)
    assert result["inclusive_gap"].sel(year=2020) == pytest.approx(390)
    # 360 would choose private; its 120 places take 120, the other 240 join the 240 choosing public
    assert result["public_demand"].sel(year=2020) == pytest.approx(480)


def test_migrant_pupils_with_their_own_public_share(tmp_path):
    primary = {"ages": [6, 11], "migrant_share": 0.25, "public_share_local": 0.8, "public_share_migrant": 0.4}
    stages = {**SCENARIO["stages"], "primary": primary}
    roomy = {"schools.csv": TABLES["schools.csv"].replace("P2,Two,1,primary,private,5", "P2,Two,1,primary,private,20")}
    result = simulate(write_tiny(tmp_path, {"stages": stages}, roomy))
    # 1,200 pupils: 900 local x 0.8 + 300 migrant x 0.4 = 840 choose public; 800 private places take the rest
    assert result["public_demand"].sel(stage="primary", area="1", year=2020) == pytest.approx(840)


def test_housing_development_adds_residents_and_reports_pupil_yield(tmp_path):
    profile = "age,share\n8,1\n"
    housing = {
        "age_profile": "profile.csv",
        "developments": {
            "estate": {
                "district": "1",
                "dwellings": 100,
                "persons_per_dwelling": 2,
                "completion_year": 2021,
                "occupancy_years": 2,
            }
        },
    }
    result = simulate(write_tiny(tmp_path, {"housing": housing}, {"profile.csv": profile}))
    # 200 residents, all aged 8, arrive 100 in 2021 and 100 in 2022; they are primary pupils
    sap = result["school_age_population"].sel(stage="primary", area="1")
    assert (sap - 1200).values == pytest.approx([0, 100, 200, 200])
    # pupils per 100 dwellings: 100 pupils / 100 dwellings x 100
    assert result["pupil_yield"].sel(development="estate", stage="primary").values == pytest.approx([0, 100, 200, 200])


def test_housing_csv_says_what_to_reserve_for_each_estate(tmp_path):
    from click.testing import CliRunner

    from placeplan.simulate.cli import main

    profile = "age,share\n8,1\n"
    estate = {"district": "1", "dwellings": 100, "persons_per_dwelling": 2, "completion_year": 2021}
    housing = {"age_profile": "profile.csv", "developments": {"estate": {**estate, "occupancy_years": 2}}}
    out = tmp_path / "out"
    scenario = write_tiny(tmp_path / "s", {"housing": housing}, {"profile.csv": profile})
    ran = CliRunner().invoke(main, ["run", str(scenario), "--no-maps", "-q", "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert "  estate (Jia, 100 dwellings): reserve classes: 5 primary\n" in ran.stdout  # the headline says it too
    table = pd.read_csv(out / "housing.csv", dtype={"district": str})
    primary = table[table["stage"] == "primary"]
    # 200 residents aged 8 arrive 100 in 2021, 100 in 2022: primary pupils, in classes of 40
    assert primary["pupils"].tolist() == pytest.approx([0, 100, 200, 200])
    assert primary["classes"].tolist() == pytest.approx([0, 2.5, 5, 5])
    assert set(primary["peak_pupils"]) == {200} and set(primary["classes_to_reserve"]) == {5}
    assert set(table["district"]) == {"1"} and set(table["dwellings"]) == {100}
    assert set(table[table["stage"] == "senior"]["classes_to_reserve"]) == {0}  # not 15 before the run ends
    # the report's table: stages with pupils only, named in the reader's language
    from placeplan.maps.report import _housing
    from placeplan.simulate.outputs import read_result, reservations

    reserved = reservations(read_result(out))
    assert reserved[["stage", "district_name", "peak_pupils", "classes_to_reserve"]].values.tolist() == [
        ["primary", "甲区", 200.0, 5.0]
    ]
    assert "<td>Jia</td><td>primary</td><td class=n>100</td><td class=n>200</td><td class=n>5</td>" in _housing(
        reserved, "en"
    )


def test_each_estate_yields_pupils_at_its_own_districts_enrolment_rate(tmp_path):
    estates = {
        "north": {"district": "1", "dwellings": 100, "completion_year": 2021, "occupancy_years": 1},
        "south": {"district": "2", "dwellings": 50, "completion_year": 2022, "occupancy_years": 1},
    }
    senior = {**SCENARIO["stages"]["senior"], "gross_enrolment": {"default": 0.5, "by_district": {"2": 0.8}}}
    changes = {
        "housing": {"age_profile": "profile.csv", "developments": estates},
        "stages": {**SCENARIO["stages"], "senior": senior},
    }
    result = simulate(write_tiny(tmp_path, changes, {"profile.csv": "age,share\n15,1\n"}))
    # 3 persons a dwelling, all aged 15: north 300 in 2021 (district 1, GER 0.5), south 150 in 2022 (GER 0.8);
    # they age a year a year and leave ages 15..17 after three; nobody dies in the tiny scenario
    by_estate = result["pupil_yield"].sel(stage="senior")
    assert by_estate.sel(development="north").values == pytest.approx([0, 150, 150, 150])  # 150 / 100 x 100
    assert by_estate.sel(development="south").values == pytest.approx([0, 0, 240, 240])  # 120 / 50 x 100
    # both estates' residents are in the whole, in their districts
    added = result["population"].sel(age=[15, 16, 17]).sum(["sex", "age"]) - simulate(write_tiny(tmp_path / "b"))[
        "population"
    ].sel(age=[15, 16, 17]).sum(["sex", "age"])
    assert added.sel(district="1").values == pytest.approx([0, 300, 300, 300])
    assert added.sel(district="2").values == pytest.approx([0, 0, 150, 150])


def test_cohort_ratio_method_through_the_engine(tmp_path):
    population = {
        "method": "cohort_ratio",
        "base": "population.csv",
        "max_age": 50,
        "births": "births.csv",
        "total": "total.csv",
    }
    births = "district,year,births\n" + "".join(
        f"{d},{y},{b}\n" for d in (1, 2) for y, b in ((2021, 60), (2022, 90), (2023, 80))
    )
    total = "district,year,population\n" + "".join(
        f"{d},{y},{t}\n"
        for d in (1, 2)
        for y, t in ((2020, 10200), (2021, 10200 * 1.1), (2022, 10200 * 1.21), (2023, 10200))
    )
    result = simulate(write_tiny(tmp_path, {"population": population}, {"births.csv": births, "total.csv": total}))
    people = result["population"].sel(district="1", sex="total")
    # born before 2020: 200 per age (both sexes) grown with the total; born 2022: 90 x T2023 / T2022
    assert float(people.sel(year=2021, age=7)) == pytest.approx(200 * 1.1)
    assert float(people.sel(year=2023, age=1)) == pytest.approx(90 / 1.21)
    assert float(people.sel(year=2022, age=0)) == pytest.approx(90)
    assert float(result["school_age_population"].sel(stage="primary", area="1", year=2021)) == pytest.approx(1200 * 1.1)


def test_given_method_reads_every_year(tmp_path):
    result = simulate(write_given(tmp_path, lambda year: 10 * (year - 2019)))
    # ages 6..11, both sexes: 12 cells of 10, 20, 30, 40 persons
    sap = result["school_age_population"].sel(stage="primary", area="2")
    assert sap.values == pytest.approx([120, 240, 360, 480])
    assert result["births"].isnull().all()


def test_tables_by_district_and_by_year(tmp_path):
    survival = "district,sex,age,survival\n" + "".join(
        f"{d},{s},{a},{0.5 if d == 2 else 1}\n" for d in (1, 2) for s in ("female", "male") for a in range(51)
    )
    rates = "district,age,rate\n1,20,0.2\n2,20,0.4\n"
    migration = "district,sex,age,year,net_migrants\n1,male,7,2022,30\n"
    births = "district,year,births\n1,2020,10\n"
    population = {
        **SCENARIO["population"],
        "survival": "survival_by_district.csv",
        "fertility": {"rates": "rates.csv"},
        "migration": {"table": "migration.csv"},
        "births": "births.csv",
    }
    tables = {
        "survival_by_district.csv": survival,
        "rates.csv": rates,
        "migration.csv": migration,
        "births.csv": births,
    }
    result = simulate(write_tiny(tmp_path, {"population": population}, tables))
    # observed births replace the model in district 1, 2020 only; rates 0.2 x 100 women otherwise
    assert result["births"].sel(district="1").values[:3] == pytest.approx([10, 20, 20])
    assert float(result["births"].sel(district="2", year=2020)) == pytest.approx(40)
    # half of district 2 survives each year
    assert float(result["population"].sel(district="2", year=2021, age=30).sum()) == pytest.approx(100)
    # migrants counted in 2022 only
    moved = result["population"].sel(district="1", sex="male", age=7)
    assert moved.values == pytest.approx([100, 100, 130, 100])


def test_flows_between_districts_conserve_the_total(tmp_path):
    flows = "origin,destination,sex,age,persons\n1,2,female,30,40\n2,1,male,8,10\n"
    population = {**SCENARIO["population"], "flows": "flows.csv"}
    result = simulate(write_tiny(tmp_path, {"population": population}, {"flows.csv": flows}))
    moved = result["net_migration"].sel(year=2020)
    assert moved.values == pytest.approx([-30, 30])
    assert float(result["population"].sel(district="2", sex="female", age=30, year=2021)) == pytest.approx(140)
    assert float(result["population"].sel(year=2023).sum()) == pytest.approx(
        float(result["population"].sel(year=2020).sum() + result["births"].sum() - result["deaths"].sum())
    )


def test_a_flow_larger_than_its_origin_moves_only_what_is_there(tmp_path):
    flows = "origin,destination,sex,age,persons\n1,2,female,30,150\n"
    population = {**SCENARIO["population"], "flows": "flows.csv"}
    result = simulate(write_tiny(tmp_path, {"population": population}, {"flows.csv": flows}))
    # 100 women aged 29 in district 1 turn 30; 150 are asked to move: 100 go, 50 do not happen
    women = result["population"].sel(sex="female", age=30, year=2021)
    assert women.values == pytest.approx([0, 200])
    assert result["net_migration"].sel(year=2020).values == pytest.approx([-100, 100])
    assert result["clipped"].sel(year=2020).values == pytest.approx([50, 0])
    assert float(result["population"].sel(year=2021).sum()) == pytest.approx(
        float(result["population"].sel(year=2020).sum() + result["births"].sel(year=2020).sum())
    )


def test_infant_survival_by_sex(tmp_path):
    population = {**SCENARIO["population"], "infant_survival": {"female": 1.0, "male": 0.5}}
    result = simulate(write_tiny(tmp_path, {"population": population}))
    # 100 births (SRB 1): 50 girls all survive, 25 of the 50 boys
    assert result["population"].sel(district="1", year=2021, age=0).values == pytest.approx([50, 25])


@pytest.mark.parametrize(("completed", "added"), [(2018, [0, 0, 0, 0]), (2019, [0, 100, 100, 100])])
def test_a_development_completed_before_the_base_year_adds_only_its_later_residents(tmp_path, completed, added):
    housing = {
        "age_profile": "profile.csv",
        "developments": {
            "old": {"district": "1", "dwellings": 100, "persons_per_dwelling": 3, "completion_year": completed}
        },
    }
    result = simulate(write_tiny(tmp_path, {"housing": housing}, {"profile.csv": "age,share\n8,1\n"}))
    # 300 residents aged 8 in three yearly shares from the completion year; shares up to 2020 are in the base
    sap = result["school_age_population"].sel(stage="primary", area="1")
    assert (sap - 1200).values == pytest.approx(added)
