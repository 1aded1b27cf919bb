"""The embedded default: calibrated to the Xinghualing (杏花岭区) 2020 planning record; options do what they say."""

import pandas as pd
import pytest

from placeplan.scenarios import load
from placeplan.simulate import simulate
from placeplan.simulate.compare import summary_table
from placeplan.simulate.indicators import indicator_table

XINGHUALING = "140107"


@pytest.fixture(scope="module")
def baseline():
    return simulate("taiyuan").sel(area=XINGHUALING, year=2020)


def test_xinghualing_2020_matches_the_planning_record(baseline):
    preschool, primary = baseline.sel(stage="preschool"), baseline.sel(stage="primary")
    assert float(preschool["enrolment"]) == pytest.approx(16_760, abs=0.5)
    assert float(preschool["enrolment"] / preschool["school_age_population"]) == pytest.approx(0.985)
    assert float(preschool["public_demand"] / preschool["enrolment"]) == pytest.approx(0.477)
    assert float(primary["enrolment"]) == pytest.approx(48_550, abs=0.5)


def test_xinghualing_schools_match_the_planning_record():
    schools = pd.read_csv(load("taiyuan").scenario.schools, dtype=str)
    here = schools[schools["district"] == XINGHUALING]
    assert (here["stage"] == "preschool").sum() == 100
    primary = here[here["stage"] == "primary"]
    assert (primary["sector"] == "public").sum() == 49 and (primary["sector"] == "private").sum() == 2


def _pair(option, variable, stage, area=XINGHUALING):
    base, other = simulate("taiyuan"), simulate(f"taiyuan/{option}")
    return base[variable].sel(stage=stage, area=area), other[variable].sel(stage=stage, area=area), base


def test_option_a_public_kindergarten_share_reaches_half_by_2025():
    base, option, result = _pair("public_kindergarten", "public_demand", "preschool")
    enrolment = result["enrolment"].sel(stage="preschool", area=XINGHUALING, year=2025)
    assert float(option.sel(year=2025) / enrolment) == pytest.approx(0.5)
    assert float(option.sel(year=2020)) == pytest.approx(float(base.sel(year=2020)))


def test_option_b_puts_every_migrant_pupil_in_public_schools_by_2027():
    _, option, result = _pair("migrant_pupils", "public_demand", "primary")
    pupils = result["enrolment"].sel(stage="primary", area=XINGHUALING, year=2027)
    assert float(option.sel(year=2027)) == pytest.approx(float(pupils) * (0.75 * 0.97 + 0.25 * 1.0))


def test_option_c_senior_secondary_95_percent_split_6_to_4():
    result = simulate("taiyuan/senior_95").sel(year=2025, area="140100")
    general, vocational = (
        result["enrolment"].sel(stage="senior_general"),
        result["enrolment"].sel(stage="senior_vocational"),
    )
    sap = result["school_age_population"].sel(stage="senior_general")
    assert float((general + vocational) / sap) == pytest.approx(0.95)
    assert float(general / vocational) == pytest.approx(0.57 / 0.38)


def test_option_d_standard_class_sizes_cut_places_from_2024():
    base, option, _ = _pair("class_size", "public_capacity", "primary")
    assert float(option.sel(year=2023)) == pytest.approx(float(base.sel(year=2023)))
    assert float(option.sel(year=2024)) == pytest.approx(float(base.sel(year=2024)) * 45 / 50)


def test_option_e_late_schools_leave_the_estate_two_years_short():
    on_time, late = simulate("taiyuan/housing_on_time"), simulate("taiyuan/housing_late")
    missing = (late["gap"] - on_time["gap"]).sel(area="140105")
    assert missing.sel(stage="primary", year=[2026, 2027]).values == pytest.approx([60 * 50] * 2)
    assert missing.sel(stage="primary", year=2028) == pytest.approx(0)
    assert float(on_time["pupil_yield"].sel(stage="primary").max()) > 0


@pytest.fixture(scope="module")
def options():
    names = ["taiyuan", "taiyuan/convert_private", "taiyuan/buy_places", "taiyuan/rural_consolidation"]
    results = {name.split("/")[-1]: simulate(name) for name in names}
    return results, summary_table(results).set_index(["scenario", "stage"])


def test_compare_totals_what_each_option_spends_as_a_hand_sum_of_its_actions(options):
    _, summary = options
    primary = summary.xs("primary", level="stage")
    spent = summary.groupby("scenario")["capital_cost"].sum()
    # f: 27 + 18 classes of 50 converted at 10,000 a place; h: 18 classes of 50 built at 80,000 a place
    assert spent["convert_private"] == pytest.approx((27 + 18) * 50 * 10_000)
    assert spent["rural_consolidation"] == pytest.approx(18 * 50 * 80_000)
    assert spent["buy_places"] == 0 and spent["taiyuan"] == 0
    # g: 1,000 places a year for three years at 12,000, less the public teachers they spare (19 pupils each)
    bought = 3 * 1000 * 12_000 - 3 * 1000 / 19 * 120_000
    assert primary.loc["buy_places", "recurrent_cost"] - primary.loc["taiyuan", "recurrent_cost"] == pytest.approx(
        bought
    )


def test_option_f_converted_full_private_schools_move_their_pupils(options):
    results, _ = options
    base, converted = results["taiyuan"], results["convert_private"]
    one = {"stage": "primary", "area": "140105"}
    private_spare = (base["private_capacity"] - base["private_enrolment"]).sel(**one)
    # the gap falls only by the places the private schools had spare; the converted pupils come along
    assert (converted["gap"] - base["gap"]).sel(**one).values[1:] == pytest.approx(-private_spare.values[1:])
    share = (converted["achieved_public_share"] - base["achieved_public_share"]).sel(**one, year=2021)
    assert float(share) == pytest.approx(2250 / float(base["achieved_enrolment"].sel(**one, year=2021)))


def test_option_h_village_pupils_move_to_the_boarding_school_and_need_fewer_teachers(options):
    results, _ = options
    base, merged = results["taiyuan"], results["rural_consolidation"]
    villages = [f"140123-PV00{i}" for i in range(1, 9)]
    assert merged["school_pupils"].sel(school=villages, year=2025).isnull().all()
    assert float(merged["school_pupils"].sel(school="loufan_boarding_school", year=2025)) > float(
        base["school_pupils"].sel(school=villages, year=2024).sum()
    )

    def teachers(result):
        loufan = (result["school_district"] == "140123") & (result["school_stage"] == "primary")
        return float(result["school_teachers_needed"].sel(school=loufan, year=2025).sum())

    assert teachers(merged) < teachers(base) - 40  # one class per grade in each village school


def test_targets_of_the_plan_are_checked(options):
    results, _ = options
    table = indicator_table(results["taiyuan"]).set_index(["stage", "area", "year", "indicator"])
    assert table.loc[("preschool", "140107", 2025, "public_share"), "target"] == 0.5
    assert table.loc[("senior_general", "140100", 2025, "general_share"), "target"] == 0.6
    assert not table.loc[("primary", "140105", 2020, "oversized_class_share"), "met"]
