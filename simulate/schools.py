"""School-level results: each area's pupils shared among its schools, with each school's places and classes.

Reads the area figures of a Result (medians for an ensemble) and the
scenario's capacity lines; writes ``school_*`` variables ``[school, year]``
(MODEL.md, "Schools"). Expansions count in their school; bought places are
not schools.
"""

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from ..models import capacity as cap
from ..models import gap as gp
from ..models import schools as sc
from ..models.population import Array
from ..scenarios.inputs import Inputs, StageInputs
from .capacity import line_classes, line_places
from .records import school_forecasts

Years = NDArray[np.int64]

SCHOOL_FIGURES = (
    "pupils",
    "places",
    "utilization",
    "classes",
    "mean_class_size",
    "classes_short",
    "oversized",
    "super_oversized",
    "over_size_cap",
    "teachers_needed",
    "public",
)
"""Figures per (school, year), stored as ``school_<figure>``; NaN in years a school is not open."""


def school_results(inputs: Inputs, result: xr.Dataset) -> xr.Dataset:
    """The ``school`` dimension: names, stage, district, area and every figure ``[school, year]``."""
    parts = [_stage_schools(inputs, result, k, stage) for k, stage in enumerate(inputs.stages)]
    lines = inputs.lines
    index = np.concatenate([part[0] for part in parts]).astype(np.intp)
    figures = {name: np.concatenate([part[1][name] for part in parts], axis=1).T for name in SCHOOL_FIGURES}
    area = np.concatenate([part[2] for part in parts]) if parts else np.array([], dtype=str)
    return xr.Dataset(
        {f"school_{name}": (("school", "year"), values) for name, values in figures.items()},
        coords={
            "school": [lines.id[i] for i in index],
            "school_name": ("school", [lines.name[i] for i in index]),
            "school_district": ("school", [lines.district[i] for i in index]),
            "school_area": ("school", area.astype(str)),
            "school_stage": ("school", [lines.stage[i] for i in index]),
            "school_inclusive": ("school", lines.inclusive[index].astype(int)),
            "school_boarding_places": ("school", lines.boarding_places[index]),
            "year": inputs.years,
        },
    )


def _fold(values: Array, owner: NDArray[np.intp], schools: int) -> Array:
    """Lines' ``[year, line]`` values summed into their schools ``[year, school]``."""
    return cap.area_totals(values, owner, schools)


def _stage_schools(
    inputs: Inputs, result: xr.Dataset, k: int, stage: StageInputs
) -> tuple[NDArray[np.intp], dict[str, Array], NDArray[np.str_]]:
    """The schools of one stage: their line indexes, figures ``[year, school]`` and areas."""
    lines, years, codes = inputs.lines, inputs.years, inputs.districts.codes
    kind = np.array(lines.kind, dtype=object)
    of_stage = np.array(lines.stage) == stage.name
    schools = np.flatnonzero(of_stage & np.isin(kind, ["school", "build"]))
    parts = np.flatnonzero(of_stage & (kind != "buy"))
    position = {int(line): i for i, line in enumerate(schools)}
    owner = np.array([position[int(lines.parent[line])] for line in parts], dtype=np.intp)
    line_places_ = line_places(stage, lines, parts, codes, years)
    places = _fold(line_places_, owner, len(schools))
    classes = _fold(line_classes(stage, lines, parts, codes, line_places_), owner, len(schools))
    starts = (years[:, None] == lines.opens[parts][None, :]) & (kind[parts] == "expand")
    added = _fold(line_places_ * starts, owner, len(schools))
    open_ = cap.is_open(lines.opens[schools], lines.closing()[schools], years)
    public = years[:, None] >= lines.public_from[schools][None, :]
    district = lines.districts_of(schools, codes)
    area_names = stage.areas
    area = stage.area_index[district]
    group = np.where(open_, 2 * area[None, :] + ~public, -1)
    one = result.isel(stage=k).sel(area=area_names)
    demand = one["public_demand"].values.T  # [year, area]
    seated = cap.seated_in_bought(demand, np.nan_to_num(one["bought_places"].values.T))
    totals = np.stack([demand - seated, one["private_enrolment"].values.T + seated], axis=-1).reshape(len(years), -1)
    start = np.where(np.isnan(lines.pupils[schools]), places[0], lines.pupils[schools])
    into = np.array([position.get(int(line), -1) for line in lines.into[schools]], dtype=np.intp)
    pupils = sc.allocate(
        np.nan_to_num(totals),
        group,
        places,
        added,
        start,
        into,
        np.stack([lines.lon[schools], lines.lat[schools]], axis=-1),
        _school_forecasts(stage, lines.id, schools, years),
        np.arange(totals.shape[1]) % 2 == 1,
    )
    figures = _figures(stage, pupils, places, classes, district, public)
    shown = np.where(open_, 1.0, np.nan)
    return schools, {name: values * shown for name, values in figures.items()}, np.array(area_names)[area]


def _school_forecasts(stage: StageInputs, ids: list[str], schools: NDArray[np.intp], years: Years) -> Array:
    """Grade-progression pupils ``[year, school]`` of schools with records by school (NaN for the others)."""
    out = np.full((len(years), len(schools)), np.nan)
    p = stage.progression
    forecast = None if p is None else school_forecasts(p, years)
    if p is None or forecast is None:
        return out
    recorded = {school: i for i, school in enumerate(p.schools or [])}
    for column, line in enumerate(schools):
        if ids[line] in recorded:
            out[:, column] = forecast[:, recorded[ids[line]]]
    return out


def _teachers(stage: StageInputs, pupils: Array, classes: Array, district: NDArray[np.intp]) -> Array:
    """A school's teachers: by the pupil-teacher ratio, or by the classes it runs where the class standard binds."""
    by_pupils = pupils / stage.pupil_teacher_ratio[:, district]
    if stage.teachers_per_class is None:
        return by_pupils
    running = sc.classes_in_use(pupils, classes, stage.class_size[:, district], stage.hi - stage.lo + 1)
    return np.maximum(by_pupils, running * stage.teachers_per_class[:, district])


def _figures(
    stage: StageInputs,
    pupils: Array,
    places: Array,
    classes: Array,
    district: NDArray[np.intp],
    public: NDArray[np.bool_],
) -> dict[str, Array]:
    class_size = stage.class_size[:, district]
    mean = sc.mean_class_size(pupils, classes)
    cap_ = stage.targets.get("max_school_size", np.full(len(pupils), np.nan))[:, None]
    with np.errstate(invalid="ignore"):
        return {
            "pupils": pupils,
            "places": places,
            "utilization": gp.utilization(pupils, places),
            "classes": classes,
            "mean_class_size": mean,
            "classes_short": sc.classes_short(pupils, classes, class_size),
            "oversized": (mean > stage.max_class_size[:, district]).astype(float),
            "super_oversized": (mean > sc.SUPER_OVERSIZED).astype(float),
            "over_size_cap": sc.over_size_cap(pupils, cap_),
            "teachers_needed": _teachers(stage, pupils, classes, district),
            "public": public.astype(float),
        }
