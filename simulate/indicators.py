"""The plan's indicators (主要指标) against its targets, per stage, area and year (MODEL.md, "Indicators and targets").

Reads a Result with its school variables; adds ``achieved_*`` figures
``[stage, area, year]`` and ``target_*`` ``[stage, year]``, from which
:func:`indicator_table` makes ``indicators.csv``.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from ..models import capacity as cap
from ..models import indicators as ind
from ..models.population import Array
from ..scenarios.inputs import Inputs
from ..scenarios.tables import index_of


@dataclass(frozen=True)
class Indicator:
    """An indicator: the Result variable holding it, its target's name, and how the shortfall in places is found."""

    value: str
    target: str
    at_most: bool
    """A ceiling (met when the value is at most the target), else a floor."""


INDICATORS = {
    "ger": Indicator("achieved_ger", "ger", False),
    "public_share": Indicator("achieved_public_share", "public_share", False),
    "inclusive_share": Indicator("achieved_inclusive_share", "inclusive_share", False),
    "general_share": Indicator("achieved_general_share", "general_share", False),
    "oversized_class_share": Indicator("oversized_class_share", "max_oversized_class_share", True),
    "largest_school": Indicator("largest_school", "max_school_size", True),
}
"""Indicators in the order of indicators.csv."""


def indicators(inputs: Inputs, result: xr.Dataset) -> xr.Dataset:
    """``achieved_*`` figures ``[stage, area, year]`` and the targets ``target_*`` ``[stage, year]``."""
    dims = ("stage", "area", "year")
    enrolment, sap = result["enrolment"].values, result["school_age_population"].values
    placed = _placed_elsewhere(result)  # the area's pupils count where they live, whichever school they sit in
    reach = result["public_capacity"].values + placed
    achieved = ind.achieved_enrolment(enrolment, reach, result["private_capacity"].values)
    public = ind.public_pupils(result["public_demand"].values + placed, reach)
    school = _school_sums(inputs, result)
    planned = result["planned"].values[..., None]
    inclusive = np.where(school.pop("has_inclusive")[..., None], public + school.pop("private_inclusive"), np.nan)
    stages = list(result["stage"].values)
    general = np.full_like(achieved, np.nan)
    if {"senior_general", "senior_vocational"} <= set(stages):
        g, v = stages.index("senior_general"), stages.index("senior_vocational")
        general[g] = ind.general_share(achieved[g], achieved[v])
    out = xr.Dataset(
        {
            "achieved_enrolment": (dims, achieved),
            "achieved_ger": (dims, ind.achieved_ger(achieved, sap)),
            "public_pupils": (dims, public),
            "achieved_public_share": (dims, ind.achieved_share(public, achieved)),
            "inclusive_pupils": (dims, inclusive),
            "achieved_inclusive_share": (dims, ind.achieved_share(inclusive, achieved)),
            "achieved_general_share": (dims, general),
            **{name: (dims, np.where(planned, values, np.nan)) for name, values in school.items()},
        }
    )
    for indicator in INDICATORS.values():
        values = np.full((len(stages), len(inputs.years)), np.nan)
        for k, stage in enumerate(inputs.stages):
            values[k] = stage.targets.get(indicator.target, np.nan)
        out[f"target_{indicator.target}"] = (("stage", "year"), values)
    return out


def _placed_elsewhere(result: xr.Dataset) -> Array:
    """Pupils of each area placed in neighbouring areas' public schools, less those placed in its own."""
    if "pupils_placed_out" not in result:
        return np.zeros(result["public_capacity"].shape)
    return np.nan_to_num(result["pupils_placed_out"].values) - np.nan_to_num(result["pupils_placed_in"].values)


