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


RESULT_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
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
