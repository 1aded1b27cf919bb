"""A stage's enrolment records by grade (district or school records) and the births they are compared with."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models.progression import Method
from .errors import ScenarioError
from .loading import Loaded, shown
from .schema import Progression, Stage
from .tables import Table, index_of

Array = NDArray[np.float64]


@dataclass
class ProgressionInputs:
    """Enrolment records by grade and the births they are compared with."""

    history: Array
    """Pupils ``[year, grade, district or school]`` from ``first_year`` (NaN where a school did not exist)."""
    first_year: int
    births: Array
    """Births ``[year, district]`` from ``first_birth_year`` (NaN where not given)."""
    first_birth_year: int
    entry_age: int
    method: Method | None = None
    """The estimator, or None for ``auto`` (chosen from the past alone, see simulate.records)."""
    anomalous: tuple[int, ...] = ()
    """Shock years: no ratio from them, never a starting point."""
    reconcile: str = "auto"
    """School records: ``top_down``, ``bottom_up`` or ``auto``."""
    schools: list[str] | None = None
    """School ids when the records are by school (``history`` is then ``[year, grade, school]``)."""
    district_of: NDArray[np.intp] | None = None
    """District index of each school."""
    housing_pupils: Array | float = 0.0
    """Pupils ``[year, district]`` among housing developments' residents, added to the forecast."""
    draw_factor: Array | None = None
    """Ensembles: each draw's replayed past error ``[year, draw, district]`` multiplying the forecast."""
    chosen: object | None = None
    """The forecast rule chosen at the last record (simulate.records.Rule), fixed before an ensemble is cut up."""
    codes: tuple[str, ...] = ()
    """District codes (the last axis of ``births``), to name them in messages."""

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.history) - 1


def method_of(spec: Progression) -> Method | None:
    """The scenario's estimator as a :class:`Method` (None for ``auto``)."""
    if spec.estimator == "auto":
        return None
    return Method(
        spec.estimator,
        spec.years or 3,
        spec.alpha,
        None if spec.weights is None else tuple(spec.weights),
        30.0 if spec.shrinkage is None else spec.shrinkage,
    )


def read_progression(
    loaded: Loaded, name: str, stage: Stage, ages: tuple[int, int], codes: list[str]
) -> ProgressionInputs:
    """The stage's enrolment records ``[year, grade, district or school]`` and all births by year."""
    spec = stage.progression
    assert spec is not None
    grades = ages[1] - ages[0] + 1
    table = Table.read(
        spec.history,
        f"stages.{name}.progression.history",
        columns=("school", "district", "grade", "year", "pupils"),
    )
    table.require("district", "grade", "year", "pupils")
    by_school = "school" in table.frame
    unit_column = "school" if by_school else "district"
    table.unique(unit_column, "grade", "year")
    district = index_of(table.codes("district", codes), codes)
    units = list(dict.fromkeys(table.text("school"))) if by_school else codes
    unit = index_of(table.text(unit_column), units)
    district_of = np.zeros(len(units), dtype=np.intp)
    district_of[unit[::-1]] = district[::-1]  # each school's district is that of its first row
    moved = district != district_of[unit]
    if by_school and moved.any():
        row = int(np.argmax(moved))
        raise ScenarioError(f"{table.where(row)}: school {units[unit[row]]} is in two districts; give it one")
    grade = table.numbers("grade", "whole").astype(np.intp)
    outside = (grade < 1) | (grade > grades)
    if outside.any():
        row = int(np.argmax(outside))
        raise ScenarioError(
            f"{table.where(row)}: grade {grade[row]} is outside 1..{grades}, the grades of stage {name}"
        )
    year = table.numbers("year", "year").astype(np.int64)
    first = int(year.min())
    history = np.full((int(year.max()) - first + 1, grades, len(units)), np.nan)
    history[year - first, grade - 1, unit] = table.numbers("pupils", "count")
    _check_complete(history, by_school, unit_column, units, first, shown(spec.history))
    anomalous = tuple(spec.anomalous_years)
    normal = [y for y in range(first, int(year.max()) + 1) if y not in anomalous]
    if not normal:
        raise ScenarioError(
            f"{loaded.where('stages', name, 'progression', 'anomalous_years')}: every year of the records is "
            "anomalous; a forecast needs a normal year to start from"
        )
    births, first_birth = _births(loaded, name, codes)
    entry_age = ages[0] if spec.entry_age is None else spec.entry_age
    _check_births(births, first_birth, int(year.max()) + 1 - entry_age, entry_age, loaded, codes)
    return ProgressionInputs(
        history,
        first,
        births,
        first_birth,
        entry_age,
        method_of(spec),
        anomalous,
        spec.reconcile,
        units if by_school else None,
        district_of if by_school else None,
        codes=tuple(codes),
    )


def _check_complete(history: Array, by_school: bool, unit_column: str, units: list[str], first: int, name: str) -> None:
    """Every unit, grade and year is needed; a school may lack whole years before it opened or after it closed."""
    missing = np.isnan(history)
    if by_school:
        existed = ~np.all(missing, axis=1)  # [year, school]: any grade recorded
        seen = np.maximum.accumulate(existed, axis=0) & np.maximum.accumulate(existed[::-1], axis=0)[::-1]
        missing = missing & seen[:, None, :]
    if missing.any():
        t, g, u = np.argwhere(missing)[0]
        needed = (
            "every grade of each year a school has records is needed"
            if by_school
            else f"every {unit_column}, grade and year from {first} to {first + len(history) - 1} is needed"
        )
        raise ScenarioError(
            f"{name}: no pupils for {unit_column} {units[u]}, grade {g + 1}, year {first + t}; {needed}"
        )


def _births(loaded: Loaded, stage: str, codes: list[str]) -> tuple[Array, int]:
    """Births ``[year, district]`` of the births table, and its first year."""
    births_path = loaded.scenario.population.births
    if births_path is None:
        raise ScenarioError(
            f"{loaded.where('stages', stage, 'progression')}: grade progression needs population.births"
        )
    births = Table.read(births_path, "population.births", columns=("district", "year", "births"))
    births.require("district", "year", "births")
    born = births.numbers("year", "year").astype(np.int64)
    first_birth = int(born.min())
    by_year = np.full((int(born.max()) - first_birth + 1, len(codes)), np.nan)
    by_year[born - first_birth, index_of(births.codes("district", codes), codes)] = births.numbers("births", "count")
    return by_year, first_birth


def _check_births(
    births: Array, first_birth: int, first_needed: int, entry_age: int, loaded: Loaded, codes: list[str]
) -> None:
    """Births the forecast needs from the table: cohorts entering after the records, born before the base year
    (the projection gives the births from the base year on)."""
    scenario = loaded.scenario
    last_needed = min(scenario.base_year - 1, scenario.end_year - entry_age)
    for born in range(first_needed, last_needed + 1):
        at = born - first_birth
        known = births[at] if 0 <= at < len(births) else np.full(len(codes), np.nan)
        if np.isnan(known).any():
            code = codes[int(np.argmax(np.isnan(known)))]
            raise ScenarioError(
                f"population.births: no births for district {code} in {born}, needed for the entrants of "
                f"{born + entry_age} (entry age {entry_age}); births of {first_needed}-{last_needed} are needed"
            )
