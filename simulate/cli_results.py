"""The commands that read results: ``map``, ``chart``, ``export``, ``compare`` and ``report``.

Heavy modules are imported inside each command, as in :mod:`.cli`.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..maps.style import OF_A_RESULT, OF_DRAWS
from .cli_options import FORMAT, LANG, REFERENCE, RESULT_DIR, RESULT_DIRS, out_folder, span

if TYPE_CHECKING:
    import xarray as xr


def _drawn(result: "xr.Dataset", figure: str) -> None:
    """Fail unless the Result has ``figure`` (an ensemble's figures need a run with --draws)."""
    if figure in OF_DRAWS and figure not in result:
        raise click.BadParameter(
            f"{figure!r} is a figure of an ensemble; run the scenario with --draws N", param_hint="--figure"
        )


def _one(result: "xr.Dataset", dim: str, value: str | None, name: str) -> str:
    """The value of ``dim`` the user named (checked), or a clear error listing what exists."""
    allowed = [str(v) for v in result[dim].values]
    if value is None or value in allowed:
        return value or allowed[0]
    raise click.BadParameter(f"{value!r} is not in this Result; choose from {', '.join(allowed)}", param_hint=name)


@click.command("map")
@click.argument("result_dir", type=RESULT_DIR)
@click.option("--stage", help="Stage to map (default: the first).")
@click.option("--year", type=int, help="Year to map (default: the year the stage's shortage peaks).")
@click.option(
    "--figure",
    type=click.Choice(OF_A_RESULT),
    default="gap",
    show_default=True,
    help="Figure to map (gap_p95 and p_shortage of a --draws run).",
)
@click.option("--years", help="Years (2025,2030,2035 or FIRST:LAST): draw stages x years as small multiples instead.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File (suffix set by --format).")
@LANG
@FORMAT
def map_command(
    result_dir: Path,
    stage: str | None,
    year: int | None,
    figure: str,
    years: str | None,
    out: Path | None,
    lang: str,
    formats: tuple[str, ...],
) -> None:
    """Map a figure of RESULT_DIR (a folder written by placeplan run) by planning area."""
    from ..maps.choropleth import peak_year, plot_map
    from ..maps.multiples import small_multiples
    from .outputs import read_result

    result = read_result(result_dir)
    _drawn(result, figure)
    if years is not None:
        named = [y for part in years.split(",") for y in span(part.strip(), "--years", 0)]
        chosen = [int(_one(result, "year", str(y), "--years")) for y in dict.fromkeys(named)]
        stages = (
            [str(s) for s in result["stage"].values] if stage is None else [_one(result, "stage", stage, "--stage")]
        )
        with _pictures(out or result_dir / "maps" / f"{figure}_small_multiples", formats) as save:
            save(small_multiples(result, stages, chosen, figure, lang))
    else:
        stage = _one(result, "stage", stage, "--stage")
        year = peak_year(result, stage) if year is None else int(_one(result, "year", str(year), "--year"))
        with _pictures(out or result_dir / "maps" / f"{figure}_{stage}_{year}", formats) as save:
            save(plot_map(result, stage, year, figure, lang).figure)


@contextmanager
def _pictures(path: Path, formats: tuple[str, ...]) -> Iterator[Callable[[Any], None]]:
    """Checks that ``path`` in each format can be written (before any drawing), then gives a function that
    saves a picture as them, each file whole or not there; names the files written."""
    from ..maps.choropleth import save_as
    from .publish import staged

    targets = [path.with_suffix(f".{fmt}") for fmt in formats]
    with ExitStack() as stack:
        staging = [stack.enter_context(staged(target)) for target in targets]

        def save(picture: Any) -> None:
            save_as(picture, staging)

        yield save
    for target in targets:
        click.echo(str(target))


@click.command()
@click.argument("result_dir", type=RESULT_DIR)
@click.option("--area", help="Area code (default: the area with the largest shortage).")
@click.option("--stage", help="Stage (default: the first).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File (suffix set by --format).")
@LANG
@FORMAT
def chart(
    result_dir: Path, area: str | None, stage: str | None, out: Path | None, lang: str, formats: tuple[str, ...]
) -> None:
    """Chart public demand against capacity over the years for one area and stage."""
    from ..maps.charts import plot_series, worst_area
    from .outputs import read_result

    result = read_result(result_dir)
    stage = _one(result, "stage", stage, "--stage")
    planned = [str(a) for a in result["area"].values[result["planned"].sel(stage=stage).values]]
    if area is None:
        area = worst_area(result, stage)
    elif area not in planned:
        raise click.BadParameter(
            f"{area!r} is not a planning area of {stage}; choose from {', '.join(planned)}", param_hint="--area"
        )
    with _pictures(out or result_dir / "maps" / f"series_{stage}_{area}", formats) as save:
        save(plot_series(result, area, stage, lang).figure)


@click.command()
@click.argument("result_dir", type=RESULT_DIR)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="GeoPackage (default RESULT_DIR/gap.gpkg; suffix .gpkg).",
)
@click.option("--figure", type=click.Choice(OF_A_RESULT), default="gap", show_default=True, help="Figure exported.")
def export(result_dir: Path, out: Path | None, figure: str) -> None:
    """Write the gap layer as a GeoPackage for QGIS or ArcGIS: a layer per stage, a column per year."""
    from ..maps.export import gap_layers
    from .outputs import read_result
    from .publish import staged

    result = read_result(result_dir)
    _drawn(result, figure)
    target = (out or result_dir / "gap").with_suffix(".gpkg")  # as map and chart set their files' suffixes
    with staged(target) as path:
        gap_layers(result, path, figure)
    click.echo(str(target))


