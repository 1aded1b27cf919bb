"""The build plan's problem: a scenario's figures, sites, schools and standards as a MILP ``Problem``.

Every (stage, planning area) is a group; its demand, places and standards come
from the scenario's Result and stage inputs, its sites from ``plan: sites``
(or one per group), the schools that may grow from ``max_classes`` and the
size cap, and the schools that may be converted from ``convertible``.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from ..models.plan import GROUPED, Convertible, Problem, Site
from ..models.population import Array
from ..scenarios.boundaries import bordering
from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs, StageInputs
from .capacity import line_places
from .figures import area_standard

SIZES = {
    "preschool": (6, 9, 12),
    "primary": (24, 36, 48),
    "junior": (24, 36, 48),
    "senior_general": (36, 48, 60),
    "senior_vocational": (36, 48, 60),
}
"""Standard school sizes in classes (MODEL.md), for stages the scenario gives none."""


@dataclass(frozen=True)
class Options:
    """What the planner asked for on the command line (None: the scenario's ``plan:``)."""

    budget: float | None = None
    budget_per_year: float | None = None
    lead_time: int | None = None
    time_limit: float | None = None
    gap: float | None = None
    neighbour_share: float | None = None


@dataclass
class Groups:
    """The (stage, area) pairs the plan works on, and what each needs from the scenario."""

    keys: list[tuple[str, str]] = field(default_factory=list)
    districts: list[list[str]] = field(default_factory=list)
    """Districts of each group's area."""
    site_of: list[tuple[int, str, str]] = field(default_factory=list)
    """Each site: its group, its district and the name of the schools built there."""
    schools: list[list[tuple[int, float]]] = field(default_factory=list)
    """Each group's public schools that may grow: (line, classes they may add)."""
    convertible: list[int] = field(default_factory=list)
    """The line of each convertible school."""


def problem(
    inputs: Inputs, result: xr.Dataset, options: Options, demand: xr.Dataset | None = None
) -> tuple[Problem, Groups]:
    """The MILP of ``inputs`` given its Result (``demand``: enrolment and public choice to plan for instead)."""
    spec = inputs.scenario.plan
    demand = result if demand is None else demand
    groups = Groups()
    rows: dict[str, list[Array]] = {name: [] for name in GROUPED}
    headroom: list[float] = []
    moving: list[Array] = []
    for stage in inputs.stages:
        for area in dict.fromkeys(stage.area_of):
            groups.keys.append((stage.name, area))
            groups.districts.append(
                [c for c, a in zip(inputs.districts.codes, stage.area_of, strict=True) if a == area]
            )
            one: dict[str, str] = {"stage": stage.name, "area": area}
            rows["public_choice"].append(demand["public_choice"].sel(one).values)
            rows["enrolment"].append(demand["enrolment"].sel(one).values)
            rows["private_places"].append(result["private_capacity"].sel(one).values)
            rows["public_places"].append(result["public_capacity"].sel(one).values)
            for name, key in STANDARDS.items():
                rows[name].append(_standard(stage, key, area))
            moving.append(_standard(stage, "transport_cost_per_pupil_year", area))
            rows["salary_per_pupil"].append(
                _standard(stage, "salary", area) / _standard(stage, "pupil_teacher_ratio", area)
            )
            growing = _growing(inputs, stage, area)
            groups.schools.append(growing)
            headroom.append(float(sum(room for _, room in growing)))
    arrays = {name: np.array(values) for name, values in rows.items()}
    sites = _sites(inputs, groups)
    convertibles = _convertibles(inputs, groups)
    budget = options.budget if options.budget is not None else spec.budget
    per_year = options.budget_per_year if options.budget_per_year is not None else spec.budget_per_year
    lead = options.lead_time if options.lead_time is not None else spec.lead_time
    sharing = options.neighbour_share if options.neighbour_share is not None else spec.neighbour_share
    if lead >= len(inputs.years):
        raise ScenarioError(f"--lead-time {lead}: the run has {len(inputs.years)} years; nothing could take effect")
    penalty = spec.penalty_per_pupil_year or float(np.nanmax(arrays["cost_per_place"])) or 1.0
    built = Problem(
        **arrays,
        headroom=np.array(headroom),
        sites=sites,
        convertibles=convertibles,
        first=lead,
        penalty=penalty,
        budget=math.inf if budget is None else budget,
        budget_per_year=math.inf if per_year is None else per_year,
        transport_cost=np.array(moving),
        neighbours=_neighbours(inputs, groups) if sharing > 0 else [],
        neighbour_share=sharing,
    )
    return built, groups


STANDARDS = {
    "class_size": "class_size",
    "cost_per_place": "cost_per_place",
    "cost_per_class": "cost_per_class",
    "conversion_cost": "conversion_cost_per_place",
    "price_per_bought_place": "price_per_bought_place",
}


def _standard(stage: StageInputs, key: str, area: str) -> Array:
    areas = list(dict.fromkeys(stage.area_of))
    return area_standard(getattr(stage, key), stage)[:, areas.index(area)]


def _cap_classes(stage: StageInputs) -> float:
    """The most classes a school may have under the stage's school-size cap (at its largest class size)."""
    cap = stage.targets.get("max_school_size")
    return math.inf if cap is None else math.floor(float(np.nanmin(cap)) / float(stage.class_size.max()))


def _growing(inputs: Inputs, stage: StageInputs, area: str) -> list[tuple[int, float]]:
    """Public schools of the area that may add classes: up to ``max_classes`` and the size cap."""
    lines, codes = inputs.lines, inputs.districts.codes
    last = float(inputs.years[-1])
    out = []
    for i, (kind, name) in enumerate(zip(lines.kind, lines.stage, strict=True)):
        if kind != "school" or name != stage.name or stage.area_of[codes.index(lines.district[i])] != area:
            continue
        if lines.public_from[i] > inputs.years[0] or lines.closing()[i] <= last or np.isnan(lines.max_classes[i]):
            continue
        grown = np.nansum(lines.classes[(lines.parent == i) & (np.array(lines.kind) == "expand")])
        room = min(lines.max_classes[i], _cap_classes(stage)) - lines.classes[i] - grown
        if room >= 1:
            out.append((i, float(math.floor(room))))
    return out


def _sites(inputs: Inputs, groups: Groups) -> list[Site]:
    """The sites table (or one site per group), each with the standard sizes the size cap allows."""
    spec = inputs.scenario.plan
    stages = {stage.name: stage for stage in inputs.stages}

    def sizes(stage: str) -> tuple[int, ...]:
        allowed = spec.sizes.get(stage, SIZES.get(stage, ()))
        return tuple(c for c in allowed if c <= _cap_classes(stages[stage]))

    sites = []
    if not inputs.sites:
        for g, (stage, _) in enumerate(groups.keys):
            if sizes(stage):
                district = groups.districts[g][0]
                sites.append(Site(g, sizes(stage)))
                groups.site_of.append((g, district, ""))
        return sites
    codes = inputs.districts.codes
    for row in inputs.sites:
        g = groups.keys.index((row.stage, stages[row.stage].area_of[codes.index(row.district)]))
        if sizes(row.stage):
            sites.append(Site(g, sizes(row.stage), row.most, row.land_cost))
            groups.site_of.append((g, row.district, row.name))
    return sites


def _neighbours(inputs: Inputs, groups: Groups) -> list[tuple[int, int]]:
    """Groups of one stage whose areas share a border, both ways (from the districts' boundaries)."""
    if not inputs.boundaries:
        raise ScenarioError(
            f"{inputs.loaded.where('plan', 'neighbour_share')}: placing pupils in neighbouring areas needs the "
            "districts' boundaries to know which areas touch; give boundaries: or set neighbour_share: 0"
        )
    codes = inputs.districts.codes
    area_of = {stage.name: dict(zip(codes, stage.area_of, strict=True)) for stage in inputs.stages}
    index = {key: g for g, key in enumerate(groups.keys)}
    pairs = {
        (index[stage, areas[a]], index[stage, areas[b]])
        for a, b in bordering(inputs.boundaries)
        for stage, areas in area_of.items()
        if areas[a] != areas[b]
    }
    return sorted(pairs)


def _convertibles(inputs: Inputs, groups: Groups) -> list[Convertible]:
    """Private schools marked convertible, with their places (and so pupils, as they are full) by year."""
    lines, codes = inputs.lines, inputs.districts.codes
    stages = {stage.name: stage for stage in inputs.stages}
    out = []
    for i in np.flatnonzero(lines.convertible):
        stage = stages[lines.stage[i]]
        g = groups.keys.index((stage.name, stage.area_of[codes.index(lines.district[i])]))
        places = line_places(stage, lines, np.array([i]), codes, inputs.years)[:, 0]
        out.append(Convertible(g, places, places.copy()))
        groups.convertible.append(int(i))
    return out
