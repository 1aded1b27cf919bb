"""Ensembles against brute force: each draw run on its own as an ordinary scenario, then quantiles by hand."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from click.testing import CliRunner

from placeplan.models.enrolment import school_age_population
from placeplan.scenarios import load, read_inputs
from placeplan.scenarios.schema import Uncertainty
from placeplan.simulate import simulate
from placeplan.simulate.chunks import chunks
from placeplan.simulate.cli import main
from placeplan.simulate.draws import draw
from placeplan.simulate.ensemble import QUANTILES, _stage_quantiles, run_ensemble
from placeplan.simulate.figures import FIGURES, one_stage

from ..conftest import SCENARIO, write_given, write_tiny

pytestmark = pytest.mark.xdist_group("numba")  # one worker compiles the kernels (pytest -n auto --dist loadgroup)

UNCERTAINTY = {"tfr": 0.2, "migration_scale": 0.5, "housing_delivery": 0.3, "housing_delay": 2}
MIGRATION = "district,sex,age,net_migrants\n1,male,8,60\n2,female,7,-40\n"
PROFILE = "age,share\n6,0.5\n9,0.5\n"
SEED, DRAWS = 11, 15


def _scenario(folder: Path, tfr: float = 1.0, scale: float = 1.0, dwellings: float = 100, delay: int = 0) -> Path:
    population = {
        **SCENARIO["population"],
        "fertility": {"tfr": tfr, "shape": "shape.csv"},
        "migration": {"table": "migration.csv", "scale": scale},
    }
    housing = {
        "age_profile": "profile.csv",
        "developments": {
            "estate": {
                "district": "2",
                "dwellings": dwellings,
                "persons_per_dwelling": 2,
                "completion_year": 2021 + delay,
                "occupancy_years": 1,
            }
        },
    }
    changes = {"population": population, "housing": housing, "uncertainty": UNCERTAINTY}
    return write_tiny(folder, changes, {"migration.csv": MIGRATION, "profile.csv": PROFILE})


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    return simulate(_scenario(tmp_path_factory.mktemp("ensemble")), draws=DRAWS, seed=SEED)


@pytest.fixture(scope="module")
def brute_force(tmp_path_factory):
    """The gap of each draw, from an ordinary run with that draw's perturbation written into the scenario."""
    gaps = []
    for d in range(DRAWS):
        one = draw(Uncertainty(**UNCERTAINTY), 1, SEED, first=d)
        tfr, scale, dwellings = float(one.tfr[0]), float(one.migration[0]), 100 * float(one.housing[0])
        path = _scenario(tmp_path_factory.mktemp(f"draw{d}"), tfr, scale, dwellings, int(one.delay[0]))
        gaps.append(simulate(path)["gap"])
    return xr.concat(gaps, "draw")


def test_draws_do_not_depend_on_how_many_are_drawn_together():
    together = draw(Uncertainty(**UNCERTAINTY), 5, SEED)
    alone = [draw(Uncertainty(**UNCERTAINTY), 1, SEED, first=d) for d in range(5)]
    assert together.tfr == pytest.approx([a.tfr[0] for a in alone])
    assert list(together.delay) == [a.delay[0] for a in alone]
    assert len(set(together.delay)) > 1 and np.std(together.migration) > 0


def test_quantiles_and_p_shortage_match_brute_force(ensemble, brute_force):
    low, mid, high = brute_force.fillna(0).quantile([0.05, 0.5, 0.95], "draw").values  # unplanned cells: masked below
    planned = ensemble["planned"].values[:, :, None] & np.ones(low.shape[-1], dtype=bool)
    assert ensemble["gap"].values[planned] == pytest.approx(mid[planned])
    assert ensemble["gap_p5"].values[planned] == pytest.approx(low[planned])
    assert ensemble["gap_p95"].values[planned] == pytest.approx(high[planned])
    share = (brute_force > 0).mean("draw").values
    assert ensemble["p_shortage"].values[planned] == pytest.approx(share[planned])
    assert (ensemble["gap_p5"] <= ensemble["gap"]).where(ensemble["planned"], True).all()
    assert (ensemble["gap_p95"] > ensemble["gap_p5"]).sel(stage="primary", area=["1", "2"], year=2023).all()
    # each draw's peak city-wide shortage: the largest over the years of the sum over areas of max(gap, 0)
    peaks = brute_force.clip(min=0).sum("area").max("year").quantile([0.05, 0.5, 0.95], "draw")
    for q, name in zip(peaks.values, ("peak_shortage_p5", "peak_shortage_p50", "peak_shortage_p95"), strict=True):
        assert ensemble[name].values == pytest.approx(q)
    assert ensemble["peak_shortage_p95"].sel(stage="primary") > ensemble["peak_shortage_p5"].sel(stage="primary")