@click.command()
@RESULT_DIRS
@REFERENCE
@out_folder("results/comparison", "Folder for the comparison.")
@click.option("--stage", "stages", multiple=True, help="Stages for difference maps (default: all).")
@click.option("--year", type=int, help="Year of the difference maps (default: the last).")
@LANG
def compare(
    result_dirs: tuple[Path, ...],
    reference: str | None,
    out: Path,
    stages: tuple[str, ...],
    year: int | None,
    lang: str,
) -> None:
    """Compare the Results in RESULT_DIRS: comparison.csv, summary (CSV, .xlsx, chart) and difference maps."""
    from ..maps.sets import comparison_pictures
    from .compare import write_comparison

    results, _ = _read_results(result_dirs)
    reference = _reference(results, reference)
    for stage in stages:
        _one(results[reference], "stage", stage, "--stage")
    if year is not None:
        _one(results[reference], "year", str(year), "--year")
    pictures = partial(comparison_pictures, stages=list(stages) or None, year=year, lang=lang)
    write_comparison(results, reference, out, pictures)
    click.echo(str(out))


@click.command()
@RESULT_DIRS
@REFERENCE
@out_folder("results/report", "Folder for report.html, report.xlsx (and report.pdf where Chromium is installed).")
@LANG
def report(result_dirs: tuple[Path, ...], reference: str | None, out: Path, lang: str) -> None:
    """Write the bureau's report of RESULT_DIRS: one self-contained report.html and report.xlsx."""
    from .report import write_report

    results, records = _read_results(result_dirs)
    reference = _reference(results, reference)
    write_report(results, records, reference, out, lang)
    click.echo(str(out))


def _read_results(result_dirs: tuple[Path, ...]) -> tuple[dict[str, "xr.Dataset"], dict[str, dict[str, Any]]]:
    """The Result and run.json of each folder, by scenario name; results of one scenario (a run before and after
    editing its data) are named by their folders instead, their titles marked with the folder."""
    import json

    from .outputs import read_result

    if len(set(map(Path.resolve, result_dirs))) < len(result_dirs):
        raise click.UsageError("a folder is given twice among RESULT_DIRS; give each result once")
    read = [(folder, read_result(folder)) for folder in result_dirs]
    names = [str(result.attrs["scenario"]) for _, result in read]
    labels = [_label(folder, name, names, [f for f, _ in read]) for (folder, _), name in zip(read, names, strict=True)]
    if len(set(labels)) < len(labels):
        twice = sorted({label for label in labels if labels.count(label) > 1})
        raise click.UsageError(f"two results are both named {twice[0]!r}; give results of differently named folders")
    results, records = {}, {}
    for (folder, result), name, label in zip(read, names, labels, strict=True):
        if names.count(name) > 1:  # marked, so that the tables and pictures tell them apart
            for title, marked in (("title", "{} ({})"), ("title_zh", "{}（{}）")):
                if result.attrs.get(title):
                    result.attrs[title] = marked.format(result.attrs[title], label)
            result.attrs["scenario"] = label
        results[label] = result
        try:
            records[label] = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            records[label] = {}
    return results, records


def _label(folder: Path, name: str, names: list[str], folders: list[Path]) -> str:
    """A result's name: its scenario's, or, shared with another result, its folder's (the path where the
    folders' names are the same too)."""
    if names.count(name) == 1:
        return name
    alike = [other.name for other, theirs in zip(folders, names, strict=True) if theirs == name]
    return str(folder) if alike.count(folder.name) > 1 else folder.name


def _reference(results: dict[str, "xr.Dataset"], reference: str | None) -> str:
    reference = reference or next(iter(results))
    if reference not in results:
        raise click.BadParameter(f"{reference!r} is not among {', '.join(results)}", param_hint="--reference")
    return reference
