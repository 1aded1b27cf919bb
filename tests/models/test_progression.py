"""Grade progression by hand: ratios, estimators, the entry step, the roll-forward; known ratios recovered."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from placeplan.models.progression import (
    Method,
    entry_ratios,
    estimate,
    forecast,
    progression_ratios,
    ratios,
    roll_forward,
    shrink,
)

# three years, three grades, one district: enrolment[year, grade]
ENROLMENT = np.array([[100.0, 90.0, 80.0], [110.0, 98.0, 88.0], [120.0, 99.0, 95.0]])


def test_progression_ratios_by_hand():
    assert_allclose(progression_ratios(ENROLMENT), [[0.98, 88 / 90], [0.9, 95 / 98]])


def test_entry_ratios_by_hand():
    births = np.array([200.0, 220.0, 0.0])  # six years before each entry year
    ratios = entry_ratios(ENROLMENT, births)
    assert ratios[:2] == pytest.approx([0.5, 0.5])
    assert np.isnan(ratios[2])  # no births: no ratio


def test_estimators_by_hand():
    r = np.array([0.90, 0.95, 1.00, np.nan, 1.05])
    assert estimate(r, "mean", years=3) == pytest.approx((1.00 + 1.05) / 2)  # the NaN year is skipped
    assert estimate(r, "weights", weights=np.array([1, 2, 0, 3])) == pytest.approx((0.95 + 2 * 1.0 + 3 * 1.05) / 6)
    # smoothing over 0.95, 1.00, nan, 1.05 with alpha 0.5: 0.95 -> 0.975 -> 0.975 -> 1.0125
    assert estimate(r, "smoothing", years=4, alpha=0.5) == pytest.approx(1.0125)
    # the line through 0.95, 1.00 and 1.05 at t = 0, 1, 3 (t = 2 has no ratio), one year past the last (t = 4)
    line = np.polyfit([0, 1, 3], [0.95, 1.00, 1.05], 1)
    assert estimate(r, "trend", years=4) == pytest.approx(np.polyval(line, 4))
    assert estimate(np.array([1.0, 1.1, 1.2]), "trend", years=3) == pytest.approx(1.3)
    with pytest.raises(ValueError, match="unknown estimator 'median'"):
        estimate(r, "median")


def test_roll_forward_by_hand():
    forecast = roll_forward(np.array([120.0, 99.0, 95.0]), np.array([130.0, 125.0]), np.array([0.9, 0.95]))
    assert_allclose(forecast, [[130, 108, 94.05], [125, 117, 102.6]])


def test_a_history_made_from_known_ratios_gives_them_back():
    rng = np.random.default_rng(3)
    entry, progression = 0.97, np.array([0.99, 1.02, 0.98, 1.01, 0.995])
    births = rng.uniform(8_000, 12_000, 12)
    history = roll_forward(rng.uniform(9_000, 11_000, 6), entry * births, progression)
    assert_allclose(estimate(entry_ratios(history, births[:12]), "mean", years=5), entry)
    assert_allclose(estimate(progression_ratios(history), "smoothing", years=4), progression)
    # and forecasting from them continues the history exactly
    assert_allclose(roll_forward(history[7], entry * births[8:], progression), history[8:])


def test_forecast_keeps_the_record_and_rolls_forward_after_it():
    history = np.array([[100.0, 90.0], [110.0, 99.0]])  # 2019, 2020; BER 0.5, PR 0.99
    births = np.array([200.0, 220.0, 240.0, np.nan])  # 2013..2016
    out = forecast(
        history, 2019, births, 2013, entry_age=6, years=np.array([2020, 2021, 2022, 2023]), method=Method("mean", 1)
    )
    assert_allclose(out[0], [110, 99])
    assert_allclose(out[1], [0.5 * 240, 110 * 0.99])  # entrants from 2015 births
    assert np.isnan(out[2, 0]) and out[2, 1] == pytest.approx(120 * 0.99)  # 2016 births unknown


def test_anomalous_years_give_no_ratio_and_are_no_base():
    history = np.array([[100.0, 90.0], [50.0, 80.0], [110.0, 99.0]])  # 2019..2021, a shock in 2020
    entry, progression = ratios(history, np.full(3, 200.0), np.array([False, True, False]))
    assert entry == pytest.approx([0.5, np.nan, 0.55], nan_ok=True)
    # 2020 / 2019 and 2021 / 2020 both touch the shock
    assert np.isnan(progression).all()


def test_anomalous_years_leave_their_ratios_out():
    history = np.array([[100.0, 90.0], [110.0, 99.0], [50.0, 70.0], [120.0, 104.5]])  # 2018..2021, a shock in 2020
    births = np.full(8, 200.0)  # 2012..2019
    years = np.array([2022])
    plain = forecast(history, 2018, births, 2012, 6, years, Method("mean", 4))
    robust = forecast(history, 2018, births, 2012, 6, years, Method("mean", 4), anomalous=(2020,))
    assert plain[0, 0] == pytest.approx(200 * (0.5 + 0.55 + 0.25 + 0.6) / 4)
    assert plain[0, 1] == pytest.approx(120 * (0.99 + 70 / 110 + 104.5 / 50) / 3)
    # entry ratios without 2020; progression only 2019 / 2018 (the ratios into and out of 2020 are dropped)
    assert robust[0, 0] == pytest.approx(200 * (0.5 + 0.55 + 0.6) / 3)
    assert robust[0, 1] == pytest.approx(120 * 0.99)


def test_a_shock_in_the_last_year_is_not_the_starting_point():
    history = np.array([[100.0, 90.0], [110.0, 99.0], [40.0, 30.0]])  # 2019..2021, the last year a shock
    births = np.full(8, 200.0)  # 2013..2020
    out = forecast(history, 2019, births, 2013, 6, np.array([2021, 2022]), Method("mean", 3), anomalous=(2021,))
    assert_allclose(out[0], [40, 30])  # the record is kept as recorded
    # rolled forward from 2020 through 2021: 2021 = (0.525 * 200, 110 * 0.99), 2022 = (0.525 * 200, 105 * 0.99)
    assert_allclose(out[1], [0.525 * 200, 0.525 * 200 * 0.99])


def test_shrinkage_by_hand():
    # a school of 20 pupils with ratio 1.5, its district 1.0, the district weighted as 30 pupils
    assert shrink(np.array([1.5]), np.array([20.0]), np.array([1.0]), 30)[0] == pytest.approx((20 * 1.5 + 30) / 50)
    assert shrink(np.array([np.nan]), np.array([20.0]), np.array([1.0]), 30)[0] == pytest.approx(1.0)


def test_school_forecasts_add_up_to_their_district():
    rng = np.random.default_rng(5)
    history = rng.uniform(20, 200, (5, 6, 4))  # 4 schools, 6 grades, 2017..2021
    district_of = np.array([0, 0, 1, 1])
    births = rng.uniform(300, 500, (20, 2))  # 2005..2024, two districts
    years = np.arange(2021, 2026)
    schools = forecast(history, 2017, births, 2005, 6, years, Method(shrinkage=30), district_of=district_of)
    assert schools.shape == (5, 6, 4)
    assert_allclose(schools[0], history[-1])
    assert np.all(schools[1:] > 0)
    # with huge shrinkage every school takes its district's ratios, so schools add up to the district forecast
    by_district = np.stack([history[..., :2].sum(-1), history[..., 2:].sum(-1)], axis=-1)
    district = forecast(by_district, 2017, births, 2005, 6, years)
    pooled = forecast(history, 2017, births, 2005, 6, years, Method(shrinkage=1e12), district_of=district_of)
    assert_allclose(pooled[..., :2].sum(-1), district[..., 0], rtol=1e-6)
