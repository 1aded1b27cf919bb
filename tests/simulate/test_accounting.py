"""Who sits where, what actions cost, teachers, schools and indicators: small cases computed by hand.

The tiny scenario has 1,200 pupils of primary age (6-11) in each district in
every year, and half of the families would choose a public school.
"""

import numpy as np
import pytest

from placeplan.simulate import simulate

from ..conftest import SCENARIO, TABLES, write_tiny

HEADER = "id,name,district,stage,sector,classes,places,pupils,inclusive,opens,closes,teachers,max_classes,lon,lat\n"


def _run(tmp_path, schools: str, actions: dict | None = None, primary: dict | None = None, **changes):
    stages = {**SCENARIO["stages"], "primary": {**SCENARIO["stages"]["primary"], **(primary or {})}}
    table = HEADER + schools + "S1,High,2,senior,public,4,,,,,,,,,\n"
    scenario = write_tiny(tmp_path, {"stages": stages, "actions": actions or {}, **changes}, {"schools.csv": table})
    return simulate(scenario)


def _one(result, name, area="1", stage="primary"):
    return result[name].sel(stage=stage, area=area).values


def test_converting_a_full_private_school_moves_its_pupils_not_the_gap(tmp_path):
    # 600 choose private and P2 has exactly 600 places: full. P1 has 800 public places.
    schools = "P1,One,1,primary,public,20,,,,,,,,,\nP2,Two,1,primary,private,15,,600,,,,,,,\n"
    base = _run(tmp_path / "a", schools)
    converted = _run(tmp_path / "b", schools, {"to_public": {"action": "convert", "school": "P2", "year": 2021}})
    # before: public demand 600 of 800 places; after: all 1,200 need public places, 1,400 are there
    assert _one(base, "gap") == pytest.approx([-200] * 4)
    assert _one(converted, "public_demand") == pytest.approx([600, 1200, 1200, 1200])
    assert _one(converted, "public_capacity") == pytest.approx([800, 1400, 1400, 1400])
    assert _one(converted, "gap") == pytest.approx(_one(base, "gap"))
    # the achieved public share rises by the school's 600 pupils over 1,200 enrolled
    share = _one(converted, "achieved_public_share") - _one(base, "achieved_public_share")
    assert share == pytest.approx([0, 600 / 1200, 600 / 1200, 600 / 1200])
    # the school keeps its pupils and is public from 2021
    pupils = converted["school_pupils"].sel(school="P2").values
    assert pupils == pytest.approx([600] * 4)
    assert converted["school_public"].sel(school="P2").values == pytest.approx([0, 1, 1, 1])


def test_converting_a_school_with_spare_places_changes_the_gap_by_the_spare_places_only(tmp_path):
    # P2 has 800 places for the 600 choosing private: 200 spare. Conversion costs 50 a place.
    schools = "P1,One,1,primary,public,20,,,,,,,,,\nP2,Two,1,primary,private,20,,600,,,,,,,\n"
    primary = {"conversion_cost_per_place": 50}
    base = _run(tmp_path / "a", schools, primary=primary)
    action = {"to_public": {"action": "convert", "school": "P2", "year": 2021}}
    converted = _run(tmp_path / "b", schools, action, primary=primary)
    assert _one(converted, "gap") - _one(base, "gap") == pytest.approx([0, -200, -200, -200])
    assert _one(converted, "capital_cost") == pytest.approx([0, 800 * 50, 0, 0])


def test_bought_places_leave_private_capacity_count_once_and_cost_each_year(tmp_path):
    schools = "P1,One,1,primary,public,20,,,,,,,,,\nP2,Two,1,primary,private,20,,,,,,,,,\n"
    primary = {"price_per_bought_place": 300}
    buy = {"action": "buy", "district": "1", "stage": "primary", "year": 2021, "until": 2022}
    spare = _run(tmp_path / "a", schools, {"buy": {**buy, "places": 150}}, primary=primary)
    # 150 of P2's 200 spare places: private pupils stay 600, the public gap falls by 150
    assert _one(spare, "public_capacity") == pytest.approx([800, 950, 950, 800])
    assert _one(spare, "private_capacity") == pytest.approx([800, 650, 650, 800])
    assert _one(spare, "private_enrolment") == pytest.approx([600] * 4)
    assert _one(spare, "gap") == pytest.approx([-200, -350, -350, -200])
    assert _one(spare, "recurrent_cost") == pytest.approx([0, 150 * 300, 150 * 300, 0])
    # 300 places, 100 more than are spare: 100 private pupils are displaced into public demand
    more = _run(tmp_path / "b", schools, {"buy": {**buy, "places": 300}}, primary=primary)
    assert _one(more, "private_enrolment") == pytest.approx([600, 500, 500, 600])
    assert _one(more, "public_demand") == pytest.approx([600, 700, 700, 600])
    assert _one(more, "gap") == pytest.approx([-200, -400, -400, -200])
    # every place counted once: public plus private is the 1,600 the schools have
    assert _one(more, "public_capacity") + _one(more, "private_capacity") == pytest.approx([1600] * 4)


