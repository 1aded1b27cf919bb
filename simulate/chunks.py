"""Chunks of an ensemble: groups of districts that keep planning areas whole and fit in memory, each run
as a scenario of its own (:func:`subset`)."""

import os
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..models.population import Array, Flows
from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import RATES, Districts, Inputs
from ..scenarios.progression import ProgressionInputs

MEMORY_BUDGET = 600e6
"""Bytes a chunk may take (population of all draws, migration, temporaries)."""


def chunks(inputs: Inputs, draws: int, budget: float = MEMORY_BUDGET, at_once: int = 1) -> list[NDArray[np.intp]]:
    """Groups of district indexes that keep planning areas whole; ``at_once`` of them fit the memory budget."""
    codes = inputs.districts.codes
    group = list(range(len(codes)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for stage in inputs.stages:
        first: dict[str, int] = {}
        for i, area in enumerate(stage.area_of):
            group[root(i)] = root(first.setdefault(area, i))
    flows = inputs.population.flows
    for origin, destination in [] if flows is None else zip(flows.origin, flows.destination, strict=True):
        group[root(int(origin))] = root(int(destination))  # flows join districts: keep them together
    components: dict[int, list[int]] = {}
    for i in range(len(codes)):
        components.setdefault(root(i), []).append(i)
    cells = len(inputs.years) * draws * inputs.population.base.size / len(codes)  # per district
    per_chunk = max(1, int(budget / at_once / (cells * 8 * 6)))
    out: list[list[int]] = [[]]
    for members in components.values():
        if out[-1] and len(out[-1]) + len(members) > per_chunk:
            out.append([])
        out[-1].extend(members)
    return [np.array(c, dtype=np.intp) for c in out]


def check_memory(
    inputs: Inputs, groups: list[NDArray[np.intp]], draws: int, at_once: int = 1, client: Any = None
) -> None:
    """Refuse ``draws`` whose projection of the largest group of districts (``at_once`` groups side by side)
    needs more than four fifths of the memory it would run in: this machine's, or the smallest Dask worker's.
    Checked before any draw is made, so an extra zero fails at once, not after minutes of swapping."""
    workers = [] if client is None else [w.get("memory_limit") for w in client.scheduler_info()["workers"].values()]
    memory = machine_memory() if client is None else min(filter(None, workers), default=None)
    per_draw = len(inputs.years) * inputs.population.base[0].size * 8 * max(map(len, groups)) * at_once  # bytes
    if memory is None or per_draw * draws <= 0.8 * memory:
        return
    where = "this machine has" if client is None else "the smallest Dask worker may use"
    raise ScenarioError(
        f"--draws {draws}: the projection of {draws:,} draws needs {_size(per_draw * draws)} of memory and {where} "
        f"{_size(memory)}; give fewer draws (1,000 need {_size(per_draw * 1000)})"
    )


def _size(size: float) -> str:
    """Bytes as a person reads them: 12 MiB, 0.3 GiB, 289 GiB."""
    if size < 2**28:
        return f"{size / 2**20:,.0f} MiB"
    return f"{size / 2**30:,.{1 if size < 10 * 2**30 else 0}f} GiB"


def machine_memory() -> int | None:
    """This machine's memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # Windows has no sysconf
        return None


def subset(inputs: Inputs, index: NDArray[np.intp], capacity: list[dict[str, Array]]) -> Inputs:
    """The scenario restricted to the districts ``index`` (capacity already computed)."""
    pop = inputs.population

    def by_year(values: Any) -> Any:
        return None if values is None else values[:, index]

    population = replace(
        pop,
        base=pop.base[index],
        survival=by_year(pop.survival),
        fertility=by_year(pop.fertility),
        sex_ratio_at_birth=by_year(pop.sex_ratio_at_birth),
        infant_survival=by_year(pop.infant_survival),
        births=by_year(pop.births),
        migration=by_year(pop.migration),
        migration_rate=by_year(pop.migration_rate),
        flows=None if pop.flows is None else _flows_subset(pop.flows, index),
        developments={
            name: replace(development, district=int(np.flatnonzero(index == development.district)[0]))
            for name, development in pop.developments.items()
            if development.district in index
        },
    )
    stages = [
        replace(
            stage,
            **{key: by_year(getattr(stage, key)) for key in RATES},
            area_of=[stage.area_of[i] for i in index],
            capacity={name: values[:, index] for name, values in caps.items()},
            progression=None if stage.progression is None else _progression_subset(stage.progression, index),
        )
        for stage, caps in zip(inputs.stages, capacity, strict=True)
    ]
    d = inputs.districts
    districts = Districts(
        [d.codes[i] for i in index], [d.names[i] for i in index], [d.names_en[i] for i in index], d.frame.iloc[index]
    )
    return replace(inputs, districts=districts, population=population, stages=stages, boundaries={}, warnings=[])


def _flows_subset(flows: Flows, index: NDArray[np.intp]) -> Flows | None:
    """The moves among the districts ``index`` (a chunk holds both ends of every flow), numbered within it."""
    keep = np.isin(flows.origin, index)
    if not keep.any():
        return None
    position = np.full(max(int(index.max()), int(flows.destination.max())) + 1, -1, dtype=np.intp)
    position[index] = np.arange(len(index))
    return Flows(position[flows.origin[keep]], position[flows.destination[keep]], flows.persons[:, keep])


def _progression_subset(p: ProgressionInputs, index: NDArray[np.intp]) -> ProgressionInputs:
    """District records of the chunk's districts (school records would need the schools of those districts)."""
    if p.district_of is not None:
        keep = np.isin(p.district_of, index)
        remap = {d: i for i, d in enumerate(index)}
        return replace(
            p,
            history=p.history[..., keep],
            schools=[s for s, k in zip(p.schools or [], keep, strict=True) if k],
            district_of=np.array([remap[d] for d in p.district_of[keep]], dtype=np.intp),
            births=p.births[:, index],
            housing_pupils=_columns(p.housing_pupils, index),
            draw_factor=None if p.draw_factor is None else p.draw_factor[..., index],
        )
    return replace(
        p,
        history=p.history[..., index],
        births=p.births[:, index],
        housing_pupils=_columns(p.housing_pupils, index),
        draw_factor=None if p.draw_factor is None else p.draw_factor[..., index],
    )


def _columns(values: Array | float, index: NDArray[np.intp]) -> Array | float:
    return values if isinstance(values, float) else values[..., index]
