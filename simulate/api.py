"""The Python entry points behind the CLI: prepare a scenario, run it, write its results."""

from collections.abc import Callable
from pathlib import Path

import xarray as xr

from ..scenarios import Inputs, ScenarioError, load, read_inputs
from ..scenarios.load import shown
from . import engine, outputs

Step = Callable[[str], None]


def prepare(scenario: str | Path, strict: bool = False, log: Step = lambda step: None) -> Inputs:
    """Load, validate and read every table of a scenario."""
    log(f"reading scenario {scenario}")
    inputs = read_inputs(load(scenario))
    _strictly(inputs, strict)
    return inputs


def _strictly(inputs: Inputs, strict: bool) -> None:
    if strict and inputs.warnings:
        raise ScenarioError(f"{shown(inputs.loaded.path)}: --strict: {inputs.warnings[0]}")


def simulate(scenario: str | Path, strict: bool = False, log: Step = lambda step: None) -> xr.Dataset:
    """Run a scenario and return its Result.

    >>> result = simulate("taiyuan")  # doctest: +SKIP
    >>> result["gap"].sel(stage="primary", year=2025)  # doctest: +SKIP
    """
    inputs = prepare(scenario, strict, log)
    result = engine.run(inputs, log)
    _strictly(inputs, strict)
    return result


def run_scenario(
    scenario: str | Path,
    out: Path | None = None,
    strict: bool = False,
    log: Step = lambda step: None,
    maps: Callable[[xr.Dataset, Path], None] | None = None,
) -> tuple[Path, list[str]]:
    """Run a scenario and write its results folder (with ``maps`` drawn into ``maps/``).

    Returns the folder and the warnings.
    """
    inputs = prepare(scenario, strict, log)
    result = engine.run(inputs, log)
    _strictly(inputs, strict)
    folder = out or Path("results") / inputs.scenario.name
    log(f"writing {folder}")
    outputs.write(result, inputs, folder, maps=maps)
    log("done")
    return folder, inputs.warnings
