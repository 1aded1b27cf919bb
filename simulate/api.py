"""The Python entry points behind the CLI: prepare a scenario, run it, write its results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..scenarios.errors import ScenarioError
from ..scenarios.loading import load, shown

if TYPE_CHECKING:  # the engine's modules are imported when a scenario is run, not to check one
    import pandas as pd
    import xarray as xr

    from ..scenarios.inputs import Inputs

Step = Callable[[str], None]


def prepare(scenario: str | Path, strict: bool = False, log: Step = lambda step: None) -> Inputs:
    """Load, validate and read every table of a scenario."""
    log(f"reading scenario {scenario}")
    loaded = load(scenario)  # the scenario file first: a mistake there is found before pandas is imported
    from ..scenarios.inputs import read_inputs

    inputs = read_inputs(loaded)
    _strictly(inputs, strict)
    return inputs


def _strictly(inputs: Inputs, strict: bool) -> None:
    if strict and inputs.warnings:
        raise ScenarioError(f"{shown(inputs.loaded.path)}: --strict: {inputs.warnings[0]}")


def simulate(
    scenario: str | Path,
    strict: bool = False,
    log: Step = lambda step: None,
    draws: int | None = None,
    seed: int = 0,
    client: Any = None,
) -> xr.Dataset:
    """Run a scenario and return its Result; with ``draws``, an ensemble of medians and bands.

    >>> result = simulate("taiyuan")  # doctest: +SKIP
    >>> result["gap"].sel(stage="primary", year=2025)  # doctest: +SKIP
    """
    return _simulate(prepare(scenario, strict, log), strict, log, draws, seed, client)


def _simulate(inputs: Inputs, strict: bool, log: Step, draws: int | None, seed: int, client: Any) -> xr.Dataset:
    from . import engine
    from .backtest import record_bands

    if draws is None:
        result = record_bands(engine.run(inputs, log), inputs)
    else:
        from .ensemble import run_ensemble  # numba, only for ensembles

        result = run_ensemble(inputs, draws, seed, client=client, log=log)
    _strictly(inputs, strict)
    return result


def run_scenario(
    scenario: str | Path,
    out: Path | None = None,
    strict: bool = False,
    log: Step = lambda step: None,
    maps: Callable[[xr.Dataset, Path], None] | None = None,
    draws: int | None = None,
    seed: int = 0,
    client: Any = None,
) -> Run:
    """Run a scenario and write its results folder (with ``maps`` drawn into ``maps/``).

    Files a user put in the folder (a map, a GeoPackage) are kept; what an earlier run wrote is replaced.
    """
    from . import outputs
    from .compare import summary
    from .publish import publishing

    inputs = prepare(scenario, strict, log)
    folder = out or Path("results") / inputs.scenario.name
    with publishing(folder, keep=outputs.not_written_by_run) as staging:  # checked and locked before computing
        result = _simulate(inputs, strict, log, draws, seed, client)
        log(f"writing {folder}")
        outputs.write(result, inputs, staging, maps=maps, seed=None if draws is None else seed)
    log("done")
    titles = {lang: str(result.attrs[key]) for lang, key in (("en", "title"), ("zh", "title_zh"))}
    return Run(folder, inputs.warnings, titles, summary(result, inputs.scenario.name))


@dataclass(frozen=True)
class Run:
    """What a run wrote and what the planner should see first."""

    folder: Path
    warnings: list[str]
    titles: dict[str, str]
    """The scenario's title by language."""
    summary: pd.DataFrame
    """Per stage: peak shortage and its year, places to build, spending (:func:`.compare.summary`)."""


def sweep(
    scenarios: list[str], client: Any, maps: Callable[[xr.Dataset, Path], None] | None = None, **options: Any
) -> list[Run]:
    """Run several scenarios, each a task on the Dask ``client`` (or one after another without one)."""
    if client is None:
        return [run_scenario(scenario, maps=maps, **options) for scenario in scenarios]
    futures = [client.submit(run_scenario, scenario, maps=maps, pure=False, **options) for scenario in scenarios]
    return list(client.gather(futures))
