"""The fused ensemble step agrees with the reference cohort-component projection, draw by draw."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placeplan.models.enrolment import school_age_population
from placeplan.models.ensemble import project_draws, school_ages
from placeplan.models.population import Flows, cohort_component

pytestmark = pytest.mark.xdist_group("numba")  # one worker compiles the kernels (pytest -n auto --dist loadgroup)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 4), st.booleans(), st.booleans())
def test_project_draws_equals_cohort_component(seed, draws, districts, observed_births, with_flows):
    rng = np.random.default_rng(seed)
    years, ages = 4, 55
    base = rng.uniform(0, 100, (districts, 2, ages))
    survival = rng.uniform(0.8, 1.0, (years, districts, 2, ages))
    fertility = rng.uniform(0, 0.1, (years, districts, 35))
    tfr, scale = rng.uniform(0.5, 1.5, draws), rng.uniform(0, 2, draws)
    srb, infant = rng.uniform(1.0, 1.2, (years, districts)), rng.uniform(0.95, 1.0, (years, districts))
    counts, fixed = rng.normal(0, 30, (2, years, districts, 2, ages))  # large enough to clip sometimes
    rates = rng.normal(0, 0.02, (years, districts, 2, ages))
    planned = rng.uniform(0, 20, (years, districts, 2, ages))  # residents of planned housing
    delivered, delay = rng.uniform(0, 1.5, draws), rng.integers(0, 3, draws)
    observed = np.where(rng.uniform(size=(years, districts)) < 0.5, rng.uniform(0, 50, (years, districts)), np.nan)
    observed = observed if observed_births else np.full((years, districts), np.nan)
    share = np.stack([1 / (1 + srb), srb / (1 + srb)], axis=-1) * infant[..., None]
    pairs = np.array([(o, d) for o in range(districts) for d in range(districts) if o != d], dtype=np.intp)
    flows = None
    if with_flows and len(pairs):  # large enough to empty origins sometimes
        flows = Flows(pairs[:, 0], pairs[:, 1], rng.uniform(0, 80, (years, len(pairs), 2, ages)))
    housing = (planned, delivered, delay)
    fast = project_draws(base, survival, fertility, tfr, share, counts, rates, fixed, observed, scale, housing, flows)
    for n in range(draws):
        slow = cohort_component(
            base,
            survival,
            fertility * tfr[n],
            srb,
            np.repeat(infant[..., None], 2, axis=-1),
            counts * scale[n] + fixed + _late(planned * delivered[n], delay[n]),
            observed,
            rates * scale[n],
            flows,
        )
        for name in ("population", "births", "deaths", "net_migration", "clipped"):
            assert np.allclose(getattr(fast, name)[:, n], getattr(slow, name), atol=1e-9), name


def _late(residents, years):
    """Housing residents arriving ``years`` late (those past the horizon never arrive)."""
    late = np.zeros_like(residents)
    late[years:] = residents[: len(residents) - years]
    return late


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10)), min_size=1, max_size=5))
def test_school_ages_are_the_stages_sums(seed, spans):
    """The compiled school-age sums of every stage equal MODEL.md's SAP (numpy), on a draw-major view."""
    rng = np.random.default_rng(seed)
    population = np.swapaxes(rng.uniform(0, 100, (3, 2, 4, 2, 31)), 1, 2)  # [year, draw, district, ...] as a view
    ages = [(first, min(first + width, 30)) for first, width in spans]
    summed = school_ages(population, ages)
    for k, (first, last) in enumerate(ages):
        np.testing.assert_allclose(summed[k], school_age_population(population, first, last), rtol=1e-13)


def test_school_ages_by_hand():
    population = np.arange(2 * 6, dtype=float).reshape(1, 1, 1, 2, 6)  # girls 0..5, boys 6..11 by age
    assert school_ages(population, [(1, 2), (5, 5)])[:, 0, 0, 0].tolist() == [1 + 2 + 7 + 8, 5 + 11]
