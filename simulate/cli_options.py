"""Option types shared by the ``placeplan`` commands."""

import math
from pathlib import Path
from typing import Any

import click

from ..maps.style import FORMATS, LANGS


class Number(click.FloatRange):
    """A finite number within a range (click's FloatRange lets ``nan`` and ``inf`` through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


class ResultDir(click.Path):
    """A results folder; given a scenario instead, the message says where its results are or how to make them."""

    def __init__(self) -> None:
        super().__init__(exists=True, file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            self.fail(f"{error.message.rstrip('.')}{_results_of(str(value))}", param, ctx)


def _results_of(scenario: str) -> str:
    """Where the results of ``scenario`` (a file or shipped name given as a results folder) are, or how to make
    them; nothing if it is not a scenario."""
    from ..scenarios.errors import ScenarioError
    from ..scenarios.loading import resolve

    written = Path("results") / Path(scenario).stem
    if (written / "results.nc").is_file():
        return f"; the results of scenario {Path(scenario).stem!r} are in {written}"
    try:
        resolve(scenario)
    except ScenarioError:
        return ""
    return f"; {scenario} is a scenario: make its results with: placeplan run {scenario}"


RESULT_DIR = ResultDir()
LANG = click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of labels.")
FORMAT = click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    default=("png",),
    show_default=True,
    help="Picture format; repeat for several.",
)
RESULT_DIRS = click.argument("result_dirs", nargs=-1, required=True, type=RESULT_DIR)
REFERENCE = click.option("--reference", help="Scenario the others are compared with (default: the first).")


def out_folder(default: str, help: str) -> Any:
    """``--out``, a folder with a default."""
    return click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), default=Path(default), show_default=True, help=help
    )


def span(text: str, name: str, lowest: int) -> list[int]:
    """``2012:2019`` or ``5`` as a list of whole numbers from ``lowest`` up, first not after last."""
    try:
        first, _, last = text.partition(":")
        low, high = int(first), int(last or first)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not FIRST:LAST or a whole number", param_hint=name) from None
    if low > high:
        raise click.BadParameter(f"{text!r} runs backwards; give FIRST:LAST with FIRST <= LAST", param_hint=name)
    if low < lowest:
        raise click.BadParameter(f"{text!r} starts below {lowest}", param_hint=name)
    return list(range(low, high + 1))
