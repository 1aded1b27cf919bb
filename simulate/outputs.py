"""The files of a results folder, and reading a Result back."""

import hashlib
import json
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs
from ..scenarios.loading import shown
from .csvtext import write_csv
from .figures import FIGURES
from .forked import Task, each
from .indicators import indicator_table
from .schools import SCHOOL_FIGURES

ENSEMBLE_COLUMNS = ("gap_p5", "gap_p95", "p_shortage")
"""Added to ``results.csv`` for ensembles (the figures are then medians)."""


def results_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per planned (area, stage, year): the ``results.csv`` table."""
    figures = [name for name in (*FIGURES, *ENSEMBLE_COLUMNS) if name in result and not result[name].isnull().all()]
    table = result[figures].to_dataframe().reset_index()
    planned = result["planned"].to_dataframe().reset_index()
    table = table.merge(planned[planned["planned"]][["stage", "area"]], on=["stage", "area"])
    table.insert(0, "scenario", result.attrs["scenario"])
    ordered = ["scenario", "area", "area_name", "stage", "year", *figures]
    return table[ordered].sort_values(["stage", "area", "year"], key=_stage_order(result)).reset_index(drop=True)


def _stage_order(result: xr.Dataset) -> Callable[[pd.Series], pd.Series]:
    order = {name: i for i, name in enumerate(result["stage"].values)}
    return lambda column: column.map(order) if column.name == "stage" else column


def schools_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per school and year it is open: the ``schools.csv`` table."""
    names = [f"school_{name}" for name in SCHOOL_FIGURES]
    table = result[names].to_dataframe().reset_index()
    table = table.dropna(subset=["school_pupils"]).rename(columns=lambda c: c.removeprefix("school_"))
    table["sector"] = np.where(table.pop("public") == 1, "public", "private")
    for flag in ("oversized", "super_oversized", "inclusive"):
        table[flag] = table[flag].astype(bool)
    table.insert(0, "scenario", result.attrs["scenario"])
    columns = ["scenario", "school", "name", "district", "area", "stage", "sector", "inclusive", "year"]
    return table[[*columns, *(n for n in SCHOOL_FIGURES if n != "public"), "boarding_places"]]


def population_table(result: xr.Dataset) -> pd.DataFrame:
    """``district, sex, age, year, population``: the ``population.csv`` table, by district, sex, year and age.

    Built from the array in that order, each coordinate a categorical column (its values repeated, tiled),
    not by sorting a table of every cell: at 2,900 districts that is 18 million rows.
    """
    population = result["population"]
    order = {name: np.argsort(population[name].values, kind="stable") for name in ("district", "sex", "year", "age")}
    cells = population.isel(order).transpose("district", "sex", "year", "age")
    table: dict[Hashable, Any] = {}
    for axis, name in enumerate(cells.dims):  # each coordinate over the cells, in C order
        inner, outer = int(np.prod(cells.shape[axis + 1 :])), int(np.prod(cells.shape[:axis]))
        codes = np.tile(np.repeat(np.arange(cells.shape[axis], dtype=np.int32), inner), outer)
        table[name] = pd.Categorical.from_codes(codes, pd.Index(cells[name].values))
    table["population"] = cells.values.ravel()
    return pd.DataFrame(table)[["district", "sex", "age", "year", "population"]]


def housing_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per housing development, stage and year: the pupils its residents bring (enrolment, every
    sector), per 100 dwellings and in classes of its district's size, and what to reserve for it: the most
    pupils in any year and the classes they fill (the ``housing.csv`` table)."""
    dwellings = result["development_dwellings"]
    pupils = result["pupil_yield"] * dwellings / 100
    classes = pupils / result["development_class_size"]
    table = xr.Dataset(
        {
            "dwellings": dwellings.broadcast_like(pupils),
            "pupils": pupils,
            "pupils_per_100_dwellings": result["pupil_yield"],
            "classes": classes,
            "peak_pupils": pupils.max("year").broadcast_like(pupils),
            "classes_to_reserve": xr.apply_ufunc(np.ceil, classes.max("year") - 1e-9).broadcast_like(pupils),
        }
    ).to_dataframe()
    table = table.reset_index().rename(columns={"development_district": "district"})
    return table[["development", "district", "stage", "year", *HOUSING_FIGURES]]


def reservations(result: xr.Dataset) -> pd.DataFrame:
    """Per housing development and stage with pupils: its dwellings, the most pupils in a year and the classes
    to reserve (the report's table; none without developments)."""
    columns = ["development", "district", "stage", "dwellings", "peak_pupils", "classes_to_reserve"]
    if "pupil_yield" not in result:
        return pd.DataFrame(columns=[*columns, "district_name", "district_name_en"])
    table = housing_table(result).groupby(columns[:3], sort=False).first().reset_index()
    names = result[["district_name", "district_name_en"]].to_dataframe()
    return table[table["peak_pupils"] > 0][columns].join(names, on="district")


HOUSING_FIGURES = ("dwellings", "pupils", "pupils_per_100_dwellings", "classes", "peak_pupils", "classes_to_reserve")
"""The figures of ``housing.csv``, after ``development, district, stage, year``."""


def input_files(inputs: Inputs) -> list[Path]:
    """Every file the scenario read: its YAML files and its tables."""
    files = set(inputs.loaded.origins.values()) | {inputs.loaded.path}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, str) and Path(value).is_absolute() and Path(value).is_file():
            files.add(Path(value))

    walk(inputs.scenario.model_dump(warnings=False))
    return sorted(files)