def test_the_summary_and_headline_give_the_peak_with_its_range(ensemble, tmp_path):
    from placeplan.simulate.compare import summary

    table = summary(ensemble, "tiny")
    assert list(table["scenario"]) == ["tiny", "tiny"]  # the scenario's name, on every stage
    assert table["peak_shortage"].tolist() == ensemble["peak_shortage_p50"].values.tolist()
    assert (table["peak_shortage_p5"] <= table["peak_shortage"]).all()
    assert (table["peak_shortage"] <= table["peak_shortage_p95"]).all()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(_scenario(tmp_path / "s")), "--draws", "8", "--no-maps", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "peak shortage (5%-95% of draws)" in result.stdout
    assert re.search(r"\n  primary +[\d,]+ \([\d,]+-[\d,]+\) ", result.stdout), result.stdout


def test_the_city_wide_shortage_adds_up_over_chunks(tmp_path):
    """Districts planned apart fall in chunks of their own; each draw's city total is summed over them."""
    path = _scenario(tmp_path)
    text = path.read_text(encoding="utf-8").replace("area: county", "area: district")
    path.write_text(text, encoding="utf-8")
    inputs = read_inputs(load(path))
    assert len(chunks(inputs, DRAWS, budget=1.0)) == 2
    together, apart = run_ensemble(inputs, DRAWS, SEED), run_ensemble(inputs, DRAWS, SEED, budget=1.0)
    for name in ("peak_shortage_p5", "peak_shortage_p50", "peak_shortage_p95"):
        xr.testing.assert_identical(apart[name], together[name])


def test_chunks_side_by_side_give_the_numbers_of_chunks_one_by_one(tmp_path):
    """Chunks run a core each, side by side, give what the same chunks give one after another (on one core)."""
    from placeplan.benchmarks import synthetic
    from placeplan.models.compiled import get_num_threads, set_num_threads

    inputs = read_inputs(load(synthetic.scenario(7, 4, tmp_path)))
    assert len(chunks(inputs, DRAWS, budget=1.0)) >= 4  # the first alone, then two at a time
    side_by_side = run_ensemble(inputs, DRAWS, SEED, budget=1.0)
    cores = get_num_threads()
    set_num_threads(1)  # one core: one chunk after another
    try:
        one_by_one = run_ensemble(inputs, DRAWS, SEED, budget=1.0)
    finally:
        set_num_threads(cores)
    xr.testing.assert_identical(side_by_side, one_by_one)