def test_pupils_in_bought_places_are_taught_by_the_private_school(tmp_path):
    schools = "P1,One,1,primary,public,20,,,,,,,,,\nP2,Two,1,primary,private,20,,,,,,,,,\n"
    buy = {"action": "buy", "district": "1", "stage": "primary", "year": 2021, "until": 2021, "places": 150}
    result = _run(tmp_path, schools, {"buy": buy}, primary={"salary": 10})
    # 600 public pupils at 20 per teacher; in 2021 150 of them sit in bought places
    assert _one(result, "teachers_needed") == pytest.approx([30, 22.5, 30, 30])
    assert _one(result, "recurrent_cost") == pytest.approx([300, 225, 300, 300])


def test_builds_and_expansions_cost_their_places_and_classes_in_their_first_year(tmp_path):
    schools = "P1,One,1,primary,public,10,,,,,,,,,\n"
    actions = {
        "new": {"action": "build", "district": "1", "stage": "primary", "year": 2021, "classes": 5},
        "grow": {"action": "expand", "school": "P1", "year": 2022, "places": 100},
    }
    result = _run(tmp_path, schools, actions, primary={"cost_per_place": 1000, "cost_per_class": 20_000})
    # 5 classes of 40 = 200 places at 1,000 plus 5 classes at 20,000; then 100 places (2.5 classes)
    assert _one(result, "capital_cost") == pytest.approx([0, 200_000 + 100_000, 100_000 + 50_000, 0])
    # the shortage cost is what closing the gap would cost, year by year: not spending
    assert _one(result, "shortage_cost") == pytest.approx(np.maximum(_one(result, "gap"), 0) * 1000)


def test_teachers_by_ratio_or_by_class_whichever_is_more(tmp_path):
    schools = "P1,One,1,primary,public,20,,,,,,,,,\nP3,Three,2,primary,public,30,,,,,,40,,,\n"
    by_class = {"teachers_per_class": 2.5, "pupil_teacher_ratio": 20}
    result = _run(tmp_path / "a", schools, primary=by_class)
    # district 2: 1,200 public pupils; 60 by the ratio, 30 classes of 40 x 2.5 = 75 by the class standard
    assert _one(result, "teachers_needed", area="2") == pytest.approx([75] * 4)
    # classes of 50: 24 x 2.5 = 60, the same as by the ratio; the ratio binds from 48 pupils a class up
    larger = _run(tmp_path / "b", schools, primary={**by_class, "class_size": 60})
    assert _one(larger, "teachers_needed", area="2") == pytest.approx([60] * 4)
    # staff: P3 has 40; P1's count is blank, so district 1's staff is unknown, not 0
    assert _one(result, "teachers", area="2") == pytest.approx([40] * 4)
    assert _one(result, "teacher_gap", area="2") == pytest.approx([35] * 4)
    assert np.isnan(_one(result, "teachers")).all() and np.isnan(_one(result, "teacher_gap")).all()


def test_a_converted_school_brings_the_staff_its_row_gives_and_none_when_blank(tmp_path):
    # P1 public with 30 teachers; P2 private, full with 600 pupils, its staff blank then 25
    convert = {"to_public": {"action": "convert", "school": "P2", "year": 2021}}
    blank = "P1,One,1,primary,public,20,,,,,,30,,,\nP2,Two,1,primary,private,15,,600,,,,,,,\n"
    result = _run(tmp_path / "a", blank, convert)
    # 600 then 1,200 public pupils at 20 a teacher; P2's staff is still to be taken on, not unknown
    assert _one(result, "teachers") == pytest.approx([30] * 4)
    assert _one(result, "teacher_gap") == pytest.approx([0, 30, 30, 30])
    given = _run(tmp_path / "b", blank.replace("600,,,,,,,", "600,,,,25,,,"), convert)
    assert _one(given, "teachers") == pytest.approx([30, 55, 55, 55])
    assert _one(given, "teacher_gap") == pytest.approx([0, 5, 5, 5])


