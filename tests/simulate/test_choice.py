"""Choosing the forecast from the past alone: a synthetic history with known drift, noise and a shock."""

from dataclasses import replace

import numpy as np
import pytest

from placeplan.models.progression import Method
from placeplan.scenarios.progression import ProgressionInputs
from placeplan.simulate.records import Forecaster

FIRST, YEARS, GRADES, SHOCK = 2000, 22, 6, 2015
FIXED = {  # each estimator as a planner would fix it in a scenario
    "mean": Method("mean", 3),
    "weights": Method("weights", weights=(1.0, 2.0, 3.0)),
    "smoothing": Method("smoothing", 3, alpha=0.5),
    "trend": Method("trend", 3),
}


def synthetic(seed: int = 1, districts: int = 4) -> ProgressionInputs:
    """Records 2000-2021 of ratios drifting upward (entry 0.80 + 0.008 a year, progression 1 + 0.002),
    1% noise on every count, and a shock in 2015 that recorded 20% fewer pupils than there were."""
    rng = np.random.default_rng(seed)
    first_birth = FIRST - 6 - GRADES
    births = rng.uniform(900, 1100, (YEARS + 6 + GRADES, districts))
    true = np.empty((YEARS, GRADES, districts))
    previous = 0.8 * births[:GRADES]
    for t in range(YEARS):
        true[t, 0] = (0.80 + 0.008 * t) * births[FIRST + t - 6 - first_birth]
        true[t, 1:] = previous[:-1] * (1 + 0.002 * t)
        true[t] *= rng.normal(1, 0.01, (GRADES, districts))
        previous = true[t]
    recorded = true.copy()
    recorded[SHOCK - FIRST] *= 0.8
    return ProgressionInputs(recorded, FIRST, births, first_birth, 6, anomalous=(SHOCK,))


def out_of_sample_mape(p: ProgressionInputs, horizon: int, shocks: bool) -> float:
    """Mean absolute percentage error of district totals forecast ``horizon`` years ahead from 2008 on."""
    f = Forecaster(p)
    errors = []
    for origin in range(2008, p.last_year - horizon + 1):
        if origin + horizon == SHOCK and not shocks:
            continue
        totals, _ = f.past(origin)
        actual = p.history[origin + horizon - FIRST].sum(axis=0)
        errors.append(np.abs(totals[horizon - 1] / actual - 1).mean() * 100)
    return float(np.mean(errors))


def test_auto_finds_the_drift():
    f = Forecaster(synthetic())
    assert all(m.how == "trend" for m in f.rule(2021).districts)
    # too early to score anything: the plain 3-year mean
    assert f.rule(2001).districts == (Method("mean", 3),)


@pytest.mark.parametrize("shocks", [False, True])
def test_auto_beats_every_fixed_estimator_out_of_sample(shocks):
    p = synthetic()
    for horizon in range(1, 6):
        auto = out_of_sample_mape(p, horizon, shocks)
        for name, method in FIXED.items():
            fixed = out_of_sample_mape(replace(p, method=method), horizon, shocks)
            assert auto < fixed, (horizon, name, auto, fixed)


def test_no_record_after_an_origin_changes_its_choice_or_forecast():
    p = synthetic()
    origin = 2012
    later = p.history.copy()
    later[origin - FIRST + 1 :] *= np.linspace(0.5, 2, YEARS - (origin - FIRST + 1))[:, None, None]
    births = p.births.copy()
    births[origin + 1 - p.first_birth_year :] *= 3
    changed = Forecaster(replace(p, history=later, births=births))
    before = Forecaster(p)
    assert changed.rule(origin) == before.rule(origin)
    assert np.array_equal(changed.past(origin)[0], before.past(origin)[0], equal_nan=True)
    assert changed.rule(2021) != before.rule(2021)  # while the later choice does see them


def by_school(p: ProgressionInputs, seed: int = 2) -> ProgressionInputs:
    """The records split among three schools a district, with drifting shares and Poisson noise."""
    rng = np.random.default_rng(seed)
    districts = p.history.shape[2]
    district_of = np.repeat(np.arange(districts), 3)
    years = np.arange(YEARS)[:, None]
    share = rng.dirichlet([5, 5, 5], districts).reshape(-1) * (1 + rng.normal(0, 0.01, 3 * districts) * years)
    share /= np.stack([share[:, district_of == d].sum(axis=1) for d in range(districts)], axis=1)[:, district_of]
    history = rng.poisson(p.history[..., district_of] * share[:, None, :]).astype(float)
    schools = [f"S{i}" for i in range(3 * districts)]
    return replace(p, history=history, schools=schools, district_of=district_of)


def school_mape(p: ProgressionInputs, horizon: int) -> float:
    f = Forecaster(p)
    errors = []
    for origin in range(2008, p.last_year - horizon + 1):
        if origin + horizon != SHOCK:
            totals, schools = f.past(origin)
            assert schools is not None
            # reconciled: the schools add up to their district's forecast
            assert np.allclose(schools.reshape(len(schools), -1, 3).sum(axis=2), totals, equal_nan=True)
            errors.append(np.abs(schools[horizon - 1] / p.history[origin + horizon - FIRST].sum(axis=0) - 1).mean())
    return 100 * float(np.mean(errors))


def test_school_forecasts_beat_the_plain_mean_and_add_up():
    p = by_school(synthetic())
    plain = replace(p, method=Method("mean", 3), reconcile="top_down")
    for horizon in range(1, 6):
        assert school_mape(p, horizon) < school_mape(plain, horizon), horizon
