"""Write a Result to its folder, atomically: everything is written beside it, then moved in place."""

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..scenarios import Inputs, ScenarioError
from ..scenarios.load import shown
from .figures import FIGURES
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
    """``district, sex, age, year, population``: the ``population.csv`` table."""
    table = result["population"].to_dataframe().reset_index()
    return table[["district", "sex", "age", "year", "population"]].sort_values(["district", "sex", "year", "age"])


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


def publish(folder: Path, fill: Callable[[Path], None]) -> Path:
    """Let ``fill`` write into a staging folder, then put it in place of ``folder``: all or nothing."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        fill(staging)
        if folder.exists():
            retired = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            folder.rename(retired)
            staging.rename(folder)
            shutil.rmtree(retired)
        else:
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def write(
    result: xr.Dataset,
    inputs: Inputs,
    folder: Path,
    maps: Callable[[xr.Dataset, Path], None] | None = None,
    seed: int | None = None,
) -> Path:
    """Write ``results.csv``, ``schools.csv``, ``indicators.csv``, ``population.csv``, ``results.nc``, ``run.json``
    and ``maps/`` to ``folder``.

    Nothing appears in ``folder`` unless all of it was written.
    """

    def fill(staging: Path) -> None:
        results_table(result).to_csv(staging / "results.csv", index=False)
        schools_table(result).to_csv(staging / "schools.csv", index=False)
        indicator_table(result).to_csv(staging / "indicators.csv", index=False)
        population_table(result).to_csv(staging / "population.csv", index=False)
        result.to_netcdf(staging / "results.nc", engine="h5netcdf")
        record = json.dumps(run_record(result, inputs, seed), ensure_ascii=False, indent=2)
        (staging / "run.json").write_text(record, encoding="utf-8")
        if maps is not None:
            maps(result, staging / "maps")

    return publish(folder, fill)


def read_result(folder: Path) -> xr.Dataset:
    """The Result a run wrote to ``folder`` (its ``results.nc``)."""
    path = Path(folder) / "results.nc"
    if not path.is_file():
        raise ScenarioError(f"{folder}: no results.nc here; make one with: placeplan run SCENARIO --out {folder}")
    with xr.open_dataset(path, engine="h5netcdf") as stored:
        result = stored.load()
    result["planned"] = result["planned"].astype(bool)
    return result


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging / target.name
        (staging / target.name).replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