def test_schools_share_their_area_with_openings_and_closures(tmp_path):
    # all 1,200 pupils public; A holds 300 and B 100 of them in the base year, each has 400 places
    schools = "A,A,1,primary,public,10,,300,,,,,,,\nB,B,1,primary,public,10,,100,,,,,,,\n"
    actions = {
        "C": {"action": "build", "district": "1", "stage": "primary", "year": 2021, "places": 400},
        "shut_B": {"action": "close", "school": "B", "year": 2022},
    }
    result = _run(tmp_path / "a", schools, actions, primary={"public_share": 1.0})
    pupils = result["school_pupils"].sel(school=["A", "B", "C"]).values
    # 2021: C takes its places' share, a third; A and B keep 3:1 of the rest.
    # 2022: B's weight passes to A and C in proportion to theirs (300:200), so A 360 : C 240.
    assert pupils[:, 0] == pytest.approx([900, 300, np.nan], nan_ok=True)
    assert pupils[:, 1] == pytest.approx([600, 200, 400])
    assert pupils[:, 2] == pytest.approx([720, np.nan, 480], nan_ok=True)
    # named: B's pupils go to C
    actions["shut_B"]["into"] = "C"
    named = _run(tmp_path / "b", schools, actions, primary={"public_share": 1.0})
    assert named["school_pupils"].sel(school=["A", "C"], year=2022).values == pytest.approx([600, 600])


def test_closed_pupils_go_to_the_nearest_school_where_positions_are_known(tmp_path):
    schools = (
        "A,A,1,primary,public,10,,400,,,,,,112.0,37.0\n"
        "B,B,1,primary,public,10,,400,,,2022,,,112.1,37.0\n"
        "C,C,1,primary,public,10,,400,,,,,,113.0,37.0\n"
    )
    result = _run(tmp_path, schools, primary={"public_share": 1.0})
    assert result["school_pupils"].sel(school=["A", "C"], year=2022).values == pytest.approx([800, 400])


def test_school_figures_and_oversized_classes(tmp_path):
    # P1: 10 classes of 40 for 1,000 public pupils; P2 (private, 5 classes) holds its 200
    result = _run(tmp_path, "P1,One,1,primary,public,10,,,,,,,,,\nP2,Two,1,primary,private,5,,,,,,,,,\n")
    one = result.sel(school="P1", year=2020)
    assert float(one["school_pupils"]) == pytest.approx(1000)
    assert float(one["school_utilization"]) == pytest.approx(2.5)
    assert float(one["school_mean_class_size"]) == pytest.approx(100)
    assert float(one["school_classes_short"]) == 15  # ceil(1000 / 40) - 10
    assert one["school_oversized"] == 1 and one["school_super_oversized"] == 1
    assert float(result["school_pupils"].sel(school="P2", year=2020)) == pytest.approx(200)
    # 10 of the area's 15 classes are in an oversized school; 1,000 - 10 x 45 pupils above the limit
    assert _one(result, "oversized_class_share")[0] == pytest.approx(10 / 15)
    assert _one(result, "oversized_excess")[0] == pytest.approx(550)


def test_private_schools_take_no_more_than_their_places(tmp_path):
    schools = (
        "P1,One,1,primary,public,30,,,,,,,,,\n"
        "Q1,Q1,1,primary,private,5,,190,,,,,,,\n"
        "Q2,Q2,1,primary,private,10,,10,,,,,,,\n"
    )
    result = _run(tmp_path, schools)
    # 600 choose private and there are 600 places: each private school is full, whatever its base pupils
    assert result["school_pupils"].sel(school=["Q1", "Q2"], year=2021).values == pytest.approx([200, 400])


def test_indicators_against_targets(tmp_path):
    stages = {
        "primary": SCENARIO["stages"]["primary"],
        "senior_general": {"ages": [15, 17], "gross_enrolment": 0.3, "public_share": 1.0, "area": "county"},
        "senior_vocational": {"ages": [15, 17], "gross_enrolment": 0.2, "public_share": 1.0, "area": "county"},
    }
    schools = (
        HEADER + "P1,One,1,primary,public,30,,,,,,,,,\nP3,Three,2,primary,public,30,,,,,,,,,\n"
        "G1,High,1,senior_general,public,6,300,,,,,,,,\nV1,Trade,2,senior_vocational,public,3,150,,,,,,,,\n"
    )
    targets = {
        "senior_general": {"ger": 0.3, "general_share": 0.6, "max_school_size": 250},
        "senior_vocational": {"ger": {2020: 0.1, 2023: 0.2}},
        "primary": {"max_oversized_class_share": 0},
    }
    scenario = write_tiny(tmp_path, {"stages": stages, "targets": targets}, {"schools.csv": schools})
    result = simulate(scenario)
    general = result.sel(stage="senior_general", area="9", year=2020)
    # 1,200 aged 15-17: 360 general pupils for 300 places, 240 vocational for 150
    assert float(general["achieved_ger"]) == pytest.approx(0.25)
    assert float(general["achieved_general_share"]) == pytest.approx(300 / 450)
    assert float(general["largest_school"]) == pytest.approx(360)
    from placeplan.simulate.indicators import indicator_table

    table = indicator_table(result).set_index(["stage", "area", "year", "indicator"])
    row = table.loc[("senior_general", "9", 2020, "ger")]
    assert row["target"] == 0.3 and not row["met"] and row["shortfall_places"] == pytest.approx(60)
    row = table.loc[("senior_general", "9", 2020, "general_share")]
    assert row["met"] and row["shortfall_places"] == 0
    row = table.loc[("senior_general", "9", 2020, "largest_school")]
    assert not row["met"] and row["shortfall_places"] == pytest.approx(110)
    vocational = table.loc[("senior_vocational", "9")]
    # a target path: 0.1 in 2020 rising to 0.2 in 2023; 150 of 1,200 = 0.125 has a place
    assert vocational.loc[(2020, "ger"), "met"] and not vocational.loc[(2023, "ger"), "met"]
    assert vocational.loc[(2023, "ger"), "shortfall_places"] == pytest.approx(0.2 * 1200 - 150)
    # primary: 1,200 pupils in 30 classes of 40 = 40 a class, under the 45 limit
    assert table.loc[("primary", "1", 2020, "oversized_class_share"), "met"]
    assert "public_share" in table.index.get_level_values("indicator")


