"""The fused ensemble step agrees with the reference cohort-component projection, draw by draw."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placeplan.models.enrolment import school_age_population
from placeplan.models.ensemble import project_draws, school_age_bands
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
    inputs = (base, survival, fertility, tfr, share, counts, rates, fixed, observed, scale, housing, flows)
    bands = school_age_bands([(3, 5), (6, 11), (0, 54)], years, draws, districts)
    fast = project_draws(*inputs, school_ages=bands)
    for k, (first, last) in enumerate([(3, 5), (6, 11), (0, 54)]):  # summed year by year, after the moves
        np.testing.assert_allclose(bands.sums[k], school_age_population(fast.population, first, last), rtol=1e-13)
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


def test_school_ages_by_hand():
    base = np.arange(2 * 6, dtype=float).reshape(1, 2, 6)  # girls 0..5, boys 6..11 by age; one year, one draw
    one, cells = np.ones(1), np.zeros((1, 1, 2, 6))
    bands = school_age_bands([(1, 2), (5, 5)], 1, 1, 1)
    project_draws(
        base,
        cells,
        np.zeros((1, 1, 35)),
        one,
        np.ones((1, 1, 2)),
        cells,
        cells,
        cells,
        np.zeros((1, 1)),
        one,
        school_ages=bands,
    )
    assert bands.sums[:, 0, 0, 0].tolist() == [1 + 2 + 7 + 8, 5 + 11]


def test_each_kernel_compiles_once_whatever_the_layout_of_its_inputs():
    """Read-only broadcasts and slices across years reach the kernels as the layout they were compiled for, so
    a new machine compiles each once (several seconds each)."""
    from placeplan.models.ensemble import _school_ages, advance, move_draws

    rng = np.random.default_rng(0)
    years, districts, draws, ages = 3, 2, 2, 55
    cells = (years, districts, 2, ages)
    for broadcast in (False, True):
        survival = np.broadcast_to(0.9, cells) if broadcast else np.full(cells, 0.9)  # read-only, then not
        fertility = np.asfortranarray(np.full((years, districts, 35), 0.05))  # slices across years: not C
        flows = Flows(np.array([0]), np.array([1]), np.broadcast_to(1.0, (years, 1, 2, ages)))
        project_draws(
            rng.uniform(0, 100, (districts, 2, ages)),
            survival,
            fertility,
            np.ones(draws),
            np.broadcast_to(0.5, (years, districts, 2)),
            np.zeros(cells),
            np.broadcast_to(0.01, cells),
            np.zeros(cells),
            np.full((years, districts), np.nan),
            np.ones(draws),
            (np.broadcast_to(1.0, cells), np.ones(draws), np.zeros(draws, dtype=np.intp)),
            flows,
            school_ages=school_age_bands([(3, 5)], years, draws, districts),
        )
    assert [len(kernel.signatures) for kernel in (advance, move_draws, _school_ages)] == [1, 1, 1]
