"""The ``placeplan`` command line: parse options, call one library function, print.

Exit codes: 0 success, 2 bad input or usage (one message, no traceback), 1 a bug.
"""

import atexit
import gc
import signal
import sys
import time
import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..maps.style import stage_name, word
from ..scenarios.errors import ScenarioError
from .cli_options import LANG, Number, span
from .cli_results import chart, compare, export, map_command, report

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from .api import Run, Step

# Heavy modules (numpy, pandas, xarray, matplotlib, numba) are imported inside the commands that use
# them, so that --help, --version and a validate that fails early answer at once (docs/performance.md).


class BadInput(click.ClickException):
    """Bad input: exit code 2 and one message."""

    exit_code = 2


class Commands(click.Group):
    """Turns bad input into exit code 2 with one message (a traceback only with ``--debug``)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ScenarioError as error:
            if ctx.params.get("debug"):
                raise
            raise BadInput(str(error)) from None


def _step_log(quiet: bool) -> "Step":
    started = time.perf_counter()

    def log(step: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - started:5.1f} s] {step}", err=True)

    return log


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of any error.")
@click.version_option(package_name="placeplan")
def main(debug: bool) -> None:
    """Enrolment and school-place planning: run scenarios, map place gaps, compare policy options."""
    signal.signal(signal.SIGTERM, interrupted)
    quick_garbage_collection()


for command in (map_command, chart, export, compare, report):
    main.add_command(command)


def quick_garbage_collection() -> None:
    """Collect cycles less often (pandas makes many short-lived objects: 0.1 s a run) and not at all at
    exit, when the process ends anyway (0.2 s): docs/performance.md."""
    gc.set_threshold(50_000, 10, 10)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def interrupted(signum: int, frame: object) -> None:
    """SIGTERM (a kill, a closed session) ends a run as Ctrl-C does: staging folders are removed."""
    raise KeyboardInterrupt


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Results folder (one scenario only); default results/<scenario name>/.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (suspicious but legal data) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="No step log on stderr.")
@click.option("--no-maps", is_flag=True, help="Write the tables and results.nc only (faster while editing).")
@click.option("--draws", type=click.IntRange(min=1), help="Run an ensemble of N draws (p5/p50/p95, P(shortage)).")
@click.option(
    "--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Seed of the ensemble draws."
)
@click.option("--workers", type=click.IntRange(min=1), help="Start a local Dask cluster of N worker processes.")
@click.option("--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@LANG
def run(
    scenarios: tuple[str, ...],
    out: Path | None,
    strict: bool,
    quiet: bool,
    no_maps: bool,
    draws: int | None,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    lang: str,
) -> None:
    """Run SCENARIOS (YAML files, or shipped names such as taiyuan or taiyuan/class_size)."""
    if out is not None and len(scenarios) > 1:
        raise click.UsageError("--out takes one scenario; without it each goes to results/<scenario name>/")
    if workers and scheduler:
        raise click.UsageError("give --workers (a local cluster) or --scheduler (an existing one), not both")
    from .api import run_scenario, sweep
    from .distributed import cluster

    maps: Callable[[xr.Dataset, Path], None] | None = None
    if not no_maps:
        from ..maps.sets import default_maps

        maps = partial(default_maps, lang=lang)
    log = _step_log(quiet)
    options: dict[str, Any] = {"strict": strict, "draws": draws, "seed": seed}
    with cluster(workers, scheduler) as client:
        if len(scenarios) == 1:
            done = [run_scenario(scenarios[0], out, log=log, maps=maps, client=client, **options)]
        else:
            log(f"running {len(scenarios)} scenarios")
            done = sweep(list(scenarios), client, maps=maps, **options)
    for finished in done:
        for warning in finished.warnings:
            click.echo(f"warning: {warning}", err=True)
        for line in headline(finished, lang):
            click.echo(line)
        click.echo(str(finished.folder))


def headline(finished: "Run", lang: str) -> list[str]:
    """What a planner reads first: per stage, the peak shortage and its year and the places to build."""
    if finished.summary.empty and finished.population is not None:  # a population-only run
        people = finished.population
        first, last = int(people.index[0]), int(people.index[-1])
        return [
            finished.titles[lang],
            f"  {word('population', lang)} {first}: {people[first]:,.0f}   {last}: {people[last]:,.0f}",
        ]
    ranged = "peak_shortage_p5" in finished.summary  # an ensemble: the peak with its range over the draws
    keys = ("stage", "peak_shortage_range" if ranged else "peak_shortage", "peak_year", "places_to_build")
    rows = [[word(key, lang) for key in keys]]
    for stage in finished.summary.to_dict("records"):
        year = stage["peak_year"]
        peak = f"{stage['peak_shortage']:,.0f}"
        if ranged:
            peak += f" ({stage['peak_shortage_p5']:,.0f}-{stage['peak_shortage_p95']:,.0f})"
        rows.append(
            [
                stage_name(str(stage["stage"]), lang),
                peak,
                "" if year is None or year != year else f"{year:.0f}",
                f"{stage['places_to_build']:,.0f}",
            ]
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    lines = [finished.titles[lang]]
    for row in rows:
        cells = [
            _pad(row[0], widths[0], left=True),
            *(_pad(cell, width) for cell, width in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  " + "   ".join(cells))
    return lines + _reservations(finished.housing, lang)


def _reservations(housing: "pd.DataFrame | None", lang: str) -> list[str]:
    """A line per housing development: the classes to reserve for it, stage by stage (housing.csv)."""
    if housing is None or housing.empty:
        return []
    named = "district_name_en" if lang == "en" else "district_name"
    lines = []
    for (name, district, dwellings), stages in housing.groupby(["development", named, "dwellings"], sort=False):
        classes = zip(stages["stage"], stages["classes_to_reserve"], strict=True)
        if lang == "zh":
            each = "、".join(f"{stage_name(stage, lang)}{count:.0f}个班" for stage, count in classes)
            lines.append(f"  {name}（{district}，{dwellings:,.0f}套住宅）：预留{each}")
        else:
            each = ", ".join(f"{count:.0f} {stage_name(stage, lang)}" for stage, count in classes)
            lines.append(f"  {name} ({district}, {dwellings:,.0f} dwellings): reserve classes: {each}")
    return lines


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(scenarios: tuple[str, ...], strict: bool) -> None:
    """Check SCENARIOS and all their tables without running them."""
    from .api import prepare

    for scenario in scenarios:
        inputs = prepare(scenario, strict=strict)
        for warning in inputs.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(
            f"{inputs.scenario.name}: ok ({len(inputs.districts.codes)} districts, "
            f"{len(inputs.stages)} stages, {inputs.years[0]}-{inputs.years[-1]})"
        )


@main.command("plan")
@click.argument("scenario")
@click.option("--budget", type=Number(min=0), help="Most capital spending in all (default: the scenario's).")
@click.option("--budget-per-year", type=Number(min=0), help="Most capital spending in any one year.")
@click.option("--lead-time", type=click.IntRange(min=0), help="Years before anything chosen takes effect.")
@click.option(
    "--neighbour-share",
    type=Number(0, 1),
    help="Most share of an area's public pupils placed in neighbouring areas' spare places (0: none).",
)
@click.option("--draws", type=click.IntRange(min=1), help="Plan for a quantile of an ensemble of N draws.")
@click.option("--quantile", type=Number(0, 1), help="The quantile of demand to plan for, with --draws.")
@click.option(
    "--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Seed of the ensemble draws."
)
@click.option("--time-limit", type=Number(min=1), help="Seconds the solver may take.")
@click.option("--gap", type=Number(0, 0.5), help="Relative optimality gap to stop at (default 1e-9: proven).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default results/<name>_plan).")
@click.option("--quiet", "-q", is_flag=True, help="No step log on stderr.")
@LANG
def plan_command(
    scenario: str,
    budget: float | None,
    budget_per_year: float | None,
    lead_time: int | None,
    neighbour_share: float | None,
    draws: int | None,
    quantile: float | None,
    seed: int,
    time_limit: float | None,
    gap: float | None,
    out: Path | None,
    quiet: bool,
    lang: str,
) -> None:
    """Choose what to build, expand, convert and buy, where and when, at the least cost (a MILP); write plan.yaml."""
    if (draws is None) != (quantile is None):
        raise click.UsageError("give --draws and --quantile together: the plan covers that quantile of the draws")
    from ..models import PROVEN
    from .api import plan_scenario
    from .plan_inputs import Options

    options = Options(budget, budget_per_year, lead_time, time_limit, gap, neighbour_share)
    done = plan_scenario(scenario, options, out, draws, quantile, seed, lang, _step_log(quiet))
    for note in done.run.warnings:
        click.echo(f"warning: {note}", err=True)
    account = done.record
    if account["optimal"]:
        proven = account["mip_gap"] <= PROVEN
        state = "proven optimal" if proven else f"within {account['mip_gap']:.2%} of the optimum"
    else:
        state = f"not proven optimal: {account['status']}"
    capital, recurrent = done.table[["capital_cost", "recurrent_cost"]].sum()
    short = account["pupil_years_short"]
    click.echo(f"{len(done.table)} actions: capital {capital:,.0f}, recurrent {recurrent:,.0f}")
    click.echo(f"{short:,.0f} pupil-years still short ({state}, solved in {account['seconds']:.1f} s)")
    for line in headline(done.run, lang):
        click.echo(line)
    click.echo(str(done.folder))


@main.command("backtest")
@click.argument("scenario")
@click.option("--origins", default="2013:2019", show_default=True, help="Forecast origins FIRST:LAST (years).")
@click.option("--horizons", default="1:5", show_default=True, help="Years ahead FIRST:LAST.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default results/<name>/backtest)."
)
@LANG
def backtest_command(scenario: str, origins: str, horizons: str, out: Path | None, lang: str) -> None:
    """Forecast from past origins with only the records known then; report the errors by horizon."""
    from ..maps.charts import plot_accuracy
    from .api import prepare
    from .backtest import compared, write_backtest

    inputs = prepare(scenario)
    table, summary = compared(inputs, span(origins, "--origins", 1800), span(horizons, "--horizons", 1))
    folder = out or Path("results") / inputs.scenario.name / "backtest"
    write_backtest(table, summary, folder, pictures=partial(plot_accuracy, lang=lang))
    click.echo(str(folder))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
