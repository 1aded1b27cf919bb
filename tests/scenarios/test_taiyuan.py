"""The embedded default: calibrated to the Xinghualing (杏花岭区) 2020 planning record; options do what they say."""

import pandas as pd
import pytest

from placeplan.scenarios import load
from placeplan.simulate import simulate

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
