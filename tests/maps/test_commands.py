"""placeplan map / chart / export / compare through click's runner, on hand-made Results."""

import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from placeplan.simulate.cli import main
from placeplan.simulate.cli_results import _read_results
from placeplan.simulate.compare import comparison_table, summary_table

from .conftest import ALTERNATIVE, REFERENCE, small_result, write_result


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_map_writes_png_svg_and_pdf(result_dirs, tmp_path):
    ref, _ = result_dirs
    out = tmp_path / "pictures" / "gap"
    result = invoke(
        "map",
        ref,
        "--stage",
        "primary",
        "--year",
        2021,
        "--out",
        out,
        "--format",
        "png",
        "--format",
        "svg",
        "--format",
        "pdf",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["gap.pdf", "gap.png", "gap.svg"]
    assert (out.parent / "gap.pdf").read_bytes().startswith(b"%PDF")


def test_map_defaults_to_the_peak_year_in_the_result_folder(result_dirs):
    ref, _ = result_dirs
    result = invoke("map", ref, "--stage", "primary", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("maps/gap_primary_2021.png")


def test_small_multiples_and_other_figures(result_dirs):
    ref, _ = result_dirs
    assert invoke("map", ref, "--years", "2020,2021", "--figure", "utilization").exit_code == 0
    assert (ref / "maps" / "utilization_small_multiples.png").is_file()


def test_small_multiples_take_a_span_of_years_as_backtest_does(result_dirs, tmp_path):
    ref, _ = result_dirs
    for years, name in (("2020:2021", "span"), ("2020,2020:2021,2021", "listed")):  # each year drawn once
        assert invoke("map", ref, "--years", years, "--out", tmp_path / name).exit_code == 0
    assert (tmp_path / "span.png").read_bytes() == (tmp_path / "listed.png").read_bytes()


@pytest.mark.parametrize(
    ("years", "why"),
    [
        ("2021:2020", "'2021:2020' runs backwards; give FIRST:LAST with FIRST <= LAST"),
        ("2020,x", "'x' is not FIRST:LAST or a whole number"),
        ("2019:2020", "'2019' is not in this Result; choose from 2020, 2021"),
    ],
)
def test_years_that_are_not_in_the_result_or_not_years_are_one_message(result_dirs, tmp_path, years, why):
    ref, _ = result_dirs
    result = invoke("map", ref, "--years", years, "--out", tmp_path / "pictures" / "m")
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for --years: {why}\n"), result.stderr
    assert not (tmp_path / "pictures").exists()


def test_unknown_stage_or_year_is_exit_2_with_the_choices(result_dirs):
    ref, _ = result_dirs
    result = invoke("map", ref, "--stage", "primry")
    assert result.exit_code == 2
    assert (
        "Invalid value for --stage: 'primry' is not in this Result; choose from primary, senior_general"
        in result.output
    )
    result = invoke("map", ref, "--year", 2030)
    assert result.exit_code == 2 and "choose from 2020, 2021" in result.output


def test_chart_picks_the_worst_area(result_dirs):
    ref, _ = result_dirs
    result = invoke("chart", ref, "--stage", "primary")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("series_primary_1.png")
    assert invoke("chart", ref, "--stage", "primary", "--area", "9").exit_code == 2


def test_export_writes_one_layer_per_stage_with_a_column_per_year(result_dirs):
    ref, _ = result_dirs
    assert invoke("export", ref).exit_code == 0
    assert invoke("export", ref).exit_code == 0  # a second export replaces the first
    layers = [name for name, _ in pyogrio.list_layers(ref / "gap.gpkg")]
    assert layers == ["primary", "senior_general"]
    primary = pyogrio.read_dataframe(ref / "gap.gpkg", layer="primary")
    assert list(primary.columns) == ["area", "name", "name_en", "gap_2020", "gap_2021", "geometry"]
    assert primary["gap_2021"].tolist() == [200, -100]
    assert primary["name"].tolist() == ["甲区", "乙区"]
    named = invoke("export", ref, "--out", str(ref / "layers.csv"))  # the suffix is set, as map and chart set it
    assert named.exit_code == 0 and named.output.strip() == str(ref / "layers.gpkg")
    assert [name for name, _ in pyogrio.list_layers(ref / "layers.gpkg")] == layers


def test_comparison_differences_by_hand():
    table = comparison_table({"ref": REFERENCE, "alt": ALTERNATIVE}, "ref")
    alt = table[(table["scenario"] == "alt") & (table["stage"] == "primary") & (table["year"] == 2021)]
    assert alt.set_index("area")["gap_diff"].to_dict() == {"1": -140.0, "2": 50.0}
    assert alt.set_index("area")["public_capacity_diff"].to_dict() == {"1": 240.0, "2": 0.0}
    assert (table[table["scenario"] == "ref"].filter(like="_diff") == 0).all().all()
    assert len(table) == 2 * (2 + 1) * 2  # scenarios x planned (area, stage) x years


def test_summary_by_hand():
    summary = summary_table({"ref": REFERENCE, "alt": ALTERNATIVE}).set_index(["scenario", "stage"])
    primary = summary.loc[("ref", "primary")]
    # shortages: area 1 100 (2020), 200 (2021); area 2 none
    assert primary["peak_shortage"] == 200 and primary["peak_year"] == 2021
    assert primary["places_to_build"] == 200 and primary["classes_to_build"] == 5  # 200 / 40
    assert primary["place_years_short"] == 300 and primary["years_in_shortage"] == 2
    # building the 200 places still missing, once, at 1,000 a place: never summed over the two short years
    assert primary["cost_of_places_to_build"] == 200_000
    # spending: no action; teachers (demand / 20) x 100 a year: (25 + 30 + 15 + 15) x 100
    assert primary["capital_cost"] == 0 and primary["recurrent_cost"] == 8_500 and primary["spending"] == 8_500
    alt = summary.loc[("alt", "primary")]
    # the alternative adds 240 places in area 1 in 2021 at 1,000 each; teachers (25 + 35 + 15 + 17.5) x 100
    assert alt["capital_cost"] == 240_000 and alt["recurrent_cost"] == 9_250 and alt["spending"] == 249_250
    assert alt["title"] == "Scenario alt"
    senior = summary.loc[("ref", "senior_general")]
    assert senior["peak_shortage"] == 100 and senior["years_in_shortage"] == 1


def test_compare_writes_tables_and_pictures(result_dirs, tmp_path):
    out = tmp_path / "comparison"
    result = invoke("compare", *result_dirs, "--reference", "ref", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.csv",
        "difference_primary_2021.png",
        "difference_senior_general_2021.png",
        "summary.csv",
        "summary.png",
        "summary.xlsx",
    ]
    summary = pd.read_excel(out / "summary.xlsx", dtype={"stage": str})
    assert summary["scenario"].tolist() == ["ref", "ref", "alt", "alt"]
    assert pd.read_csv(out / "comparison.csv", dtype={"area": str}).shape[0] == 12


def test_two_runs_of_one_scenario_are_compared_by_their_folders(result_dirs, tmp_path):
    before, after = result_dirs[0], tmp_path / "edited" / result_dirs[0].name  # the same scenario, run again
    write_result(after, REFERENCE)
    out = tmp_path / "comparison"
    result = invoke("compare", before, after, "--reference", str(before), "--out", out)
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.csv", dtype={"stage": str})
    assert summary["scenario"].unique().tolist() == [str(before), str(after)]  # both folders are named "ref"
    assert summary["title"].unique().tolist() == [f"Scenario ref ({before})", f"Scenario ref ({after})"]
    renamed = tmp_path / "v2"
    write_result(renamed, REFERENCE)
    results, _ = _read_results((before, renamed))  # folder names that differ are enough
    assert [(name, result.attrs["title"]) for name, result in results.items()] == [
        ("ref", "Scenario ref (ref)"),
        ("v2", "Scenario ref (v2)"),
    ]
    named_like_it = write_result(tmp_path / "alt" / "v2", ALTERNATIVE)  # a scenario named as the folder v2
    renamed_alt = write_result(tmp_path / "more" / "alt", ALTERNATIVE)
    clash = invoke("compare", before, renamed, named_like_it, renamed_alt, "--out", tmp_path / "c")
    assert clash.exit_code == 2
    assert clash.stderr.splitlines()[-1] == (
        "Error: two results are both named 'v2'; give results of differently named folders"
    )


def test_one_folder_given_twice_is_refused(result_dirs, tmp_path):
    result = invoke("compare", result_dirs[0], result_dirs[0].parent / ".." / result_dirs[0].parent.name / "ref")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: a folder is given twice among RESULT_DIRS; give each result once"


def test_results_that_do_not_match_are_refused(result_dirs, tmp_path):
    other = small_result(
        "other",
        REFERENCE["public_demand"].fillna(0).values.tolist(),
        REFERENCE["public_capacity"].fillna(0).values.tolist(),
    )
    other = other.assign_coords(year=[2021, 2022])
    odd = write_result(tmp_path / "odd", other)
    result = invoke("compare", result_dirs[0], odd, "--out", tmp_path / "c")
    assert result.exit_code == 2
    assert result.stderr == "Error: results 'ref' and 'other' differ in year: only in ref: 2020; only in other: 2022\n"
    assert not (tmp_path / "c").exists()


def test_unknown_reference_is_refused(result_dirs, tmp_path):
    result = invoke("compare", *result_dirs, "--reference", "nope", "--out", tmp_path / "c")
    assert result.exit_code == 2 and "'nope' is not among ref, alt" in result.output


@pytest.mark.parametrize("command", ["map", "chart", "export"])
def test_a_folder_without_a_result_is_exit_2(command, tmp_path):
    result = invoke(command, tmp_path)
    assert result.exit_code == 2
    assert "no results.nc here; make one with: placeplan run SCENARIO --out" in result.stderr


def test_an_ensemble_maps_its_probability_of_a_shortage_and_a_plain_result_says_it_has_none(result_dirs, tmp_path):
    ref, _ = result_dirs
    plain = invoke("map", ref, "--figure", "p_shortage", "--out", tmp_path / "p")
    assert plain.exit_code == 2
    assert "Invalid value for --figure: 'p_shortage' is a figure of an ensemble; run the scenario with --draws N" in (
        plain.stderr
    )
    assert not list(tmp_path.glob("p.*"))
    drawn = REFERENCE.assign(p_shortage=(REFERENCE["gap"] > 0) * 0.75, gap_p95=REFERENCE["gap"] + 50)
    folder = write_result(tmp_path / "drawn", drawn)
    done = invoke(
        "map", folder, "--figure", "p_shortage", "--stage", "primary", "--year", 2021, "--out", tmp_path / "p"
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "p.png").is_file()
    from placeplan.maps.choropleth import colour_scale, number

    assert number("p_shortage", 0.75, "en") == "75%" and colour_scale("p_shortage", [0.2, 0.3])[1].vmax == 1.0
    assert invoke("export", folder, "--figure", "gap_p95", "--out", tmp_path / "g.gpkg").exit_code == 0
    assert pyogrio.read_dataframe(tmp_path / "g.gpkg", layer="primary")["gap_p95_2021"].tolist() == [250, -50]


def test_places_added_is_a_plan_s_figure_not_a_choice_of_map():
    result = invoke("map", ".", "--figure", "places_added")
    assert result.exit_code == 2 and "'places_added' is not one of" in result.stderr
