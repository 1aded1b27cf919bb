"""Hand-computed cases for the population equations of MODEL.md."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from placeplan.models import FEMALE, MALE
from placeplan.models.population import (
    births,
    cohort_component,
    cohort_ratio,
    fertility_from_tfr,
    improved_survival,
    newborns,
    survive,
)

TOP = 50  # ages 0..50, enough to hold the fertile ages 15..49


def test_survive_ages_everyone_and_keeps_the_top_group_open():
    aged = survive(np.array([10.0, 20.0, 30.0]), np.array([0.9, 0.5, 0.1]))
    assert_allclose(aged, [0.0, 9.0, 20 * 0.5 + 30 * 0.1])


def test_improved_survival_cuts_mortality_by_the_rate_each_year():
    improved = improved_survival(np.array(0.9), np.full(3, 0.1))
    assert improved == pytest.approx([0.9, 1 - 0.1 * 0.9, 1 - 0.1 * 0.9**2])
    # a fall that changes from year to year compounds: 0.1 x (1 - 0.2) x (1 - 0.5)
    assert improved_survival(np.array(0.9), np.array([0.0, 0.2, 0.5]))[-1] == pytest.approx(1 - 0.1 * 0.8 * 0.5)


def test_fertility_from_tfr_spreads_the_tfr_by_the_shape():
    shape = np.zeros(35)
    shape[[5, 10]] = [1.0, 3.0]
    rates = fertility_from_tfr(np.array(1.5), shape)
    assert rates[5] == pytest.approx(0.375) and rates[10] == pytest.approx(1.125)
    assert rates.sum() == pytest.approx(1.5)


def test_births_count_women_aged_15_to_49_only():
    women = np.zeros(TOP + 1)
    women[[14, 20, 30, 50]] = [999.0, 1000.0, 500.0, 999.0]
    rates = np.full(35, 0.0)
    rates[20 - 15], rates[30 - 15] = 0.1, 0.05
    assert births(women, rates) == pytest.approx(1000 * 0.1 + 500 * 0.05)


def test_newborns_split_by_sex_ratio_and_survive_to_the_reference_date():
    babies = newborns(np.array(211.0), np.array(1.11), np.array([0.995, 0.995]))
    assert babies[MALE] == pytest.approx(211 * 1.11 / 2.11 * 0.995)
    assert babies[FEMALE] == pytest.approx(211 / 2.11 * 0.995)


def _one_district_step(observed=np.nan):
    base = np.zeros((1, 2, TOP + 1))
    base[0, :, 25] = 1000.0
    base[0, FEMALE, TOP] = 100.0
    survival = np.full((2, 1, 2, TOP + 1), 0.99)
    survival[..., TOP] = 0.5
    fertility = np.zeros((2, 1, 35))
    fertility[..., 25 - 15] = 0.1
    migration = np.zeros((2, 1, 2, TOP + 1))
    migration[1, 0, MALE, 26] = 10.0
    migration[1, 0, FEMALE, TOP] = -60.0
    return cohort_component(
        base,
        survival,
        fertility,
        sex_ratio_at_birth=np.ones((2, 1)),
        infant_survival=np.full((2, 1, 2), 0.99),
        migration=migration,
        observed_births=np.full((2, 1), observed),
    )


def test_cohort_component_one_step_by_hand():
    step = _one_district_step()
    nxt = step.population[1, 0]
    assert nxt[FEMALE, 26] == pytest.approx(990.0)
    assert nxt[MALE, 26] == pytest.approx(1000.0)  # 990 survivors + 10 migrants
    assert nxt[:, 0] == pytest.approx([49.5, 49.5])  # 100 births, SRB 1, S0 0.99
    assert nxt[FEMALE, TOP] == 0.0  # 100 * 0.5 - 60 clipped at zero
    assert step.births[0, 0] == pytest.approx(100.0)
    assert step.clipped[0, 0] == pytest.approx(10.0)
    assert step.deaths[0, 0] == pytest.approx(10 + 10 + 50 + 1)  # 1% of 2000, half of 100, 1 infant
    assert step.net_migration[0, 0] == pytest.approx(10 - 60 + 10)
    assert nxt.sum() == pytest.approx(2100 + 100 - 71 - 40)


def test_observed_births_replace_the_fertility_model():
    step = _one_district_step(observed=300.0)
    assert step.births[0, 0] == 300.0
    assert step.population[1, 0, :, 0] == pytest.approx([148.5, 148.5])


def test_cohort_ratio_by_hand():
    base = np.array([10.0, 20.0, 30.0, 40.0])  # ages 0..3, 3 is the open group
    births_by_year = np.array([0.0, 12.0, 14.0])
    total = np.array([100.0, 110.0, 121.0])
    projected = cohort_ratio(base, births_by_year, total)
    assert_allclose(projected[0], base)
    assert_allclose(projected[1], [12.0, 11.0, 22.0, (30 + 40) * 1.1])
    assert_allclose(projected[2], [14.0, 12 * 121 / 110, 10 * 1.21, (20 + 30 + 40) * 1.21])


def test_cohort_ratio_by_sex_broadcasts_the_total():
    base = np.array([[10.0, 20.0], [12.0, 18.0]])  # [sex, age]
    projected = cohort_ratio(base, np.array([[0.0, 0.0], [5.0, 6.0]]), np.array([[100.0], [150.0]]))
    assert_allclose(projected[1], [[5.0, 45.0], [6.0, 45.0]])


def test_migration_rates_apply_to_the_aged_population():
    base = np.zeros((1, 2, TOP + 1))
    base[0, :, 30] = 1000.0
    rate = np.zeros((2, 1, 2, TOP + 1))
    rate[1, 0, :, 31] = 0.05  # 5% more at age 31 next year
    step = cohort_component(
        base,
        np.full((2, 1, 2, TOP + 1), 0.9),
        np.zeros((2, 1, 35)),
        np.ones((2, 1)),
        np.ones((2, 1, 2)),
        migration=np.zeros((2, 1, 2, TOP + 1)),
        migration_rate=rate,
    )
    assert step.population[1, 0, :, 31] == pytest.approx([945.0, 945.0])  # 900 survivors * 1.05
    assert step.net_migration[0, 0] == pytest.approx(90.0)
