"""The engine: a scenario's inputs in, the Result (an xarray Dataset) out.

The Result has dims ``year, district, sex, age`` for the population,
``stage, area, year`` for the place figures and the indicators, and
``school, year`` for the schools. ``area`` is every planning area of any
stage; a stage's figures are NaN in areas it is not planned by, and
``planned[stage, area]`` says which are.
"""

import json
from collections.abc import Callable

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from .. import __version__
from ..models import SEXES
from ..models import enrolment as enr
from ..models.housing import pupil_yield
from ..models.population import Array, Projection
from ..scenarios.inputs import Inputs
from ..scenarios.schema import Titles
from .figures import FIGURES, areas, stage_figures
from .indicators import indicators
from .project import Residents, project
from .records import with_housing_pupils, with_projected_births
from .schools import school_results


def run(inputs: Inputs, log: Callable[[str], None] = lambda step: None) -> xr.Dataset:
    """Project the population and compute places needed, capacity, gap, schools and indicators."""
    log("projecting population")
    projection, developments = project(inputs.population, len(inputs.years))
    if not inputs.stages:
        return population_result(inputs, projection)
    log("computing places needed, capacity and gap")
    inputs = with_housing_pupils(with_projected_births(inputs, projection.births), developments)
    result = assemble(inputs, projection, stage_figures(inputs, projection.population, areas(inputs.stages)[0]))
    if developments:
        result["pupil_yield"], result["development_class_size"] = _pupil_yield(inputs, developments)
    return result


def assemble(inputs: Inputs, projection: Projection, figures: dict[str, Array]) -> xr.Dataset:
    """The Result: population by district, figures ``[stage, area, year]``, schools, indicators, area shapes."""
    all_areas, area_names, area_names_en = areas(inputs.stages)
    result = population_result(inputs, projection).merge(
        xr.Dataset(
            {
                **{name: (("stage", "area", "year"), values) for name, values in figures.items()},
                "planned": (("stage", "area"), planned_areas(inputs, all_areas)),
            },
            coords={
                "year": inputs.years,
                "stage": [stage.name for stage in inputs.stages],
                "area": all_areas,
                "area_name": ("area", [area_names[a] for a in all_areas]),
                "area_name_en": ("area", [area_names_en[a] for a in all_areas]),
            },
        ),
        combine_attrs="override",
    )
    if inputs.boundaries:
        result["geometry_wkt"] = ("area", _area_shapes(inputs, all_areas))
    result = result.merge(school_results(inputs, result))
    result = result.merge(indicators(inputs, result))
    inputs.warnings.extend(_warnings(result))
    return result


def population_result(inputs: Inputs, projection: Projection) -> xr.Dataset:
    """The population part of the Result (all of it for a scenario without stages)."""
    population_sexes = list(SEXES) if projection.population.shape[2] == 2 else ["total"]
    return xr.Dataset(
        {
            "population": (("year", "district", "sex", "age"), projection.population),
            "births": (("year", "district"), projection.births),
            "deaths": (("year", "district"), projection.deaths),
            "net_migration": (("year", "district"), projection.net_migration),
            "clipped": (("year", "district"), projection.clipped),
        },
        coords={
            "year": inputs.years,
            "district": inputs.districts.codes,
            "district_name": ("district", inputs.districts.names),
            "district_name_en": ("district", inputs.districts.names_en),
            "sex": population_sexes,
            "age": np.arange(projection.population.shape[-1]),
        },
        attrs=_attributes(inputs),
    )


def planned_areas(inputs: Inputs, all_areas: list[str]) -> NDArray[np.bool_]:
    """``[stage, area]``: which areas each stage is planned by."""
    return np.array([[area in stage.area_of for area in all_areas] for stage in inputs.stages])


def _pupil_yield(inputs: Inputs, developments: dict[str, Residents]) -> tuple[xr.DataArray, xr.DataArray]:
    """Pupils per 100 dwellings of each development by stage and year, and the class size of its district
    (with its district and dwellings as coordinates: what ``housing.csv`` reserves places from)."""
    shape = (len(developments), len(inputs.stages), len(inputs.years))
    values, class_size = np.zeros(shape), np.zeros(shape)
    for i, (name, residents) in enumerate(developments.items()):
        for k, stage in enumerate(inputs.stages):
            children = enr.school_age_population(residents.population, stage.lo, stage.hi)
            pupils = enr.enrolment(children, stage.gross_enrolment[:, residents.district])
            values[i, k] = pupil_yield(pupils, inputs.population.dwellings[name])
            class_size[i, k] = stage.class_size[:, residents.district]
    coords = {
        "development": list(developments),
        "development_district": ("development", [inputs.districts.codes[r.district] for r in developments.values()]),
        "development_dwellings": ("development", [inputs.population.dwellings[name] for name in developments]),
        "stage": [s.name for s in inputs.stages],
        "year": inputs.years,
    }
    dims = ("development", "stage", "year")
    return xr.DataArray(values, dims=dims, coords=coords), xr.DataArray(class_size, dims=dims, coords=coords)


def _area_shapes(inputs: Inputs, all_areas: list[str]) -> list[str]:
    """Each area's shape (districts dissolved) as WKT, so the Result is self-contained for maps."""
    import shapely

    members: dict[str, list[str]] = {area: [] for area in all_areas}
    for stage in inputs.stages:
        for code, area in zip(inputs.districts.codes, stage.area_of, strict=True):
            if code not in members[area]:
                members[area].append(code)
    return [shapely.union_all([inputs.boundaries[code] for code in members[area]]).wkt for area in all_areas]


def _title(title: str | Titles | None, lang: str) -> str | None:
    return title if title is None or isinstance(title, str) else getattr(title, lang)


def _attributes(inputs: Inputs) -> dict[str, str | int]:
    scenario = inputs.scenario
    return {
        "scenario": scenario.name,
        "title": _title(scenario.title, "en") or scenario.name,
        "title_zh": _title(scenario.title, "zh") or scenario.name,
        "options": ", ".join(scenario.options),
        "currency": scenario.currency,
        "base_year": scenario.base_year,
        "population_method": scenario.population.method,
        "placeplan_version": __version__,
        "actions": json.dumps(
            {name: action.model_dump(exclude_none=True) for name, action in scenario.actions.items()},
            ensure_ascii=False,
        ),
    }


def _warnings(result: xr.Dataset) -> list[str]:
    """Suspicious but legal results (``--strict`` makes them errors)."""
    notes = []
    clipped = result["clipped"].sum("year")
    for code in result["district"].values[clipped.values > 0]:
        notes.append(
            f"population: migration would take more people than district {code} has; "
            f"{float(clipped.sel(district=code)):.1f} persons of it did not happen in all"
        )
    empty = result["planned"] & (result["public_capacity"].max("year") == 0)
    for stage, area in zip(*np.nonzero(empty.values), strict=True):
        notes.append(
            f"capacity: no public {result['stage'].values[stage]} places in area "
            f"{result['area'].values[area]} ({result['area_name'].values[area]}) in any year"
        )
    return notes


__all__ = ["FIGURES", "run"]
