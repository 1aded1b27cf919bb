"""The engine: a scenario's inputs in, the Result (an xarray Dataset) out.

The Result has dims ``year, district, sex, age`` for the population and
``stage, area, year`` for the place figures. ``area`` is every planning area
of any stage; a stage's figures are NaN in areas it is not planned by, and
``planned[stage, area]`` says which are.
"""

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from .. import __version__
from ..models import SEXES
from ..models import capacity as cap
from ..models import enrolment as enr
from ..models import gap as gp
from ..models.housing import pupil_yield
from ..models.population import Array, Projection
from ..models.progression import forecast
from ..scenarios.capacity import Lines
from ..scenarios.inputs import Inputs, ProgressionInputs, StageInputs
from .project import project

FIGURES = (
    "school_age_population",
    "enrolment",
    "public_demand",
    "public_capacity",
    "gap",
    "utilization",
    "classes_needed",
    "teachers_needed",
    "cost",
    "private_capacity",
    "inclusive_demand",
    "inclusive_capacity",
    "inclusive_gap",
    "teachers",
    "teacher_gap",
    "class_size",
    "cost_per_place",
)
"""Figures per (stage, area, year), in the order of results.csv."""


def run(inputs: Inputs, log: Callable[[str], None] = lambda step: None) -> xr.Dataset:
    """Project the population and compute places needed, capacity and gap."""
    log("projecting population")
    projection, developments = project(inputs.population, len(inputs.years))
    log("computing places needed, capacity and gap")
    areas = _areas(inputs.stages)[0]
    inputs = with_housing_pupils(with_projected_births(inputs, projection.births), developments)
    result = assemble(inputs, projection, stage_figures(inputs, projection.population, areas))
    if developments:
        result["pupil_yield"] = _pupil_yield(inputs, developments)
    return result


def assemble(inputs: Inputs, projection: Projection, figures: dict[str, Array]) -> xr.Dataset:
    """The Result: population and its components by district, figures ``[stage, area, year]``, area shapes."""
    areas, area_names, area_names_en = _areas(inputs.stages)
    population_sexes = list(SEXES) if projection.population.shape[2] == 2 else ["total"]
    result = xr.Dataset(
        {
            "population": (("year", "district", "sex", "age"), projection.population),
            "births": (("year", "district"), projection.births),
            "deaths": (("year", "district"), projection.deaths),
            "net_migration": (("year", "district"), projection.net_migration),
            "clipped": (("year", "district"), projection.clipped),
            **{name: (("stage", "area", "year"), values) for name, values in figures.items()},
            "planned": (("stage", "area"), planned_areas(inputs, areas)),
        },
        coords={
            "year": inputs.years,
            "district": inputs.districts.codes,
            "district_name": ("district", inputs.districts.names),
            "district_name_en": ("district", inputs.districts.names_en),
            "sex": population_sexes,
            "age": np.arange(projection.population.shape[-1]),
            "stage": [stage.name for stage in inputs.stages],
            "area": areas,
            "area_name": ("area", [area_names[a] for a in areas]),
            "area_name_en": ("area", [area_names_en[a] for a in areas]),
        },
        attrs=_attributes(inputs),
    )
    if inputs.boundaries is not None:
        result["geometry_wkt"] = ("area", _area_shapes(inputs, areas))
    inputs.warnings.extend(_warnings(result))
    return result


def planned_areas(inputs: Inputs, areas: list[str]) -> NDArray[np.bool_]:
    """``[stage, area]``: which areas each stage is planned by."""
    return np.array([[area in stage.area_of for area in areas] for stage in inputs.stages])


