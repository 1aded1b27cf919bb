"""The place figures of every stage, area and year: who sits where, the gap, teachers and money.

Population in, figures ``[..., stage, area, year]`` out (``...`` the draws of
an ensemble). Capacity by district comes from :mod:`.capacity`; everything
about sectors is decided per planning area (MODEL.md, "Capacity and who sits
where"): the private sector absorbs pupils up to its places, the public
sector takes the rest.
"""

import numpy as np
from numpy.typing import NDArray

from ..models import capacity as cap
from ..models import costs
from ..models import enrolment as enr
from ..models import gap as gp
from ..models.population import Array
from ..scenarios.inputs import Inputs, StageInputs
from ..scenarios.tables import index_of
from .capacity import district_capacity
from .records import recorded_and_forecast

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
    "private_enrolment",
    "public_choice",
    "private_capacity",
    "bought_places",
    "capital_cost",
    "recurrent_cost",
    "shortage_cost",
    "inclusive_demand",
    "inclusive_capacity",
    "inclusive_gap",
    "teachers",
    "teacher_gap",
    "class_size",
    "cost_per_place",
    "pupils_placed_out",
    "pupils_placed_in",
)
"""Figures per (stage, area, year), in the order of results.csv."""
PEAK_BANDS = ("peak_shortage_p5", "peak_shortage_p50", "peak_shortage_p95")
"""An ensemble's quantiles over its draws of each draw's peak city-wide shortage ``[stage]``: the largest, over
the years, of ``sum over areas of max(gap, 0)`` in that draw."""
SEATS = ("public_capacity", "private_capacity", "bought_places", "teachers")
"""Capacity figures reported as they are."""


