"""The Python entry points behind the CLI: prepare a scenario, run it, write its results."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..scenarios.errors import ScenarioError
from ..scenarios.loading import load, shown

if TYPE_CHECKING:  # the engine's modules are imported when a scenario is run, not to check one
    import pandas as pd
    import xarray as xr

    from ..scenarios.inputs import Inputs
    from .plan_inputs import Options as PlanOptions

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
    elif not inputs.stages:
        raise ScenarioError(
            f"--draws: {inputs.scenario.name} has no stages; ensembles are run on places, so run it without"
        )
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
    people = result["population"].sum(("district", "sex", "age"))
    housing = outputs.reservations(result)
    return Run(folder, inputs.warnings, titles, summary(result, inputs.scenario.name), people.to_series(), housing)


@dataclass(frozen=True)
class Run:
    """What a run wrote and what the planner should see first."""

    folder: Path
    warnings: list[str]
    titles: dict[str, str]
    """The scenario's title by language."""
    summary: pd.DataFrame
    """Per stage: peak shortage and its year, places to build, spending (:func:`.compare.summary`)."""
    population: pd.Series | None = None
    """Total population by year."""
    housing: pd.DataFrame | None = None
    """The places to reserve for each housing development (:func:`.outputs.reservations`)."""


def sweep(
    scenarios: list[str], client: Any, maps: Callable[[xr.Dataset, Path], None] | None = None, **options: Any
) -> list[Run]:
    """Run several scenarios, each a task on the Dask ``client`` (or one after another without one)."""
    if client is None:
        return [run_scenario(scenario, maps=maps, **options) for scenario in scenarios]
    futures = [client.submit(run_scenario, scenario, maps=maps, pure=False, **options) for scenario in scenarios]
    return list(client.gather(futures))


@dataclass(frozen=True)
class Planned:
    """What ``placeplan plan`` wrote and what the planner should see first."""

    folder: Path
    table: pd.DataFrame
    """``plan.csv``."""
    record: dict[str, Any]
    """The solver's account (``plan`` in run.json)."""
    run: Run
    """The run of ``plan.yaml``."""


def plan_scenario(
    scenario: str | Path,
    options: PlanOptions,
    out: Path | None = None,
    draws: int | None = None,
    quantile: float | None = None,
    seed: int = 0,
    lang: str = "en",
    log: Step = lambda step: None,
) -> Planned:
    """Choose the cheapest build programme for a scenario and write it as ``plan.yaml`` with its run and pictures.

    With ``draws`` the plan covers the ``quantile`` of the ensemble's demand, and the run of the plan is an
    ensemble too, so its ``p_shortage`` says how likely a shortage remains.
    """
    import json

    import xarray as xr
    import yaml

    from ..maps.plan import plan_pictures
    from ..models.plan_solver import NoPlan, solve
    from . import engine, outputs, plan
    from .plan_inputs import problem
    from .publish import publishing

    inputs = prepare(scenario, log=log)
    folder = out or Path("results") / f"{inputs.scenario.name}_plan"
    with publishing(folder) as staging:
        log("projecting demand")
        baseline = engine.run(inputs)
        demand = None
        if draws is not None:
            from .ensemble import run_ensemble  # numba, only for ensembles

            ensemble = run_ensemble(inputs, draws, seed, log=log, plan_quantile=quantile)
            demand = xr.Dataset({name: ensemble[f"{name}_q"] for name in ("enrolment", "public_choice")})
        built, groups = problem(inputs, baseline, options, demand)
        log("solving the build plan")
        spec = inputs.scenario.plan
        gap = spec.optimality_gap if options.gap is None else options.gap
        try:
            solution = solve(built, time_limit=options.time_limit or spec.time_limit, gap=gap)
        except NoPlan as error:
            raise ScenarioError(f"plan: {error}; give it more --time-limit, or a --gap such as 0.001") from None
        chosen = plan.actions(inputs, built, groups, solution)
        scenario_file = staging / "plan.yaml"
        written = plan.plan_yaml(inputs, chosen, Path(os.path.abspath(folder)))  # extends: relative to the folder
        scenario_file.write_text(yaml.safe_dump(written, allow_unicode=True, sort_keys=False), encoding="utf-8")
        log("running the plan")
        ran = run_scenario(scenario_file, staging / "results", draws=draws, seed=seed)
        planned = outputs.read_result(staging / "results")
        table = plan.plan_table(inputs, chosen, baseline, planned)
        table.to_csv(staging / "plan.csv", index=False)
        years = [int(y) for y in inputs.years]
        notes = plan.diagnosis(built, groups, solution, years)
        more: dict[str, Any] = {"draws": draws, "quantile": quantile, "seed": seed if draws else None}
        if draws is not None:
            more["p_shortage_max"] = {
                str(k): float(planned["p_shortage"].sel(stage=k).max()) for k in planned["stage"].values
            }
        account = plan.record(built, solution, notes, **more)
        (staging / "run.json").write_text(json.dumps({"plan": account}, ensure_ascii=False, indent=2), encoding="utf-8")
        plan_pictures(baseline, planned, solution.capital, built.budget_per_year, staging, lang)
    log("done")
    return Planned(folder, table, account, replace(ran, folder=folder / "results", warnings=ran.warnings + notes))
