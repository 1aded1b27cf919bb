"""The ``placeplan`` command line: parse options, call one library function, print.

Exit codes: 0 success, 2 bad input or usage (one message, no traceback), 1 a bug.
"""

import sys
import time
from pathlib import Path

import click

from ..maps import default_maps
from ..scenarios import ScenarioError
from .api import Step, prepare, run_scenario


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


def _step_log(quiet: bool) -> Step:
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


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Results folder (one scenario only); default results/<scenario name>/.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (suspicious but legal data) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="No step log on stderr.")
def run(scenarios: tuple[str, ...], out: Path | None, strict: bool, quiet: bool) -> None:
    """Run SCENARIOS (YAML files, or shipped names such as taiyuan or taiyuan/class_size)."""
    if out is not None and len(scenarios) > 1:
        raise click.UsageError("--out takes one scenario; without it each goes to results/<scenario name>/")
    log = _step_log(quiet)
    for scenario in scenarios:
        folder, warnings = run_scenario(scenario, out, strict=strict, log=log, maps=default_maps)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(str(folder))


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(scenarios: tuple[str, ...], strict: bool) -> None:
    """Check SCENARIOS and all their tables without running them."""
    for scenario in scenarios:
        inputs = prepare(scenario, strict=strict)
        for warning in inputs.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(
            f"{inputs.scenario.name}: ok ({len(inputs.districts.codes)} districts, "
            f"{len(inputs.stages)} stages, {inputs.years[0]}-{inputs.years[-1]})"
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
