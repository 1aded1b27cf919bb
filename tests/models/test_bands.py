"""Forecast bands by hand: conformal order statistics, the small-sample interval, shock widening, coverage."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from placeplan.models.bands import band, conformal, coverage, student_t, weighted_quantile

ERRORS = st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=60).map(np.array)


def test_conformal_takes_order_statistics_and_is_asymmetric_where_errors_are():
    errors = np.array([-3.0, *range(0, 18), 40.0])  # 20 errors: floor(21 x 0.05) = 1st, ceil(21 x 0.95) = 20th
    assert conformal(errors) == (-3.0, 40.0)
    skewed = np.concatenate([np.arange(-2.0, 0.0), np.arange(0.0, 37.0)])  # 39 errors from -2 to 36
    assert conformal(skewed) == (-1.0, 35.0)  # 2nd and 38th


def test_few_errors_get_the_normal_prediction_interval():
    errors = np.array([1.0, 2.0, 3.0, 6.0])
    half = student_t(0.95, 3) * np.std(errors, ddof=1) * np.sqrt(1 + 1 / 4)
    assert conformal(errors) == pytest.approx((3 - half, 3 + half))
    assert student_t(0.95, 3) == pytest.approx(2.3534, abs=2e-3)  # the printed table: 2.3534
    assert conformal(np.array([4.0])) == (4.0, 4.0)
    assert np.isnan(conformal(np.array([np.nan]))).all()


def test_a_shock_widens_the_band_to_cover_the_mixture():
    normal = np.arange(-10.0, 10.0)  # 20 errors: band (-10, 9)
    shocks = np.array([-40.0])
    assert band(normal, shocks, 0.0) == (-10.0, 9.0)
    # one year in ten a shock: the mixture puts 0.1 on -40, so its 5th percentile is -40
    assert band(normal, shocks, 0.1) == (-40.0, 9.0)
    # one in fifty: 0.02 on -40, below 5%: the 5th percentile is a normal error (-40 then -10 at 0.02 + 0.049)
    assert band(normal, shocks, 0.02) == (-10.0, 9.0)
    assert weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]), 0.5) == 2.0


def test_coverage_leaves_one_origin_out():
    errors = np.array([1.0, 2.0, 3.0, 100.0])
    origins = np.array([2010, 2011, 2012, 2013])
    # the band without 2013 is 2 +- t(0.95, 2) x 1 x sqrt(4/3) = 2 +- 3.37: 100 is outside, the others inside
    assert coverage(errors, origins) == pytest.approx(3 / 4)


def test_bands_reach_their_nominal_coverage_on_skewed_errors():
    rng = np.random.default_rng(0)
    for n in (8, 40):  # the small-sample interval and the conformal band
        hits = []
        for _ in range(400):
            errors = rng.lognormal(0, 0.5, n + 1) - 1  # skewed
            low, high = conformal(errors[:n])
            hits.append(low <= errors[n] <= high)
        assert 0.86 <= np.mean(hits) <= 0.96, n


@given(ERRORS, st.floats(-100, 100))
def test_conformal_moves_with_the_errors(errors, shift):
    low, high = conformal(errors)
    assert low <= high
    assert conformal(errors + shift) == pytest.approx((low + shift, high + shift), abs=1e-6)


@given(ERRORS, ERRORS, st.floats(0, 1))
def test_widening_never_narrows(normal, shocks, share):
    low, high = conformal(normal)
    wide = band(normal, shocks, share)
    assert wide[0] <= low and wide[1] >= high
