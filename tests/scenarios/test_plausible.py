"""Legal values far from any real school system or population are warned of, and are errors with --strict."""

import pytest

from placeplan.scenarios import ScenarioError, load, read_inputs
from placeplan.simulate.api import prepare

from ..conftest import SCENARIO, write_tiny

HOUSING = {
    "age_profile": "profile.csv",
    "developments": {"new": {"district": "1", "dwellings": 10, "persons_per_dwelling": 20, "completion_year": 2021}},
}


def _warnings(tmp_path, changes, tables=None):
    return read_inputs(load(write_tiny(tmp_path / "s", changes, tables))).warnings


def test_the_shipped_kind_of_values_raise_nothing(tiny):
    assert read_inputs(load(tiny)).warnings == []


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        (
            {"stages": {**SCENARIO["stages"], "primary": {**SCENARIO["stages"]["primary"], "class_size": 0.45}}},
            "stages.primary.class_size: 0.45 pupils a class is far outside what school systems show (10 to 70)",
        ),
        (
            {"stages": {**SCENARIO["stages"], "senior": {**SCENARIO["stages"]["senior"], "gross_enrolment": 50}}},
            "stages.senior.gross_enrolment: 50 enrolled per child of school age is far outside what school systems "
            "show (0.05 to 1.5)",
        ),
        (
            {"population": {**SCENARIO["population"], "fertility": {"tfr": 15, "shape": "shape.csv"}}},
            "population.fertility: 15 children per woman is far outside what populations show (0.3 to 8)",
        ),
        (
            {"housing": HOUSING},
            "housing.developments.new.persons_per_dwelling: 20 persons a dwelling is far outside what households "
            "show (1 to 8)",
        ),
    ],
    ids=["class size 0.45 for 45", "enrolment rate in percent", "TFR 15 for 1.5", "household of 20"],
)
def test_a_value_far_outside_is_named_with_the_span(tmp_path, changes, warning):
    found = _warnings(tmp_path, changes, {"profile.csv": "age,share\n8,1\n"})
    assert found == [f"{tmp_path / 's' / 'scenario.yaml'}: {warning}; check it"]
    with pytest.raises(ScenarioError, match="--strict: .*far outside"):
        prepare(tmp_path / "s" / "scenario.yaml", strict=True)