def test_inclusive_share_counts_public_and_private_inclusive_pupils(tmp_path):
    stages = {"preschool": {"public_share": 0.4, "inclusive_share": 0.9, "gross_enrolment": 1.0}}
    schools = (
        HEADER + "K1,A,1,preschool,public,2,,,,,,,,,\nK2,B,1,preschool,private,3,,,yes,,,,,,\n"
        "K3,C,1,preschool,private,1,,,no,,,,,,\nK4,D,2,preschool,public,1,,,,,,,,,\n"
    )
    result = simulate(write_tiny(tmp_path, {"stages": stages}, {"schools.csv": schools}))
    one = result.sel(stage="preschool", area="1", year=2020)
    # 600 children, 360 choose private: both private kindergartens (120 places) are full;
    # 60 of the 480 needing public places have one. 180 children have a place.
    assert float(one["achieved_enrolment"]) == pytest.approx(180)
    assert float(one["achieved_ger"]) == pytest.approx(0.3)
    assert float(one["achieved_public_share"]) == pytest.approx(60 / 180)
    assert float(one["achieved_inclusive_share"]) == pytest.approx((60 + 90) / 180)


def test_tables_keep_their_old_shape(tmp_path):
    # the default schools table (no pupils column) still runs, shares by places
    result = simulate(write_tiny(tmp_path, {"schools": "schools.csv"}, {"schools.csv": TABLES["schools.csv"]}))
    assert float(result["school_pupils"].sel(school="P1", year=2020)) == pytest.approx(1000)


def test_pupils_placed_in_a_neighbouring_area_sit_there_and_cost_transport(tmp_path):
    # area 1: 400 public places for 600 public pupils; area 2: 800 for 600. Both have 600 private places.
    schools = (
        "P1,One,1,primary,public,10,,,,,,,,,\nP2,Two,1,primary,private,15,,,,,,,,,\n"
        "Q1,Three,2,primary,public,20,,,,,,,,,\nQ2,Four,2,primary,private,15,,,,,,,,,\n"
    )
    share = {"action": "share", "stage": "primary", "area": "1", "to": "2", "year": 2021, "until": 2022}
    primary = {"transport_cost_per_pupil_year": 1000}
    result = _run(tmp_path / "a", schools, {"bus": {**share, "pupils": 150}}, primary=primary)
    assert _one(result, "pupils_placed_out") == pytest.approx([0, 150, 150, 0])
    assert _one(result, "pupils_placed_in", area="2") == pytest.approx([0, 150, 150, 0])
    assert _one(result, "public_demand") == pytest.approx([600, 450, 450, 600])
    assert _one(result, "public_demand", area="2") == pytest.approx([600, 750, 750, 600])
    assert _one(result, "gap") == pytest.approx([200, 50, 50, 200])
    assert _one(result, "recurrent_cost") == pytest.approx([0, 150 * 1000, 150 * 1000, 0])
    # the pupils count where they live: 400 + 150 of area 1's 1,150 pupils with a place are public
    assert _one(result, "achieved_public_share") == pytest.approx([0.4, 550 / 1150, 550 / 1150, 0.4])
    assert _one(result, "achieved_public_share", area="2") == pytest.approx([0.5] * 4)
    # an area places no more pupils than need public places
    more = _run(tmp_path / "b", schools, {"bus": {**share, "pupils": 700}}, primary=primary)
    assert _one(more, "pupils_placed_out") == pytest.approx([0, 600, 600, 0])
    assert _one(more, "public_demand") == pytest.approx([600, 0, 0, 600])
