"""Ensembles: every figure as p5 / p50 / p95 over seeded draws, and the probability of a shortage.

Districts are processed in chunks that keep each planning area whole, so
memory grows with the chunk, not with the number of districts; each chunk
holds all draws and is reduced to exact quantiles (by compiled selection)
before the next. Without a Dask cluster two chunks run side by side, a core
each; with one, the cluster's workers run them. The draws do not depend on the
chunking.
"""

import math
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from ..models import gap as gp
from ..models.compiled import get_num_threads, set_num_threads, threadsafe
from ..models.ensemble import SchoolAges, project_draws, school_age_bands
from ..models.population import Array, Projection
from ..models.quantiles import interpolated, quantiles, ranked
from ..scenarios.demography import PopulationInputs
from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs, StageInputs
from ..scenarios.tables import index_of
from . import draws as dr
from .backtest import replayed_errors
from .capacity import capacities
from .chunks import MEMORY_BUDGET, check_memory, chunks, subset
from .engine import assemble
from .figures import FIGURES, PEAK_BANDS, area_capacity, areas, consequences, demand
from .project import project
from .records import with_housing_pupils, with_projected_births, with_rules

QUANTILES = (0.05, 0.5, 0.95)
BANDED = (
    "school_age_population",
    "enrolment",
    "public_demand",
    "gap",
    "utilization",
    "classes_needed",
    "teachers_needed",
    "cost",
    "shortage_cost",
    "recurrent_cost",
)
"""Figures reported with ``_p5`` and ``_p95``; every figure is the median."""


def run_chunk(inputs: Inputs, draws: dr.Draws, plan_quantile: float | None = None) -> dict[str, Array]:
    """Project all draws of one chunk and reduce them to quantiles (exact) and P(gap > 0).

    Each stage's figures ``[year, draw, area]`` are reduced as they are made (never stacked for all stages).
    With ``plan_quantile`` the enrolment and public choice at that quantile are kept too, as
    ``enrolment_q`` and ``public_choice_q`` (the demand a robust plan covers).
    """
    bands = [(stage.lo, stage.hi) for stage in inputs.stages]
    ages = school_age_bands(bands, len(inputs.years), len(draws.tfr), len(inputs.districts.codes))
    projection = _project(inputs.population, draws, ages)
    all_areas = areas(inputs.stages)[0]
    shape = (len(inputs.stages), len(all_areas), len(inputs.years))
    wanted: dict[str, tuple[float, ...]] = {name: QUANTILES if name in BANDED else (0.5,) for name in FIGURES}
    kept = {"enrolment", "public_choice"} if plan_quantile is not None else set()
    names = [*FIGURES, *(f"{n}_{b}" for n in BANDED for b in ("p5", "p95")), *(f"{n}_q" for n in kept), "p_shortage"]
    out = {name: np.full(shape, np.nan) for name in names}
    out[SHORTAGE_BY_DRAW] = city = np.zeros((len(inputs.stages), len(inputs.years), len(draws.tfr)))
    for k, stage in enumerate(inputs.stages):
        columns = index_of(stage.areas, all_areas)
        drawn, gap, found = _stage_quantiles(stage, inputs, projection.population, ages.sums[k], wanted)
        for name, values in found.items():
            values = values.swapaxes(1, 2)  # [q, area, year]
            if name in BANDED:
                out[f"{name}_p5"][k][columns], out[name][k][columns], out[f"{name}_p95"][k][columns] = values
            else:
                out[name][k][columns] = values[0]
        if plan_quantile is not None:
            for name in kept:
                out[f"{name}_q"][k][columns] = over_draws(drawn[name], 1, (plan_quantile,))[0].T
        out["p_shortage"][k][columns] = np.where(np.isnan(gap[:, 0]), np.nan, (gap > 0).mean(axis=1)).T
        city[k] = np.where(gap > 0, gap, 0.0).sum(axis=2)  # this chunk's part of each draw's total
    stored = np.swapaxes(projection.population, 1, 2)  # as it lies in memory, [year, district, draw, ...]: no copy
    (out["projection.population"],) = over_draws(stored, 2, (0.5,))
    for name in ("births", "deaths", "net_migration", "clipped"):
        (out[f"projection.{name}"],) = over_draws(getattr(projection, name), 1, (0.5,))
    return out


def over_draws(values: Array, axis: int, qs: tuple[float, ...], how: Callable[..., Array] = quantiles) -> Array:
    """Quantiles ``qs`` (ascending) of ``values`` over its draws ``axis``, exact: ``[q, other axes...]``; with
    ``how=ranked`` the two draws each lies between, ``[2 q, other axes...]``."""
    outer, inner = values.shape[:axis], values.shape[axis + 1 :]
    shaped = values.reshape(math.prod(outer), values.shape[axis], math.prod(inner))
    found = how(shaped, qs)
    return found.reshape(len(found), *outer, *inner)


RISING = ("public_demand", "inclusive_demand")
"""The figures that every place, class, teacher and cost figure of a stage rises with (figures.consequences)."""


