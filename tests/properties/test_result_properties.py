"""Invariants of whole runs: the gap identity everywhere, population accounting, NetCDF round trip."""

import tempfile
from pathlib import Path

import numpy as np
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placeplan.simulate import simulate
from placeplan.simulate.outputs import read_result, stacked

from ..conftest import SCENARIO, write_tiny

shares = st.floats(0, 1)
run_settings = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tiny_variants(draw):
    primary = {
        "ages": [6, 11],
        "migrant_share": draw(shares),
        "public_share_local": {2020: draw(shares), 2023: draw(shares)},
        "public_share_migrant": draw(shares),
        "class_size": draw(st.floats(20, 60)),
    }
    migration = draw(st.floats(-300, 300))
    actions = {
        f"build_{i}": {
            "action": "build",
            "district": draw(st.sampled_from(["1", "2"])),
            "stage": "primary",
            "year": draw(st.integers(2020, 2023)),
            "classes": draw(st.integers(0, 20)),
        }
        for i in range(draw(st.integers(0, 3)))
    }
    if draw(st.booleans()):
        actions["convert"] = {"action": "convert", "school": "P2", "year": draw(st.integers(2020, 2021))}
    if draw(st.booleans()):
        actions["shut"] = {"action": "close", "school": "P1", "year": draw(st.integers(2021, 2023))}
    return {"stages": {**SCENARIO["stages"], "primary": primary}, "actions": actions}, migration


def _run(changes: dict, migration: float) -> xr.Dataset:
    table = f"district,sex,age,net_migrants\n1,female,30,{migration}\n2,male,8,{migration}\n1,male,50,{migration}\n"
    population = {**SCENARIO["population"], "migration": {"table": "migration.csv"}}
    with tempfile.TemporaryDirectory() as folder:
        path = write_tiny(Path(folder), {**changes, "population": population}, {"migration.csv": table})
        return simulate(path).load()


@run_settings
@given(tiny_variants())
def test_gap_is_public_demand_minus_public_capacity_everywhere(variant):
    result = _run(*variant)
    planned = result["planned"]
    gap = result["gap"].where(planned)
    assert np.allclose(gap, (result["public_demand"] - result["public_capacity"]).where(planned), equal_nan=True)
    assert result["gap"].where(planned, 0.0).notnull().all()
    assert result["gap"].where(~planned).isnull().all()


@run_settings
@given(tiny_variants())
def test_every_pupil_sits_once_and_schools_sum_to_their_area(variant):
    result = _run(*variant)
    planned = result["planned"]
    enrolment, private, public = (result[n].where(planned) for n in ("enrolment", "private_enrolment", "public_demand"))
    assert np.allclose(private + public, enrolment, equal_nan=True)
    assert ((private >= -1e-9) & (private <= result["private_capacity"] + 1e-9)).where(planned, True).all()
    seated = np.minimum(public, result["bought_places"])
    for stage in result["stage"].values:
        schools = result.sel(school=result["school_stage"] == stage)
        for area in result["area"].values[planned.sel(stage=stage).values]:
            mine = schools.sel(school=schools["school_area"] == area)
            for sector, total in ((1, public - seated), (0, private + seated)):
                pupils = mine["school_pupils"].where(mine["school_public"] == sector)
                has_school = pupils.notnull().any("school")
                expected = total.sel(stage=stage, area=area).where(has_school)
                assert np.allclose(pupils.sum("school").where(has_school), expected, equal_nan=True)


@run_settings
@given(tiny_variants())
def test_population_changes_by_births_minus_deaths_plus_net_migration(variant):
    result = _run(*variant)
    total = result["population"].sum(["sex", "age"])
    change = total.diff("year", label="lower")
    components = (result["births"] - result["deaths"] + result["net_migration"]).isel(year=slice(None, -1))
    assert np.allclose(change, components)
    assert (result["population"] >= 0).all()
    # what clipping added back is part of net migration and is reported
    assert (result["clipped"] >= 0).all()


def test_result_round_trips_through_netcdf(tiny, tmp_path):
    result = simulate(tiny)
    stacked(result).to_netcdf(tmp_path / "results.nc", engine="h5netcdf")
    xr.testing.assert_identical(read_result(tmp_path), result)