def _school_sums(inputs: Inputs, result: xr.Dataset) -> dict[str, Array]:
    """Per stage, area and year: what the indicators need from the schools."""
    shape = (result.sizes["stage"], result.sizes["area"], result.sizes["year"])
    sums = {name: np.zeros(shape) for name in ("private_inclusive", "classes", "oversized_classes", "oversized_excess")}
    largest, over = np.full(shape, np.nan), np.zeros(shape)
    has_inclusive = np.zeros(shape[:2], dtype=bool)
    areas = list(result["area"].values)
    demand, private = result["public_demand"].values, result["private_enrolment"].values
    seated = cap.seated_in_bought(demand, np.nan_to_num(result["bought_places"].values))
    with np.errstate(divide="ignore", invalid="ignore"):
        private_own = np.where(private + seated > 0, private / (private + seated), 0.0)  # not in bought places
    for k, stage in enumerate(inputs.stages):
        mine = result["school_stage"].values == stage.name
        area = index_of(result["school_area"].values[mine], areas)
        district = index_of(result["school_district"].values[mine], inputs.districts.codes)
        pupils, classes = (np.nan_to_num(result[f"school_{n}"].values[mine]) for n in ("pupils", "classes"))
        oversized = np.nan_to_num(result["school_oversized"].values[mine])
        excess = oversized * np.maximum(pupils - classes * stage.max_class_size[:, district].T, 0.0)
        inclusive = (result["school_inclusive"].values[mine] == 1)[:, None] & (
            result["school_public"].values[mine] == 0
        )

        def total(values: Array, area: NDArray[np.intp] = area) -> Array:
            return cap.area_totals(values.T, area, len(areas)).T

        sums["private_inclusive"][k] = total(pupils * inclusive) * private_own[k]
        sums["classes"][k], sums["oversized_classes"][k] = total(classes), total(classes * oversized)
        sums["oversized_excess"][k] = total(excess)
        over[k] = total(np.nan_to_num(result["school_over_size_cap"].values[mine]))
        if len(area):  # the largest school of each area with schools (pupils >= 0, unknown as 0)
            order = np.argsort(area, kind="stable")
            starts = np.flatnonzero(np.diff(area[order], prepend=-1))
            largest[k, area[order][starts]] = np.maximum.reduceat(pupils[order], starts, axis=0)
        has_inclusive[k] = stage.inclusive_share is not None or "inclusive_share" in stage.targets
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(sums["classes"] > 0, sums["oversized_classes"] / sums["classes"], np.nan)
    return {
        "private_inclusive": sums["private_inclusive"],
        "oversized_class_share": share,
        "oversized_excess": sums["oversized_excess"],
        "largest_school": largest,
        "pupils_over_size_cap": over,
        "has_inclusive": has_inclusive,
    }


def _shortfall(result: xr.Dataset, name: str, target: xr.DataArray) -> xr.DataArray:
    """Places missing to meet ``target`` of indicator ``name`` (0 where met)."""
    achieved = result["achieved_enrolment"]
    if name == "oversized_class_share":
        return result["oversized_excess"].where(result["oversized_class_share"] > target + 1e-9, 0.0)
    if name == "largest_school":
        return result["pupils_over_size_cap"]
    if name == "general_share":  # general places to reach the share of general plus vocational pupils
        if "senior_vocational" not in result["stage"]:
            return xr.full_like(target, np.nan)
        base = achieved + achieved.sel(stage="senior_vocational", drop=True)
    else:
        base = result["school_age_population"] if name == "ger" else achieved
    reached = {"ger": achieved, "public_share": result["public_pupils"], "inclusive_share": result["inclusive_pupils"]}
    return (target * base - reached.get(name, achieved)).clip(min=0.0)


def indicator_table(result: xr.Dataset) -> pd.DataFrame:
    """``indicators.csv``: per planned area, stage, year and indicator: value, target, met, shortfall in places."""
    frames = []
    for name, indicator in INDICATORS.items():
        value = result[indicator.value].where(result["planned"])
        target = result[f"target_{indicator.target}"].broadcast_like(value)
        met = (value <= target + 1e-9) if indicator.at_most else (value >= target - 1e-9)
        table = xr.Dataset(
            {
                "value": value,
                "target": target,
                "met": met.where(value.notnull() & target.notnull()),
                "shortfall_places": _shortfall(result, name, target).where(target.notnull()),
            }
        ).to_dataframe()
        frames.append(table.dropna(subset=["value"]).reset_index().assign(indicator=name))
    table = pd.concat(frames, ignore_index=True)
    table["met"] = table["met"].map({1.0: True, 0.0: False})
    table.insert(0, "scenario", result.attrs["scenario"])
    columns = ["scenario", "area", "area_name", "stage", "year", "indicator", "value", "target", "met"]
    order = {
        "stage": {name: i for i, name in enumerate(result["stage"].values)},
        "indicator": {name: i for i, name in enumerate(INDICATORS)},
    }

    def ordered(column: pd.Series) -> pd.Series:
        return column.map(order[str(column.name)]) if column.name in order else column

    return table[[*columns, "shortfall_places"]].sort_values(["stage", "area", "indicator", "year"], key=ordered)