def _stage_quantiles(
    stage: StageInputs, inputs: Inputs, population: Array, sap: Array, wanted: dict[str, tuple[float, ...]]
) -> tuple[dict[str, Array], Array, dict[str, Array]]:
    """One stage over the draws: the figures the population decides ``[year, draw, area]``, the gap of every
    draw, and every figure's quantiles ``wanted`` ``[q, year, area]``.

    A figure that rises with the public demand alone has the order of its draws, so its quantiles are worked
    out from the two draws of the demand each quantile lies between, not from every draw: numpy's numbers to
    the bit (models.quantiles.interpolated) for a fraction of the work. Pupils placed in neighbouring areas
    cost more than the demand says, so a stage that places them works out every draw."""
    capacity = area_capacity(stage, inputs)
    drawn = demand(stage, population, inputs, capacity, sap)
    if stage.shares:
        figures = {**drawn, **consequences(stage, inputs, drawn, capacity)}
        return drawn, figures["gap"], _reduced(figures, wanted)
    ranks = {name: over_draws(drawn[name], 1, QUANTILES, how=ranked) for name in RISING if name in drawn}
    at_ranks = consequences(stage, inputs, {name: np.moveaxis(v, 0, 1) for name, v in ranks.items()}, capacity)
    fixed = {name: values for name, values in at_ranks.items() if values.shape[1] == 1}  # the same in every draw
    found = _reduced({**{n: v for n, v in drawn.items() if n not in ranks}, **fixed}, wanted)
    rising = {**ranks, **{n: np.moveaxis(v, 1, 0) for n, v in at_ranks.items() if n not in fixed}}
    for name, values in rising.items():  # [2 q, year, area] at the ranks of QUANTILES
        rows = [2 * QUANTILES.index(q) + side for q in wanted[name] for side in (0, 1)]
        found[name] = interpolated(values[rows], population.shape[1], wanted[name])
    return drawn, gp.gap(drawn["public_demand"], fixed["public_capacity"]), found


def _reduced(figures: dict[str, Array], wanted: dict[str, tuple[float, ...]]) -> dict[str, Array]:
    """Each figure's quantiles ``[q, year, area]`` over its draws; a figure under two names is reduced once."""
    done: dict[tuple[int, tuple[float, ...]], Array] = {}
    for name, values in figures.items():
        key = (id(values), wanted[name])
        if key not in done:
            done[key] = over_draws(values, 1, wanted[name])
    return {name: done[id(values), wanted[name]] for name, values in figures.items()}


def _project(population: PopulationInputs, draws: dr.Draws, school_ages: SchoolAges) -> Projection:
    """The cohort-component projection of every draw (one fused pass per year, models.ensemble), its school
    ages summed into ``school_ages``."""
    assert population.survival is not None and population.fertility is not None
    assert population.sex_ratio_at_birth is not None and population.infant_survival is not None
    shape = (population.fertility.shape[0], *population.base.shape)
    zeros = np.zeros(shape)
    counts = zeros if population.migration is None else population.migration
    rates = zeros if population.migration_rate is None else population.migration_rate
    srb = population.sex_ratio_at_birth
    share = np.stack([1 / (1 + srb), srb / (1 + srb)], axis=-1) * population.infant_survival
    observed = np.full(shape[:2], np.nan) if population.births is None else population.births
    planned = population.housing(shape[0])  # the residents of every development, in their districts
    return project_draws(
        population.base,
        population.survival,
        population.fertility,
        draws.tfr,
        share,
        counts,
        rates,
        zeros,
        observed,
        draws.migration,
        (planned, draws.housing, draws.delay) if population.developments else None,
        population.flows,
        _workspace(population.fertility.shape[0] * population.base.size * len(draws.tfr)),
        school_ages,
    )


_WORKSPACE = threading.local()
"""Each thread's memory to project chunks into, reused chunk after chunk (see :func:`_workspace`)."""


def _workspace(cells: int) -> Array:
    """This thread's projection memory, of at least ``cells``: written once, its pages stay mapped, so the
    next chunk does not fault on every 4 KB of fresh memory (a sixth of a run). Freed by :func:`run_ensemble`."""
    held = getattr(_WORKSPACE, "memory", None)
    if held is None or held.size < cells:
        _WORKSPACE.memory = held = np.empty(cells)
    return held