@pytest.fixture(scope="module")
def existing():
    """A real Dask cluster of two worker processes, started once for the tests that use one."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as local:
        yield local


def test_same_seed_same_result_whatever_the_chunks_or_workers(tmp_path, ensemble, existing):
    inputs = read_inputs(load(_scenario(tmp_path)))
    one_district_per_chunk = run_ensemble(inputs, DRAWS, SEED, budget=1.0)
    xr.testing.assert_identical(one_district_per_chunk, ensemble)
    from dask.distributed import Client

    with Client(existing) as client:
        distributed = run_ensemble(read_inputs(load(_scenario(tmp_path))), DRAWS, SEED, client=client, budget=1.0)
    xr.testing.assert_identical(distributed, ensemble)


def test_run_with_draws_writes_bands(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(_scenario(tmp_path / "s")), "--draws", "8", "--seed", "5", "--out", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "results.csv")
    assert {"gap_p5", "gap_p95", "p_shortage"} <= set(table.columns)
    assert table["p_shortage"].between(0, 1).all()
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 5 and record["draws"] == 8


def test_a_sweep_on_a_local_cluster_writes_every_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = _scenario(tmp_path / "a")
    second = write_tiny(tmp_path / "b", {"name": "other"})
    result = CliRunner().invoke(main, ["run", str(first), str(second), "--workers", "2", "-q", "--no-maps"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "results" / "tiny" / "results.csv").is_file()
    assert (tmp_path / "results" / "other" / "results.csv").is_file()


@pytest.fixture
def not_dask():
    """A real TCP server that answers every connection with bytes that are not Dask's protocol."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            with connection:
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 8)

    threading.Thread(target=answer, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("not_dask", "what answers there is not a Dask scheduler"),
        ("not an address", "not an address of a Dask scheduler"),
    ],
)
def test_a_scheduler_that_is_not_there_is_one_message(tmp_path, request, address, why):
    import dask

    address = request.getfixturevalue(address) if address == "not_dask" else address
    out = tmp_path / "out"
    before = dask.config.get("scheduler", None)
    done = CliRunner().invoke(
        main, ["run", str(_scenario(tmp_path)), "--draws", "3", "--scheduler", address, "--out", str(out)]
    )
    assert done.exit_code == 2, done.output
    assert done.stderr == (
        f"Error: --scheduler {address}: {why}; start one with: dask scheduler, "
        "and give the address it prints (tcp://HOST:8786)\n"
    )
    assert not out.exists()
    assert dask.config.get("scheduler", None) == before  # the failed client left no default scheduler behind


def test_run_on_an_existing_scheduler_matches_the_single_process_result(tmp_path, existing):
    scenario = _scenario(tmp_path / "s")
    args = ["run", str(scenario), "--draws", "6", "--seed", "2", "-q", "--no-maps"]
    remote = ["--scheduler", existing.scheduler_address, "--out", str(tmp_path / "remote")]
    result = CliRunner().invoke(main, [*args, *remote])
    assert result.exit_code == 0, result.output
    local = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "local")])
    assert local.exit_code == 0
    assert (tmp_path / "remote" / "results.csv").read_text() == (tmp_path / "local" / "results.csv").read_text()


