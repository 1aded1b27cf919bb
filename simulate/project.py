"""Run the scenario's population method over all districts at once."""

import numpy as np

from ..models.population import Array, Flows, Projection, cohort_component, cohort_ratio
from ..scenarios.demography import PopulationInputs


def project(population: PopulationInputs, n_years: int) -> tuple[Projection, dict[str, Array]]:
    """The projection ``[year, district, sex, age]`` and each housing development's own residents.

    Developments are projected as extra batch rows that start empty and take
    only that development's migrants, with their district's rates, so their
    pupils can be reported per 100 dwellings (the pupil yield).
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
    rates = population.migration_rate
    housing = [development.everywhere(len(population.base)) for development in population.developments.values()]
    counts = counts + sum(housing, np.zeros_like(counts))
    infant = population.infant_survival
    if not housing:
        inputs = (population.survival, population.fertility, population.sex_ratio_at_birth, infant)
        return cohort_component(population.base, *inputs, counts, population.births, rates, population.flows), {}

    def stacked(first: Array, rest: float = 0.0) -> Array:
        """``first`` with an empty row per development, on a new axis after the year."""
        return np.stack([first, *(np.full_like(first, rest) for _ in housing)], axis=1)

    every = (slice(None), None)
    flows = population.flows  # the developments' own rows only age: their people are also in the whole
    result = cohort_component(
        np.stack([population.base, *(np.zeros_like(population.base) for _ in housing)]),
        population.survival[every],
        population.fertility[every],
        population.sex_ratio_at_birth[every],
        infant[every],
        np.stack([counts, *housing], axis=1),
        None if population.births is None else stacked(population.births, np.nan),
        None if rates is None else stacked(rates),
        None if flows is None else Flows(flows.origin, flows.destination, stacked(flows.persons)),
    )
    whole = Projection(*(getattr(result, f)[:, 0] for f in Projection.__dataclass_fields__))
    return whole, {name: result.population[:, i + 1] for i, name in enumerate(population.developments)}


def _accounted(population: Array, births: Array | None = None) -> Projection:
    """A projection given as numbers: births where known, the rest of the change unexplained (NaN)."""
    shape = population.shape[:2]
    unknown = np.full(shape, np.nan)
    return Projection(population, unknown if births is None else births, unknown, unknown.copy(), np.zeros(shape))