def stage_figures(inputs: Inputs, population: Array, areas: list[str]) -> dict[str, Array]:
    """Every figure ``[..., stage, area, year]`` from a population ``[year, ..., district, sex, age]``.

    ``...`` is any batch (the draws of an ensemble); NaN where a stage is not planned.
    """
    batch = population.shape[1:-3]
    figures = {name: np.full((*batch, len(inputs.stages), len(areas), len(inputs.years)), np.nan) for name in FIGURES}
    for k, stage in enumerate(inputs.stages):
        columns = [areas.index(a) for a in dict.fromkeys(stage.area_of)]
        for name, values in _stage_figures(stage, population, inputs.lines, inputs).items():
            figures[name][..., k, columns, :] = np.moveaxis(
                np.broadcast_to(values, (values.shape[0], *batch, values.shape[-1])), 0, -1
            )
    return figures


def _areas(stages: list[StageInputs]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Every planning area of any stage, with its names in Chinese and English."""
    names: dict[str, str] = {}
    names_en: dict[str, str] = {}
    for stage in stages:
        for area in stage.area_of:
            names.setdefault(area, stage.area_names[area])
            names_en.setdefault(area, stage.area_names_en[area])
    return list(names), names, names_en


def _per_area(values: Array, stage: StageInputs) -> tuple[Array, list[str]]:
    """Sum ``[year, district]`` into ``[year, area]`` of the stage's planning areas."""
    areas = list(dict.fromkeys(stage.area_of))
    index = np.array([areas.index(a) for a in stage.area_of], dtype=np.intp)
    return cap.area_totals(values, index, len(areas)), areas


def _first_of_area(values: Array, stage: StageInputs) -> Array:
    """A ``[year, district]`` standard as ``[year, area]`` (one value per area, see read_stage)."""
    areas = list(dict.fromkeys(stage.area_of))
    return values[:, [stage.area_of.index(a) for a in areas]]


def _stage_figures(stage: StageInputs, population: Array, lines: Lines, inputs: Inputs) -> dict[str, Array]:
    """All figures of one stage as ``[year, ..., area]`` (``...`` the population's batch)."""
    sap = enr.school_age_population(population, stage.lo, stage.hi)
    nb = sap.ndim - 2

    def b(values: Array) -> Array:
        """A ``[year, district or area]`` parameter broadcast over the batch."""
        return values.reshape(values.shape[0], *[1] * nb, values.shape[-1])

    if stage.progression is None:
        pupils = enr.enrolment(sap, b(stage.gross_enrolment))
    else:
        recorded = b(recorded_and_forecast(stage.progression, inputs.years) + stage.progression.housing_pupils)
        if stage.progression.draw_factor is not None:  # an ensemble replaying past errors, draw by draw
            recorded = recorded * stage.progression.draw_factor
        pupils = np.broadcast_to(recorded, sap.shape)
    public = enr.public_demand(
        pupils, b(stage.migrant_share), b(stage.public_share_local), b(stage.public_share_migrant)
    )
    capacity = {name: b(values) for name, values in (stage.capacity or _capacity(stage, lines, inputs)).items()}
    summed = {
        "school_age_population": sap,
        "enrolment": pupils,
        "public_demand": public,
        **capacity,
    }
    if stage.inclusive_share is not None:
        summed["inclusive_demand"] = enr.inclusive_demand(pupils, b(stage.inclusive_share))
    out = {name: _per_area(values, stage)[0] for name, values in summed.items()}
    class_size = b(_first_of_area(stage.class_size, stage))
    out["gap"] = gp.gap(out["public_demand"], out["public_capacity"])
    out["utilization"] = gp.utilization(out["public_demand"], out["public_capacity"])
    out["classes_needed"] = gp.classes_needed(out["public_demand"], class_size)
    out["teachers_needed"] = gp.teachers_needed(
        out["public_demand"], b(_first_of_area(stage.pupil_teacher_ratio, stage))
    )
    out["class_size"], out["cost_per_place"] = class_size, b(_first_of_area(stage.cost_per_place, stage))
    out["cost"] = gp.shortage_cost(out["gap"], out["cost_per_place"])
    if stage.inclusive_share is not None:
        out["inclusive_gap"] = gp.gap(out["inclusive_demand"], out["inclusive_capacity"])
    else:
        out.pop("inclusive_capacity")
    if "teachers" in out:
        out["teacher_gap"] = out["teachers_needed"] - out["teachers"]
    return out


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


def capacities(inputs: Inputs) -> list[dict[str, Array]]:
    """Each stage's capacity figures ``[year, district]`` (they do not vary between draws)."""
    return [_capacity(stage, inputs.lines, inputs) for stage in inputs.stages]


def _capacity(stage: StageInputs, lines: Lines, inputs: Inputs) -> dict[str, Array]:
    """Public, private and inclusive places (and public teachers where given) ``[year, district]``."""
    codes = inputs.districts.codes
    mine = np.flatnonzero(np.array(lines.stage) == stage.name)
    district = np.array([codes.index(lines.district[i]) for i in mine], dtype=np.intp)
    parent = lines.parent[mine]
    closes = np.minimum(lines.closes[mine], lines.closes[parent])
    open_ = cap.is_open(lines.opens[mine], closes, inputs.years)
    public = open_ & (inputs.years[:, None] >= lines.public_from[parent][None, :])
    places = cap.school_places(lines.classes[mine], lines.places[mine], stage.class_size[:, district]) * open_

    def by_district(values: Array) -> Array:
        return cap.area_totals(values, district, len(codes))

    out = {
        "public_capacity": by_district(places * public),
        "private_capacity": by_district(places * ~public),
        "inclusive_capacity": by_district(places * (public | lines.inclusive[parent])),
    }
    teachers = lines.teachers[mine]
    if not np.isnan(teachers).all():
        out["teachers"] = by_district(np.nan_to_num(teachers) * public)
    return out


def _pupil_yield(inputs: Inputs, developments: dict[str, Array]) -> xr.DataArray:
    """Pupils per 100 dwellings of each development, by stage and year."""
    values = np.zeros((len(developments), len(inputs.stages), len(inputs.years)))
    for i, (name, population) in enumerate(developments.items()):
        for k, stage in enumerate(inputs.stages):
            pupils = enr.enrolment(enr.school_age_population(population, stage.lo, stage.hi), stage.gross_enrolment)
            values[i, k] = pupil_yield(pupils.sum(axis=1), inputs.population.dwellings[name])
    return xr.DataArray(
        values,
        dims=("development", "stage", "year"),
        coords={"development": list(developments), "stage": [s.name for s in inputs.stages], "year": inputs.years},
    )


def _area_shapes(inputs: Inputs, areas: list[str]) -> list[str]:
    """Each area's shape (districts dissolved) as WKT, so the Result is self-contained for maps."""
    shapes = inputs.boundaries.geometry
    members: dict[str, list[str]] = {area: [] for area in areas}
    for stage in inputs.stages:
        for code, area in zip(inputs.districts.codes, stage.area_of, strict=True):
            if code not in members[area]:
                members[area].append(code)
    return [shapes.loc[members[area]].union_all().wkt for area in areas]


def _attributes(inputs: Inputs) -> dict[str, str | int]:
    scenario = inputs.scenario
    return {
        "scenario": scenario.name,
        "title": scenario.title or scenario.name,
        "options": ", ".join(scenario.options),
        "currency": scenario.currency,
        "base_year": scenario.base_year,
        "population_method": scenario.population.method,
        "placeplan_version": __version__,
    }


def _warnings(result: xr.Dataset) -> list[str]:
    """Suspicious but legal results (``--strict`` makes them errors)."""
    notes = []
    clipped = result["clipped"].sum("year")
    for code in result["district"].values[clipped.values > 0]:
        notes.append(
            f"population: net migration would make cells negative in district {code}; "
            f"{float(clipped.sel(district=code)):.1f} persons added back in all"
        )
    empty = result["planned"] & (result["public_capacity"].max("year") == 0)
    for stage, area in zip(*np.nonzero(empty.values), strict=True):
        notes.append(
            f"capacity: no public {result['stage'].values[stage]} places in area "
            f"{result['area'].values[area]} ({result['area_name'].values[area]}) in any year"
        )
    return notes


__all__ = ["FIGURES", "run"]
