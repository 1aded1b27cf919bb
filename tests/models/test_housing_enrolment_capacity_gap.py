"""Hand-computed cases for housing, enrolment, capacity and gap (MODEL.md)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from placeplan.models.capacity import area_totals, is_open, school_places
from placeplan.models.costs import shortage_cost
from placeplan.models.enrolment import enrolment, inclusive_demand, public_demand, school_age_population
from placeplan.models.gap import classes_needed, gap, teachers_needed, utilization
from placeplan.models.housing import development_migrants, pupil_yield


def test_development_migrants_spread_evenly_from_the_completion_year():
    profile = np.array([[0.5, 0.0], [0.0, 0.5]])
    migrants = development_migrants(300.0, profile, completion=1, occupancy_years=3, n_years=3)
    assert_allclose(migrants[0], 0.0)
    assert_allclose(migrants[1], [[50.0, 0.0], [0.0, 50.0]])
    assert_allclose(migrants[2], migrants[1])  # the third share falls past the horizon


def test_pupil_yield_is_per_hundred_dwellings():
    assert pupil_yield(np.array(45.0), 300.0) == pytest.approx(15.0)


def test_school_age_population_sums_both_sexes_over_the_stage_ages():
    population = np.arange(2 * 2 * 4, dtype=float).reshape(1, 2, 2, 4)  # [year, district, sex, age]
    sap = school_age_population(population, lo=1, hi=2)
    assert_allclose(sap, [[1 + 2 + 5 + 6, 9 + 10 + 13 + 14]])


def test_enrolment_and_public_demand():
    pupils = enrolment(np.array(200.0), np.array(0.5))
    assert pupils == 100.0
    demand = public_demand(pupils, np.array(0.2), np.array(0.9), np.array(0.5))
    assert demand == pytest.approx(100 * (0.8 * 0.9 + 0.2 * 0.5))
    assert inclusive_demand(pupils, np.array(0.8)) == pytest.approx(80.0)


def test_school_is_open_from_its_opening_year_until_before_its_closing_year():
    open_ = is_open(np.array([2020.0]), np.array([2022.0]), np.arange(2019, 2023))
    assert_array_equal(open_[:, 0], [False, True, True, False])


def test_places_default_to_classes_times_class_size():
    places = school_places(np.array([10.0, 10.0]), np.array([np.nan, 400.0]), np.array([[45.0, 45.0]]))
    assert_allclose(places, [[450.0, 400.0]])


def test_area_totals_sum_units_into_their_areas():
    assert_allclose(area_totals(np.array([[1.0, 2.0, 3.0]]), np.array([0, 1, 0]), 2), [[4.0, 2.0]])
    # an unknown unit makes its own area unknown and no other; an area without units is 0
    for areas in (4, 40):  # a matrix product, one pass over the units
        totals = area_totals(np.array([[1.0, np.nan, 3.0, 4.0]]), np.array([2, 0, 2, 3]), areas)
        assert_array_equal(totals[:, :4], [[np.nan, 0.0, 4.0, 4.0]])
        assert_array_equal(totals[:, 4:], 0.0)


@given(
    st.integers(1, 40).flatmap(
        lambda areas: st.tuples(
            st.just(areas),
            st.lists(
                st.tuples(st.integers(0, areas - 1), st.one_of(st.floats(-1e6, 1e6), st.just(np.nan))), max_size=60
            ),
        )
    ),
    st.integers(1, 3),
)
def test_area_totals_are_each_areas_sum_of_its_units(drawn, rows):
    n_areas, units = drawn  # few areas (a matrix product) and many (one pass over the units)
    area_of = np.array([area for area, _ in units], dtype=np.intp)
    values = np.array([[value * (row + 1) for _, value in units] for row in range(rows)]).reshape(rows, len(units))
    totals = area_totals(values, area_of, n_areas)
    assert totals.shape == (rows, n_areas)
    for area in range(n_areas):
        expected = values[:, area_of == area].sum(axis=1)  # NaN where one of its units is
        assert_allclose(totals[:, area], expected, rtol=1e-12, atol=1e-6)


def test_gap_and_derived_figures():
    assert gap(np.array(100.0), np.array(80.0)) == 20.0
    assert_allclose(utilization(np.array([100.0, 5.0]), np.array([80.0, 0.0])), [1.25, np.nan])
    needed = classes_needed(np.array([90.0, 91.0, 0.0]), np.array(45.0))
    assert_allclose(needed, [2.0, 3.0, 0.0])
    assert not np.signbit(needed).any()  # no "-0" in a table
    assert teachers_needed(np.array(190.0), np.array(19.0)) == pytest.approx(10.0)
    assert_allclose(shortage_cost(np.array([20.0, -5.0]), np.array(1000.0)), [20000.0, 0.0])