def test_draws_need_the_cohort_component_method(tmp_path):
    path = write_given(tmp_path)
    result = CliRunner().invoke(main, ["run", str(path), "--draws", "5", "-q", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == "Error: --draws needs population method cohort_component, not given\n"
    assert not (tmp_path / "out").exists()


def test_workers_without_dask_say_how_to_install_it(tiny, monkeypatch):
    import sys

    from click.testing import CliRunner

    from placeplan.simulate.cli import main

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as where the [cluster] extra is not installed
    result = CliRunner().invoke(main, ["run", str(tiny), "--draws", "2", "--workers", "2"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --workers needs Dask; install it with: pip install 'placeplan[cluster]'\n")


def test_the_compiled_kernel_is_cached_outside_the_package(tiny):
    from pathlib import Path

    import placeplan.models

    simulate(tiny, draws=2)
    beside = list(Path(placeplan.models.__path__[0]).glob("__pycache__/*.nb[ic]"))
    assert beside == []  # files written into an installed package outlive pip uninstall


def test_flows_in_an_ensemble_move_what_a_plain_run_moves(tmp_path):
    """Moves between districts in the compiled ensemble step: with no uncertainty every draw is the plain run,
    including an origin asked for more than it has (500 boys of 9 from district 1, which has 100)."""
    flows = "origin,destination,sex,age,persons\n1,2,female,8,30\n1,2,male,9,500\n2,1,male,9,20\n"
    none = {"tfr": 0, "migration_scale": 0, "housing_delivery": 0, "housing_delay": 0}
    path = write_tiny(tmp_path, {"population": {**SCENARIO["population"], "flows": "flows.csv"}, "uncertainty": none})
    (tmp_path / "flows.csv").write_text(flows)
    plain = simulate(path)
    ensemble = run_ensemble(read_inputs(load(path)), 3, seed=1, budget=1.0)
    np.testing.assert_allclose(ensemble["population"], plain["population"], rtol=1e-12)
    np.testing.assert_allclose(ensemble["gap"], plain["gap"], rtol=1e-12)
    boys = plain["population"].sel(district="1", sex="male", age=9).isel(year=1)
    assert float(boys) == 20  # all 100 left (not -400), then 20 came from district 2


def test_draws_of_a_scenario_that_perturbs_nothing_are_warned_of(tiny, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(tiny), "--draws", "3", "--no-maps", "-q", "--out", str(out)])
    assert result.exit_code == 0, result.output
    warning = "uncertainty: nothing is perturbed, so all 3 draws are the same; give tfr, migration_scale, "
    assert warning in result.stderr
    assert any(warning in note for note in json.loads((out / "run.json").read_text())["warnings"])


TAIYUAN = Path(__file__).parents[2] / "scenarios" / "taiyuan"
ACTIONS = {  # bought places, pupils placed in a neighbouring area, a converted private school
    "bought": {"action": "buy", "district": "140108", "stage": "primary", "year": 2023, "until": 2025, "places": 900},
    "placed": {
        "action": "share",
        "stage": "junior",
        "area": "140106",
        "to": "140109",
        "year": 2024,
        "until": 2026,
        "pupils": 300,
    },
    "converted": {"action": "convert", "school": "140105-PR001", "year": 2024},
}


@pytest.mark.parametrize(
    ("base", "actions"),
    [(TAIYUAN / "baseline.yaml", {}), (TAIYUAN / "baseline.yaml", ACTIONS), (None, {})],
    ids=["taiyuan", "taiyuan-bought-placed-converted", "tiny-with-an-area-without-places"],
)
def test_every_figure_has_numpys_quantiles_over_the_draws(tmp_path, base, actions):
    """Figures that rise with the public demand are worked out at its ranked draws, not every draw: the
    quantiles must be numpy's of the figure of every draw, to the bit (ties, unplanned areas, placed pupils,
    an area without public places, whose utilization is NaN)."""
    path = tmp_path / "option.yaml"
    base = base or write_tiny(tmp_path / "tiny")
    path.write_text(json.dumps({"extends": str(base), "name": "o", "actions": actions}))
    inputs = read_inputs(load(path))
    rng = np.random.default_rng(7)
    scale = np.round(rng.uniform(0.6, 1.6, (len(inputs.years), 41, *inputs.population.base.shape[:1], 1, 1)), 1)
    population = inputs.population.base * scale  # [year, draw, district, sex, age], many ties
    wanted = {name: QUANTILES if name.endswith(("demand", "gap", "cost", "needed")) else (0.5,) for name in FIGURES}
    for stage in inputs.stages:
        sap = school_age_population(population, stage.lo, stage.hi)
        found = _stage_quantiles(stage, inputs, population, sap, wanted)[2]
        every = one_stage(stage, population, inputs)
        assert set(found) == set(every)
        for name, values in every.items():
            with np.errstate(all="ignore"):
                expected = np.quantile(values, wanted[name], axis=1)
            assert np.array_equal(found[name], expected, equal_nan=True), (stage.name, name)


@pytest.mark.parametrize("where", ["this machine has", "the smallest Dask worker may use"])
def test_draws_that_cannot_fit_in_memory_are_refused_before_any_is_made(tmp_path, request, where):
    """An extra zero in --draws fails at once with what the draws need, not after minutes of swapping."""
    from placeplan.models.compiled import get_num_threads

    out, draws = tmp_path / "out", 10**9
    args = ["run", str(_scenario(tmp_path / "s")), "--draws", str(draws), "--out", str(out), "-q"]
    at_once = get_num_threads()  # chunks side by side, one per core
    if where != "this machine has":
        args += ["--scheduler", request.getfixturevalue("existing").scheduler_address]
        at_once = 1  # a chunk per task
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 2, done.output
    per_draw = 4 * 2 * 51 * 2 * 8 * at_once  # years, sexes, ages 0-50, both districts (planned together), bytes
    need, thousand = f"{per_draw * draws / 2**30:,.0f} GiB", f"{per_draw * 1000 / 2**20:,.0f} MiB"
    assert re.fullmatch(
        rf"Error: --draws {draws}: the projection of {draws:,} draws needs {need} of memory and {where} "
        rf"[\d,.]+ GiB; give fewer draws \(1,000 need {thousand}\)\n",
        done.stderr,
    ), done.stderr
    assert not out.exists()
