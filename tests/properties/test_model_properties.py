"""Invariants of the models, checked on random inputs (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from placeplan.models.enrolment import public_demand
from placeplan.models.population import cohort_component

TOP = 50
share = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    districts=st.integers(1, 3),
    years=st.integers(2, 5),
    migration_scale=st.floats(0.0, 500.0),
    observed=st.booleans(),
)
def test_population_changes_by_births_minus_deaths_plus_net_migration(
    seed, districts, years, migration_scale, observed
):
    rng = np.random.default_rng(seed)
    base = rng.uniform(0, 1000, (districts, 2, TOP + 1))
    projection = cohort_component(
        base,
        survival=rng.uniform(0.5, 1.0, (years, districts, 2, TOP + 1)),
        fertility=rng.uniform(0, 0.2, (years, districts, 35)),
        sex_ratio_at_birth=rng.uniform(1.0, 1.2, (years, districts)),
        infant_survival=rng.uniform(0.9, 1.0, (years, districts, 2)),
        migration=rng.normal(0, migration_scale, (years, districts, 2, TOP + 1)),
        observed_births=np.where(rng.random((years, districts)) < 0.5, 50.0, np.nan) if observed else None,
    )
    totals = projection.population.sum(axis=(-2, -1))
    change = projection.births - projection.deaths + projection.net_migration
    np.testing.assert_allclose(totals[1:], totals[:-1] + change[:-1], rtol=1e-9, atol=1e-6)
    assert (projection.population >= 0).all()
    assert (projection.clipped >= 0).all()


@given(
    pupils=arrays(float, 4, elements=st.floats(0, 1e6)),
    migrant=share,
    local=share,
    migrant_public=share,
    more=share,
)
def test_a_higher_public_share_never_lowers_public_demand(pupils, migrant, local, migrant_public, more):
    before = public_demand(pupils, migrant, local, migrant_public)
    raised_local = public_demand(pupils, migrant, max(local, more), migrant_public)
    raised_migrant = public_demand(pupils, migrant, local, max(migrant_public, more))
    assert (raised_local >= before - 1e-9).all() and (raised_migrant >= before - 1e-9).all()


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    districts=st.integers(2, 4),
    batch=st.integers(1, 3),
    size=st.floats(0.0, 500.0),
)
def test_flows_move_people_without_creating_any(seed, districts, batch, size):
    from placeplan.models.population import move

    rng = np.random.default_rng(seed)
    population = rng.uniform(0, 100, (districts, batch, 2, 5)) * (rng.random((districts, batch, 2, 5)) < 0.7)
    pairs = np.array([(o, d) for o in range(districts) for d in range(districts) if o != d], dtype=np.intp)
    persons = rng.uniform(0, size, (len(pairs), 1, 2, 5))
    before = population.copy()
    unmoved = move(population, pairs[:, 0], pairs[:, 1], persons)
    np.testing.assert_allclose(population.sum(axis=0), before.sum(axis=0), rtol=1e-12, atol=1e-9)
    assert (population >= 0).all() and (unmoved >= -1e-9).all()
    asked = np.zeros_like(before)
    np.add.at(asked, pairs[:, 0], np.broadcast_to(persons, (len(pairs), *before.shape[1:])))
    left = np.minimum(asked, before)  # what could leave each cell
    received = np.zeros_like(before)
    np.add.at(
        received, pairs[:, 1], persons * np.where(asked > 0, left / np.where(asked > 0, asked, 1), 0)[pairs[:, 0]]
    )
    np.testing.assert_allclose(population, before - left + received, atol=1e-9)
    np.testing.assert_allclose(unmoved, (asked - left).sum(axis=(-2, -1)), atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), areas=st.integers(2, 5), moves=st.integers(0, 6), batch=st.integers(1, 3))
def test_placing_pupils_next_door_moves_them_without_losing_any(seed, areas, moves, batch):
    from placeplan.models.capacity import placed_in_neighbours

    rng = np.random.default_rng(seed)
    years = 4
    demand = rng.uniform(0, 500, (years, batch, areas))
    pairs = [tuple(rng.choice(areas, 2, replace=False)) for _ in range(moves)]
    plan = [(int(a), int(b), rng.uniform(0, 400, years)) for a, b in pairs]
    out, into = placed_in_neighbours(demand, plan)
    np.testing.assert_allclose(out.sum(axis=-1), into.sum(axis=-1))
    assert (out >= 0).all() and (into >= 0).all()
    assert (out <= demand + 1e-9).all()  # no area places more pupils than need public places
    after = demand - out + into
    np.testing.assert_allclose(after.sum(axis=-1), demand.sum(axis=-1))
    assert (after >= -1e-9).all()
