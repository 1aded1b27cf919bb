"""Time-varying parameters: interpolation, holding, per district, and what is allowed."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from placeplan.scenarios.params import parse


def test_linear_between_years_and_held_outside():
    share = parse({2020: 0.4, 2025: 0.5}, "share")
    assert share.at(np.array([2018, 2020, 2022, 2025, 2030])) == pytest.approx([0.4, 0.4, 0.44, 0.5, 0.5])


def test_scalar_is_constant():
    assert parse(3, "rate").at(np.array([1990, 2050])) == pytest.approx([3, 3])


def test_by_district_overrides_the_default():
    value = parse({"default": 0.5, "by_district": {140107: {2020: 0.2, 2030: 0.4}}}, "share")
    assert value.values(np.array([2025]), ["140105", "140107"])[0] == pytest.approx([0.5, 0.3])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.2, "1.2 is out of range; must be a share in [0, 1]"),
        ({2020: -0.1}, "year 2020: -0.1 is out of range; must be a share in [0, 1]"),
        (float("nan"), "nan is out of range; must be a share in [0, 1]"),
        ("half", "'half' is not a number; must be a share in [0, 1]"),
        ({"2020a": 0.5}, "key '2020a' is not a year; use {year: value} with whole-number years"),
        ({"by_district": {"1": 0.5}}, "by_district needs a default for the other districts"),
    ],
)
def test_bad_values_say_what_is_allowed(value, message):
    with pytest.raises(ValueError) as error:
        parse(value, "share")
    assert str(error.value) == message


@given(st.dictionaries(st.integers(1990, 2060), st.floats(0, 1), min_size=1), st.integers(1950, 2100))
def test_interpolated_shares_stay_within_the_given_values(series, year):
    value = parse(series, "share").at(np.array([year]))[0]
    assert min(series.values()) - 1e-12 <= value <= max(series.values()) + 1e-12
