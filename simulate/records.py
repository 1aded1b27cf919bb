"""Enrolment from the office's own records: grade-progression forecasts, with births and housing pupils."""

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ..models import enrolment as enr
from ..models.population import Array
from ..models.progression import forecast
from ..scenarios.inputs import Inputs, ProgressionInputs


def with_housing_pupils(inputs: Inputs, developments: dict[str, Array]) -> Inputs:
    """Grade-progression stages count the pupils housing developments bring (records cannot know them)."""
    stages = []
    for stage in inputs.stages:
        if stage.progression is not None and developments:
            residents = np.sum(list(developments.values()), axis=0)
            pupils = enr.enrolment(enr.school_age_population(residents, stage.lo, stage.hi), stage.gross_enrolment)
            stage = replace(stage, progression=replace(stage.progression, housing_pupils=pupils))
        stages.append(stage)
    return replace(inputs, stages=stages)


def with_projected_births(inputs: Inputs, births: Array) -> Inputs:
    """Grade-progression births completed by the projection's births where the table has none."""
    stages = []
    for stage in inputs.stages:
        p = stage.progression
        if p is not None and not np.isnan(births).all():
            last = max(p.first_birth_year + len(p.births), int(inputs.years[-1]) + 1)
            table = np.full((last - p.first_birth_year, births.shape[1]), np.nan)
            table[: len(p.births)] = p.births
            years = inputs.years >= p.first_birth_year
            at = inputs.years[years] - p.first_birth_year
            table[at] = np.where(np.isnan(table[at]), births[years], table[at])
            stage = replace(stage, progression=replace(p, births=table))
        stages.append(stage)
    return replace(inputs, stages=stages)


def recorded_and_forecast(progression: ProgressionInputs, years: NDArray[np.int64]) -> Array:
    """Pupils ``[year, district]`` of a grade-progression stage: the record, then the forecast.

    School records are forecast school by school and summed into their districts.
    """
    return to_districts(forecast_units(progression, years), progression)


def forecast_units(progression: ProgressionInputs, years: NDArray[np.int64]) -> Array:
    """Pupils ``[year, district or school]`` as recorded, then forecast."""
    p = progression
    by_grade = forecast(
        p.history,
        p.first_year,
        p.births,
        p.first_birth_year,
        p.entry_age,
        years,
        p.estimator,
        p.years,
        p.weights,
        p.alpha,
        p.exclude_years,
        p.district_of,
        p.shrinkage,
    )
    return by_grade.sum(axis=1)


def to_districts(pupils: Array, progression: ProgressionInputs) -> Array:
    """Pupils ``[year, school]`` summed into ``[year, district]`` (district records pass through)."""
    if progression.district_of is None:
        return pupils
    districts = np.zeros((len(pupils), progression.births.shape[1]))
    np.add.at(districts.T, progression.district_of, pupils.T)  # a school not forecast leaves only its district unknown
    return districts
