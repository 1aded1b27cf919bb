"""Run the scenario's population method over all districts at once."""

from dataclasses import dataclass

import numpy as np

from ..models.population import Array, Projection, cohort_component, cohort_ratio
from ..scenarios.demography import PopulationInputs


@dataclass(frozen=True)
class Residents:
    """A housing development's own residents ``[year, sex, age]``, all in its district (an index)."""

    district: int
    population: Array


def project(population: PopulationInputs, n_years: int) -> tuple[Projection, dict[str, Residents]]:
    """The projection ``[year, district, sex, age]`` and each housing development's own residents.

    A development's residents are projected apart, as if its district held only them: they start
    empty, take only its migrants and age with its district's rates, so their pupils can be reported
    per 100 dwellings (the pupil yield). They are also in the whole.
    """
    if population.method == "given":
        return _accounted(population.base), {}
    if population.method == "cohort_ratio":
        base = population.base.sum(axis=1)  # sexes combined: births and totals are not by sex
        assert population.births is not None and population.total is not None
        projected = cohort_ratio(base, population.births, population.total)[:, :, None, :]
        return _accounted(projected, births=np.nan_to_num(population.births)), {}
    assert population.survival is not None and population.fertility is not None
    assert population.sex_ratio_at_birth is not None and population.infant_survival is not None
    counts = np.zeros((n_years, *population.base.shape)) if population.migration is None else population.migration
    developments = population.developments.values()
    rates = (population.survival, population.fertility, population.sex_ratio_at_birth, population.infant_survival)
    if developments:
        counts = counts + population.housing(n_years)
    whole = cohort_component(
        population.base, *rates, counts, population.births, population.migration_rate, population.flows
    )
    if not developments:
        return whole, {}
    where = [development.district for development in developments]  # each development as a district of its own
    survival, fertility, sex_ratio, infant = (values[:, where] for values in rates)
    own = cohort_component(
        np.zeros((len(where), *population.base.shape[1:])),
        survival,
        fertility,
        sex_ratio,
        infant,
        np.stack([development.migrants for development in developments], axis=1),
    )
    return whole, {
        name: Residents(district, own.population[:, i])
        for i, (name, district) in enumerate(zip(population.developments, where, strict=True))
    }


def _accounted(population: Array, births: Array | None = None) -> Projection:
    """A projection given as numbers: births where known, the rest of the change unexplained (NaN)."""
    shape = population.shape[:2]
    unknown = np.full(shape, np.nan)
    return Projection(population, unknown if births is None else births, unknown, unknown.copy(), np.zeros(shape))
