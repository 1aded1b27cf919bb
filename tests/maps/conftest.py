"""Small Results built by hand (no model run): two districts planned by district, one area of both."""

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from shapely.geometry import box

SQUARES = [box(112.0, 37.0, 112.5, 37.5).wkt, box(112.5, 37.0, 113.0, 37.5).wkt, box(112.0, 37.0, 113.0, 37.5).wkt]


def small_result(name: str, demand: list, capacity: list, title: str | None = None) -> xr.Dataset:
    """``demand`` and ``capacity`` are ``[stage][area][year]`` for stages primary, senior; areas 1, 2, 9; 2020-2021."""
    demand_, capacity_ = np.array(demand, dtype=float), np.array(capacity, dtype=float)
    planned = np.array([[True, True, False], [False, False, True]])
    mask = np.where(planned[..., None], 1.0, np.nan)
    demand_, capacity_ = demand_ * mask, capacity_ * mask
    class_size = np.full_like(demand_, 40.0) * mask
    gap = demand_ - capacity_
    dims = ("stage", "area", "year")
    return xr.Dataset(
        {
            "school_age_population": (dims, demand_ * 1.25),
            "enrolment": (dims, demand_ * 1.25),
            "public_demand": (dims, demand_),
            "public_capacity": (dims, capacity_),
            "gap": (dims, gap),
            "utilization": (dims, demand_ / capacity_),
            "classes_needed": (dims, np.ceil(demand_ / 40)),
            "teachers_needed": (dims, demand_ / 20),
            "cost": (dims, np.maximum(gap, 0) * 1000),
            "shortage_cost": (dims, np.maximum(gap, 0) * 1000),
            "capital_cost": (dims, np.diff(capacity_, prepend=capacity_[..., :1], axis=-1) * 1000),
            "recurrent_cost": (dims, demand_ / 20 * 100.0),
            "class_size": (dims, class_size),
            "planned": (("stage", "area"), planned),
            "geometry_wkt": ("area", SQUARES),
        },
        coords={
            "stage": ["primary", "senior_general"],
            "area": ["1", "2", "9"],
            "area_name": ("area", ["甲区", "乙区", "九县"]),
            "area_name_en": ("area", ["Jia", "Yi", "Jiu"]),
            "year": [2020, 2021],
        },
        attrs={"scenario": name, "title": title or f"Scenario {name}", "currency": "CNY"},
    )


REFERENCE = small_result(
    "ref",
    demand=[[[500, 600], [300, 300], [0, 0]], [[0, 0], [0, 0], [800, 900]]],
    capacity=[[[400, 400], [400, 400], [0, 0]], [[0, 0], [0, 0], [800, 800]]],
)
ALTERNATIVE = small_result(
    "alt",
    demand=[[[500, 700], [300, 350], [0, 0]], [[0, 0], [0, 0], [800, 900]]],
    capacity=[[[400, 640], [400, 400], [0, 0]], [[0, 0], [0, 0], [700, 700]]],
)


def write_result(folder: Path, result: xr.Dataset) -> Path:
    folder.mkdir(parents=True)
    result.to_netcdf(folder / "results.nc", engine="h5netcdf")
    return folder


@pytest.fixture
def result_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """Folders holding the reference and the alternative Result."""
    return write_result(tmp_path / "ref", REFERENCE), write_result(tmp_path / "alt", ALTERNATIVE)