def areas(stages: list[StageInputs]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Every planning area of any stage, with its names in Chinese and English."""
    names: dict[str, str] = {}
    names_en: dict[str, str] = {}
    for stage in stages:
        for area in stage.area_of:
            names.setdefault(area, stage.area_names[area])
            names_en.setdefault(area, stage.area_names_en[area])
    return list(names), names, names_en


def stage_figures(inputs: Inputs, population: Array, all_areas: list[str]) -> dict[str, Array]:
    """Every figure ``[..., stage, area, year]`` from a population ``[year, ..., district, sex, age]``.

    ``...`` is any batch (the draws of an ensemble); NaN where a stage is not planned.
    """
    batch = population.shape[1:-3]
    shape = (*batch, len(inputs.stages), len(all_areas), len(inputs.years))
    figures = {name: np.full(shape, np.nan) for name in FIGURES}
    for k, stage in enumerate(inputs.stages):
        columns = index_of(stage.areas, all_areas)
        for name, values in one_stage(stage, population, inputs).items():
            figures[name][..., k, columns, :] = np.moveaxis(
                np.broadcast_to(values, (values.shape[0], *batch, values.shape[-1])), 0, -1
            )
    return figures


def per_area(values: Array, stage: StageInputs) -> Array:
    """Sum ``[..., district]`` into ``[..., area]`` of the stage's planning areas (``values`` themselves where
    each district is its own area, in order: an ensemble's chunk of one district)."""
    if len(stage.areas) == len(stage.area_index) and (stage.area_index == np.arange(len(stage.areas))).all():
        return values
    return cap.area_totals(values, stage.area_index, len(stage.areas))


def area_standard(values: Array, stage: StageInputs) -> Array:
    """A ``[year, district]`` standard as ``[year, area]`` (one value per area, see read_stage)."""
    return values[:, stage.first_districts]


def stage_pupils(
    stage: StageInputs, population: Array, years: NDArray[np.int64], sap: Array | None = None
) -> tuple[Array, Array]:
    """School-age population and pupils ``[year, ..., district]`` (from records where the stage has them);
    ``sap``, the school-age population, when it is already summed."""
    sap = enr.school_age_population(population, stage.lo, stage.hi) if sap is None else sap
    nb = sap.ndim - 2
    if stage.progression is None:
        rate = stage.gross_enrolment.reshape(len(years), *[1] * nb, -1)
        return sap, enr.enrolment(sap, rate)
    recorded = recorded_and_forecast(stage.progression, years, stage.name) + stage.progression.housing_pupils
    recorded = recorded.reshape(len(years), *[1] * nb, -1)
    if stage.progression.draw_factor is not None:  # an ensemble replaying past errors, draw by draw
        recorded = recorded * stage.progression.draw_factor
    return sap, np.broadcast_to(recorded, sap.shape)


def one_stage(stage: StageInputs, population: Array, inputs: Inputs, sap: Array | None = None) -> dict[str, Array]:
    """All figures of one stage as ``[year, ..., area]`` (``...`` the population's batch)."""
    capacity = area_capacity(stage, inputs)
    drawn = demand(stage, population, inputs, capacity, sap)
    return {**drawn, **consequences(stage, inputs, drawn, capacity)}


def area_capacity(stage: StageInputs, inputs: Inputs) -> dict[str, Array]:
    """The stage's capacity figures ``[year, area]`` (places, bought places, teachers, what was built)."""
    by_district = stage.capacity or district_capacity(stage, inputs.lines, inputs)
    return {name: per_area(values, stage) for name, values in by_district.items()}


def demand(
    stage: StageInputs, population: Array, inputs: Inputs, capacity: dict[str, Array], sap: Array | None = None
) -> dict[str, Array]:
    """The figures a population decides ``[year, ..., area]``: school-age population, pupils, who chooses and
    who gets a public place, pupils placed in neighbouring areas, inclusive demand."""
    sap, pupils = stage_pupils(stage, population, inputs.years, sap)
    nb = sap.ndim - 2
    shares = (
        _batch(getattr(stage, name), nb) for name in ("migrant_share", "public_share_local", "public_share_migrant")
    )
    choice = enr.public_demand(pupils, *shares)
    out = {"school_age_population": per_area(sap, stage), "enrolment": per_area(pupils, stage)}
    out["public_choice"] = choice = per_area(choice, stage)
    private = _batch(capacity["private_capacity"], nb)
    out["private_enrolment"], out["public_demand"] = cap.seat(out["enrolment"], choice, private)
    if stage.shares:  # pupils placed in neighbouring areas' public schools sit there
        placed_out, placed_in = cap.placed_in_neighbours(out["public_demand"], _moves(stage, inputs.years))
        out["public_demand"] = out["public_demand"] - placed_out + placed_in
        out["pupils_placed_out"], out["pupils_placed_in"] = placed_out, placed_in
    if stage.inclusive_share is not None:
        out["inclusive_demand"] = per_area(enr.inclusive_demand(pupils, _batch(stage.inclusive_share, nb)), stage)
    return out


def consequences(
    stage: StageInputs, inputs: Inputs, drawn: dict[str, Array], capacity: dict[str, Array]
) -> dict[str, Array]:
    """What the public demand of :func:`demand` (``[year, ..., area]``) means for places, classes, teachers
    and money. Every figure here but the recurrent cost of pupils placed out rises with the public demand
    (or the inclusive demand) and with nothing else that differs between draws."""
    public_demand = drawn["public_demand"]
    nb = public_demand.ndim - 2

    def standard(name: str) -> Array:
        return _batch(area_standard(getattr(stage, name), stage), nb)

    seats = {name: _batch(values, nb) for name, values in capacity.items()}
    out = {name: seats[name] for name in SEATS if name in seats}
    class_size = standard("class_size")
    out["gap"] = gp.gap(public_demand, out["public_capacity"])
    out["utilization"] = gp.utilization(public_demand, out["public_capacity"])
    out["classes_needed"] = gp.classes_needed(public_demand, class_size)
    taught = public_demand - cap.seated_in_bought(public_demand, out["bought_places"])
    out["teachers_needed"] = gp.teachers_needed(
        taught,
        standard("pupil_teacher_ratio"),
        class_size,
        None if stage.teachers_per_class is None else standard("teachers_per_class"),
    )
    out["class_size"], out["cost_per_place"] = class_size, standard("cost_per_place")
    out["capital_cost"] = (
        costs.capital_cost(seats["new_places"], out["cost_per_place"], seats["new_classes"], standard("cost_per_class"))
        + seats["converted_places"] * standard("conversion_cost_per_place")
        + seats["land_cost"]
    )
    out["recurrent_cost"] = costs.recurrent_cost(
        out["bought_places"], standard("price_per_bought_place"), out["teachers_needed"], standard("salary")
    ) + costs.transport_cost(drawn.get("pupils_placed_out", 0.0), standard("transport_cost_per_pupil_year"))
    out["shortage_cost"] = costs.shortage_cost(out["gap"], out["cost_per_place"])
    out["cost"] = out["shortage_cost"]  # the name of the shortage cost until 0.2; see docs/methods.md
    if "inclusive_demand" in drawn:
        out["inclusive_capacity"] = seats["inclusive_capacity"]
        out["inclusive_gap"] = gp.gap(drawn["inclusive_demand"], out["inclusive_capacity"])
    if "teachers" in out:
        out["teacher_gap"] = out["teachers_needed"] - out["teachers"]
    return out


def _batch(values: Array, nb: int) -> Array:
    """A ``[year, district or area]`` parameter broadcast over ``nb`` batch axes."""
    return values.reshape(values.shape[0], *[1] * nb, values.shape[-1])


def _moves(stage: StageInputs, years: NDArray[np.int64]) -> list[tuple[int, int, Array]]:
    """The stage's ``share`` actions as (from area, to area, pupils ``[year]``)."""
    names = list(dict.fromkeys(stage.area_of))
    return [
        (names.index(a), names.index(b), np.where((years >= first) & (years <= last), pupils, 0.0))
        for a, b, first, last, pupils in stage.shares
    ]