def run_record(result: xr.Dataset, inputs: Inputs, seed: int | None = None) -> dict[str, object]:
    """``run.json``: what was run, on which inputs (SHA-256), by which version, with which warnings."""
    return {
        "scenario": result.attrs["scenario"],
        "title": result.attrs["title"],
        "options": list(inputs.scenario.options),
        "placeplan_version": result.attrs["placeplan_version"],
        "seed": seed,
        "draws": result.attrs.get("draws"),
        "inputs": {shown(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in input_files(inputs)},
        "warnings": inputs.warnings,
    }


def write(
    result: xr.Dataset,
    inputs: Inputs,
    folder: Path,
    maps: Callable[[xr.Dataset, Path], None] | None = None,
    seed: int | None = None,
) -> None:
    """Write ``results.csv``, ``schools.csv``, ``indicators.csv``, ``population.csv``, ``results.nc``,
    ``run.json`` and ``maps/`` into ``folder`` (a staging folder: see :mod:`.publish`); a population-only
    Result (no stages) gets ``population.csv``, ``results.nc`` and ``run.json``."""
    staged = "stage" in result.dims
    tasks: list[Task] = [(maps, (folder / "maps",))] if maps is not None and staged else []  # longest first
    tasks += [(_write, (make, folder / name)) for name, make in FILES.items() if NEEDS.get(name, "year") in result.dims]
    each(result, tasks)
    record = run_record(result, inputs, seed)
    record["files"] = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")


def _write(result: xr.Dataset, make: Callable[[xr.Dataset], pd.DataFrame | xr.Dataset], path: Path) -> None:
    data = make(result)
    if isinstance(data, xr.Dataset):
        data.to_netcdf(path, engine="h5netcdf")
    else:
        write_csv(data, path)


def not_written_by_run(folder: Path) -> list[Path]:
    """Files in an earlier results ``folder`` that its run did not write (a user's maps, a GeoPackage).

    The run lists what it wrote in ``run.json`` (``files``); a folder from before that list keeps all but
    the files a run always writes.
    """
    try:
        written = set(json.loads((folder / "run.json").read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        written = set(FILES)
    written.add("run.json")
    return [p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in written]


STACKS = {"figures": ("figure", ("stage", "area", "year")), "school_figures": ("school_figure", ("school", "year"))}
"""How results.nc stores the figures: one array per shape (``figures[figure, stage, area, year]``, ...)
rather than one variable each, which makes the file about three times quicker to write and read."""


def stacked(result: xr.Dataset) -> xr.Dataset:
    """The Result as results.nc stores it: the figures of each shape stacked along a ``figure`` dimension."""
    out = result
    for name, (dim, dims) in STACKS.items():
        members = [n for n in result.data_vars if result[n].dims == dims and result[n].dtype.kind == "f"]
        if members:
            out = out.drop_vars(members)
            out[name] = xr.concat([result[n] for n in members], dim=dim, coords="minimal").assign_coords({dim: members})
    return out


def unstacked(stored: xr.Dataset) -> xr.Dataset:
    """The Result from what results.nc stores (:func:`stacked` undone)."""
    out = stored
    for name, (dim, _) in STACKS.items():
        if name in stored:
            parts = {str(n): stored[name].sel({dim: n}, drop=True) for n in stored[dim].values}
            out = out.drop_vars([name, dim]).assign(parts)
    return out


FILES: dict[str, Callable[[xr.Dataset], pd.DataFrame | xr.Dataset]] = {
    "results.nc": stacked,
    "schools.csv": schools_table,
    "indicators.csv": indicator_table,
    "population.csv": population_table,
    "results.csv": results_table,
    "housing.csv": housing_table,
}
"""The files of a run and what makes each, the longest to write first (they are written side by side)."""
NEEDS = {"schools.csv": "stage", "indicators.csv": "stage", "results.csv": "stage", "housing.csv": "development"}
"""The dimension a file needs in the Result: a population-only Result (no stages) has no school tables, a
scenario without housing developments no ``housing.csv``."""


def read_result(folder: Path) -> xr.Dataset:
    """The Result a run wrote to ``folder`` (its ``results.nc``)."""
    path = Path(folder) / "results.nc"
    if not path.is_file():
        raise ScenarioError(f"{folder}: no results.nc here; make one with: placeplan run SCENARIO --out {folder}")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as stored:
            result = unstacked(stored.load())
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ScenarioError(
            f"{path}: not a readable placeplan Result ({reason}); run the scenario again to rewrite it"
        ) from None
    missing = [name for name in ("planned", "gap", "public_demand") if name not in result]
    if missing and "population" in result and "stage" not in result.dims:
        raise ScenarioError(
            f"{path}: a population-only Result (its scenario has no stages): no places to map, chart, compare or "
            "report; its population is in population.csv"
        )
    if missing:
        raise ScenarioError(f"{path}: not a placeplan Result (no {', '.join(missing)}); run the scenario again")
    result["planned"] = result["planned"].astype(bool)
    return result