def run_ensemble(
    inputs: Inputs,
    draws: int,
    seed: int,
    client: Any = None,
    budget: float = MEMORY_BUDGET,
    log: Any = lambda step: None,
    plan_quantile: float | None = None,
) -> xr.Dataset:
    """The ensemble Result: medians under the usual names, ``_p5``/``_p95`` bands and ``p_shortage``
    (and ``enrolment_q``, ``public_choice_q`` at ``plan_quantile``)."""
    if inputs.scenario.population.method != "cohort_component":
        raise ScenarioError(
            f"--draws needs population method cohort_component, not {inputs.scenario.population.method}"
        )
    if draws < 1:
        raise ScenarioError(f"--draws {draws}: give at least 1 draw")
    certain = not any(inputs.scenario.uncertainty.model_dump().values())
    if certain and all(stage.progression is None for stage in inputs.stages):  # records replay their own errors
        inputs.warnings.append(
            f"{inputs.loaded.where('uncertainty')}: nothing is perturbed, so all {draws} draws are the same; "
            "give tfr, migration_scale, housing_delivery or housing_delay"
        )
    capacity = capacities(inputs)
    at_once = get_num_threads() if client is None else 1  # chunks side by side
    groups = chunks(inputs, draws, budget, at_once)
    check_memory(inputs, groups, draws, at_once, client)
    perturbation = dr.draw(inputs.scenario.uncertainty, draws, seed)
    if any(stage.progression is not None for stage in inputs.stages):  # records need births and housing pupils
        projection, developments = project(inputs.population, len(inputs.years))
        inputs = with_housing_pupils(with_projected_births(inputs, projection.births), developments)
        inputs = with_rules(replayed_errors(inputs, perturbation.past))  # one rule for every chunk
    log(f"projecting {draws} draws in {len(groups)} chunk(s)")
    parts = (subset(inputs, index, capacity) for index in groups)  # made one at a time: memory stays bounded
    results: Iterable[dict[str, Array]]
    if client is None:  # each chunk's quantiles are put in place as soon as they are made
        results = _side_by_side(parts, perturbation, plan_quantile)
    else:
        results = _in_order(client.map(run_chunk, list(parts), draws=perturbation, plan_quantile=plan_quantile))
    try:
        merged = _merge(inputs, groups, results, areas(inputs.stages)[0])
    finally:
        _WORKSPACE.memory = None  # the projection memory goes with the run, finished or not
    projection = Projection(*(merged.pop(f"projection.{f}") for f in Projection.__dataclass_fields__))
    peaks = merged.pop(SHORTAGE_BY_DRAW).max(axis=1)  # [stage, draw]: each draw's peak, over the years
    extra = ("_p5", "_p95", "_q")
    banded = {name: merged.pop(name) for name in list(merged) if name.endswith(extra) or name == "p_shortage"}
    result = assemble(inputs, projection, merged)
    for name, values in banded.items():
        result[name] = (("stage", "area", "year"), values)
    for name, values in zip(PEAK_BANDS, over_draws(peaks, 1, QUANTILES), strict=True):
        result[name] = ("stage", values)
    result.attrs.update(draws=draws, seed=seed)
    return result


def _side_by_side(parts: Iterator[Inputs], draws: dr.Draws, plan_quantile: float | None) -> Iterator[dict[str, Array]]:
    """Each chunk's result in turn, made one chunk per core at a time: a chunk's NumPy figures run on one core,
    so two chunks side by side keep both busy. The first chunk runs alone (its kernels compile once); the rest
    go side by side only where numba's threads allow kernels launched from two threads (else one by one)."""
    first = next(parts, None)
    if first is None:
        return
    yield run_chunk(first, draws, plan_quantile)
    cores = get_num_threads()
    if cores == 1 or not threadsafe():
        yield from (run_chunk(part, draws, plan_quantile) for part in parts)
        return

    _WORKSPACE.memory = None  # the threads below have memory of their own

    def alone(part: Inputs) -> dict[str, Array]:
        set_num_threads(1)  # this thread's kernels on one core: the chunks share the cores
        return run_chunk(part, draws, plan_quantile)

    with ThreadPoolExecutor(cores) as pool:
        pending: deque[Future[dict[str, Array]]] = deque()
        for part in parts:  # at most one chunk per core in memory at once
            pending.append(pool.submit(alone, part))
            if len(pending) == cores:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _in_order(futures: list[Any]) -> Iterator[dict[str, Array]]:
    """Each chunk's result in turn, released from the cluster once taken (never all held at once)."""
    pending = deque(futures)
    while pending:
        yield pending.popleft().result()


SHORTAGE_BY_DRAW = "shortage_by_draw"
"""Each chunk's part of the pupils short of a public place in all areas ``[stage, year, draw]``: summed over
the chunks (every area lies in one), they are each draw's city-wide shortage."""


def _merge(
    inputs: Inputs, groups: list[NDArray[np.intp]], results: Iterable[dict[str, Array]], all_areas: list[str]
) -> dict[str, Array]:
    """Put each chunk's districts and areas in their places."""
    merged: dict[str, Array] = {}
    for index, result in zip(groups, results, strict=True):
        local = list(dict.fromkeys(area for stage in inputs.stages for area in (stage.area_of[i] for i in index)))
        area = index_of(local, all_areas)
        for name, values in result.items():
            if name == SHORTAGE_BY_DRAW:
                merged[name] = merged.get(name, 0.0) + values
                continue
            by_district = name.startswith("projection.")
            if name not in merged:  # made once, not once a chunk
                merged[name] = (
                    np.zeros((values.shape[0], len(inputs.districts.codes), *values.shape[2:]))
                    if by_district
                    else np.full((values.shape[0], len(all_areas), values.shape[2]), np.nan)
                )
            merged[name][:, index if by_district else area] = values
    return merged
