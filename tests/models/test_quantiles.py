"""Ensemble quantiles by bucket selection are numpy.quantile's, to the bit: ties, NaN, infinities, any q."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from placeplan.models.quantiles import quantiles

pytestmark = pytest.mark.xdist_group("numba")  # one worker compiles the kernels (pytest -n auto --dist loadgroup)

DRAWS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, 1.0, 1.5, np.inf, -np.inf, np.nan, 1e300, -1e-300]),
)


@settings(max_examples=150, deadline=None)
@given(
    values=st.tuples(st.integers(1, 3), st.integers(1, 40), st.integers(1, 19)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=DRAWS)
    ),
    qs=st.lists(st.floats(0, 1), min_size=1, max_size=4).map(sorted),
)
def test_the_same_numbers_as_numpy(values, qs):
    with np.errstate(all="ignore"):
        expected = np.quantile(values, qs, axis=1)
    got = quantiles(values, tuple(qs))
    assert got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True), (got, expected)


def test_a_hand_made_cell():
    draws = np.array([[[4.0], [1.0], [3.0], [2.0], [np.nan]]])  # one cell with a NaN, then one without
    assert np.isnan(quantiles(draws, (0.5,))).all()
    # five draws 1..5: the median is the third, p5 is 1 + 0.2 x (2 - 1), p95 is 5 - 0.2 x (5 - 4)
    assert quantiles(np.array([[[5.0], [1.0], [3.0], [4.0], [2.0]]]), (0.05, 0.5, 0.95)).ravel().tolist() == [
        1.2,
        3.0,
        4.8,
    ]


def test_one_draw_is_every_quantile():
    """A figure the same in every draw comes as one draw; an infinite one is NaN, as numpy interpolates it."""
    got = quantiles(np.array([[[np.inf, -0.0, 2.0]]]), (0.05, 0.5, 0.95))
    assert got.shape == (3, 1, 3)
    for row in got[:, 0]:
        assert np.isnan(row[0]) and row[1] == 0.0 and np.signbit(row[1]) and row[2] == 2.0


def test_many_cells_share_their_working_memory():
    """Cells come in blocks that reuse working memory: each cell's answer is its own (ties, NaN, spreads)."""
    rng = np.random.default_rng(3)
    values = np.round(rng.standard_normal((3, 101, 400)) * rng.uniform(0, 9, (3, 1, 400)), 1)
    values[0, :, ::7] = 5.0  # all draws equal
    values[1, 17, ::11] = np.nan
    values[2, :, ::13] *= 1e300  # too far apart to bucket
    with np.errstate(all="ignore"):
        expected = np.quantile(values, (0.05, 0.5, 0.95), axis=1)
    assert np.array_equal(quantiles(values, (0.05, 0.5, 0.95)), expected, equal_nan=True)


def test_draws_too_far_apart_to_subtract_give_numpys_numbers_and_no_warning():
    values = np.array([[[-1e308, 1.0], [1e308, np.inf]]])  # two draws: 1e308 - (-1e308) overflows to inf
    with np.errstate(all="ignore"):
        expected = np.quantile(values, (0.05, 0.5, 0.95), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a planner's run prints no RuntimeWarning
        got = quantiles(values, (0.05, 0.5, 0.95))
    assert np.array_equal(got, expected, equal_nan=True), (got, expected)
