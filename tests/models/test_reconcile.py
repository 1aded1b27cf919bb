"""Reconciling school forecasts with their districts' totals, by hand and as a property."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from placeplan.models.reconcile import district_sums, proportional

DISTRICT_OF = np.array([0, 0, 1, 1, 1])


def test_schools_share_their_district_total_in_proportion_by_hand():
    own = np.array([30.0, 70.0, 10.0, 0.0, 30.0])  # a closed school (0) in district 1
    totals = np.array([120.0, 80.0])
    assert_allclose(district_sums(own, DISTRICT_OF, 2), [100, 40])
    # district 0: 120 x 30/100 and 120 x 70/100; district 1: 80 x 10/40, nothing for the closed school, 80 x 30/40
    assert_allclose(proportional(totals, own, DISTRICT_OF), [36, 84, 20, 0, 60])
    # a district whose schools are all forecast empty places nobody (its total is reported as unplaced)
    assert_allclose(proportional(totals, np.array([0.0, 0.0, 1.0, 1.0, 2.0]), DISTRICT_OF), [0, 0, 20, 20, 40])


@given(
    st.lists(st.floats(0.1, 1e4), min_size=5, max_size=5).map(np.array),
    st.lists(st.floats(0, 1e5), min_size=2, max_size=2).map(np.array),
)
def test_reconciled_schools_add_up_to_their_district(own, totals):
    placed = proportional(totals, own, DISTRICT_OF)
    assert district_sums(placed, DISTRICT_OF, 2) == pytest.approx(totals, rel=1e-9, abs=1e-6)
    assert (placed >= 0).all()
