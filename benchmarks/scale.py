"""How fast placeplan projects and how much memory a whole ensemble run takes, at any scale.

    python -m benchmarks.scale --districts 2900 --years 30 --draws 200 --what projection
    python -m benchmarks.scale --districts 2900 --years 30 --draws 1000 --what whole
    python -m benchmarks.scale --districts 2900 --years 30 --what plain
    python -m benchmarks.scale --districts 20 --years 5 --draws 10 --naive

prints one JSON line. One cell update is one (district, sex, age, draw)
advanced one year. ``copy_cells_per_s`` is measured in the same process on an
array of the same size and dtype (this machine's memory bandwidth), and
``ratio_to_copy = cell_updates_per_s / copy_cells_per_s``.
"""

import argparse
import json
import os
import resource
import time

import numpy as np

from placeplan.models.ensemble import advance, arriving, flow_pairs, move_draws, project_draws
from placeplan.models.population import Projection

from . import naive, synthetic


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_rate(cells: int, repeat: int = 5) -> float:
    """Cells per second ``numpy.copyto`` copies between two arrays of ``cells`` float64 (this machine's memory
    bandwidth, in cells), the best of ``repeat``."""
    source, target = np.ones(cells), np.empty(cells)
    np.copyto(target, source)
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return cells / best


def projection(districts: int, years: int, draws: int) -> dict[str, float]:
    """Advance ``draws x districts`` populations ``years`` years, keeping only the current year (streaming), with
    every input a realistic scenario has: net migrants, out-migration rates, housing delivered and late by draw
    (read from cache, as the ensemble reads it) and moves between districts."""
    data = synthetic.arrays(districts, 3)
    rng = np.random.default_rng(1)
    tfr, scale = np.exp(0.1 * rng.standard_normal(draws)), 1 + 0.3 * rng.standard_normal(draws)
    delivered, delay = np.maximum(0, 1 + 0.2 * rng.standard_normal(draws)), rng.integers(0, 3, draws)
    now = np.ascontiguousarray(np.broadcast_to(data.base[:, None], (districts, draws, *data.base.shape[1:])))
    nxt = np.empty_like(now)
    out, empty = np.zeros((districts, draws, 4)), np.zeros((0, 1, 1))
    args = (
        np.ascontiguousarray(data.survival[0]),
        np.ascontiguousarray(data.fertility[0]),
        tfr,
        np.ascontiguousarray(data.newborn_share[0]),
        np.ascontiguousarray(data.counts[0]),
        np.ascontiguousarray(data.rates[0]),
        empty,
        arriving(data.housing, 2, 2),
        delivered,
        delay,
        data.observed[0],
        scale,
        out,
    )
    destination, slot, origins, asked = flow_pairs(data.flows)
    persons, asked = np.ascontiguousarray(data.flows.persons[0]), np.ascontiguousarray(asked[:, 0])

    def step(now: np.ndarray, nxt: np.ndarray) -> None:
        advance(now, nxt, *args)
        move_draws(nxt, destination, slot, origins, asked, persons, out)

    step(now, nxt)  # compile outside the clock
    seconds = copy_seconds = 0.0
    for _ in range(years):  # interleaved, so both see the same state of the machine
        start = time.perf_counter()
        np.copyto(nxt, now)
        middle = time.perf_counter()
        step(now, nxt)
        copy_seconds, seconds = copy_seconds + middle - start, seconds + time.perf_counter() - middle
        now, nxt = nxt, now
    cells = now.size * years
    updates, copies = cells / seconds, cells / copy_seconds
    return {
        "projection_seconds": seconds,
        "cell_updates_per_s": updates,
        "copy_cells_per_s": copies,
        "ratio_to_copy": updates / copies,
    }


def whole(districts: int, years: int, draws: int) -> dict[str, float]:
    """A whole ensemble run of a synthetic scenario: projection, enrolment, capacity, quantiles; its cell updates
    per second against copying (``whole_ratio_to_copy``)."""
    from placeplan.models.compiled import get_num_threads
    from placeplan.scenarios import load, read_inputs
    from placeplan.simulate.chunks import chunks
    from placeplan.simulate.ensemble import run_ensemble

    with synthetic.TemporaryScenario(districts, years) as path:
        inputs = read_inputs(load(path))
        start = time.perf_counter()
        result = run_ensemble(inputs, draws, seed=1)
        seconds = time.perf_counter() - start
    peak = peak_rss_mb()  # before the copy below takes memory of its own
    copies = copy_rate(min(inputs.population.base.size * draws, 25_000_000))
    cells = inputs.population.base.size * draws * years  # cell updates of the whole path: every year of every draw
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "chunks": len(chunks(inputs, draws, at_once=get_num_threads())),  # as many as run side by side
        "whole_cell_updates_per_s": cells / seconds,
        "whole_copy_cells_per_s": copies,
        "whole_ratio_to_copy": cells / seconds / copies,
        "median_primary_gap_last_year": float(result["gap"].sel(stage="primary").isel(year=-1).sum()),
    }


def plain(districts: int, years: int) -> dict[str, float]:
    """A plain run (no draws) of the synthetic scenario, housing estates and their pupil yield included."""
    from placeplan.scenarios import load, read_inputs
    from placeplan.simulate.engine import run

    with synthetic.TemporaryScenario(districts, years) as path:
        inputs = read_inputs(load(path))
        start = time.perf_counter()
        run(inputs)
        seconds = time.perf_counter() - start
    return {"estates": len(inputs.population.developments), "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def naive_check(districts: int, years: int, draws: int) -> dict[str, float | bool]:
    """The plain-Python reference on the same realistic inputs: do both agree, and how much faster is placeplan?"""
    data = synthetic.arrays(districts, years)
    rng = np.random.default_rng(2)
    tfr, scale = np.exp(0.1 * rng.standard_normal(draws)), 1 + 0.3 * rng.standard_normal(draws)
    housing = (data.housing, np.maximum(0, 1 + 0.2 * rng.standard_normal(draws)), rng.integers(0, 3, draws))
    start = time.perf_counter()
    slow = naive.project(
        data.base,
        data.survival,
        data.fertility,
        tfr,
        data.newborn_share,
        data.counts,
        data.rates,
        scale,
        housing,
        data.flows,
    )
    naive_seconds = time.perf_counter() - start

    def fast_projection() -> Projection:
        zeros = np.zeros_like(data.counts)
        inputs = (data.survival, data.fertility, tfr, data.newborn_share, data.counts, data.rates, zeros)
        return project_draws(data.base, *inputs, data.observed, scale, housing, data.flows)

    fast_projection()  # compile outside the clock
    start = time.perf_counter()
    fast = fast_projection()
    fast_seconds = time.perf_counter() - start
    cells = data.base.size * draws * (years - 1)
    return {
        "naive_agrees": bool(np.allclose(fast.population, slow, rtol=1e-12, atol=1e-9)),
        "naive_cell_updates_per_s": cells / naive_seconds,
        "placeplan_cell_updates_per_s_same_size": cells / fast_seconds,
        "speedup_vs_naive": naive_seconds / fast_seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--districts", type=int, default=2900)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--what", choices=["projection", "whole", "both", "plain"], default="both")
    parser.add_argument("--naive", action="store_true", help="also run the naive reference (small sizes only)")
    args = parser.parse_args(argv)
    line: dict[str, object] = {
        "districts": args.districts,
        "years": args.years,
        **({} if args.what == "plain" else {"draws": args.draws}),
        "cores": os.cpu_count(),
    }
    if args.what == "plain":
        line.update(plain(args.districts, args.years))
    if args.what in ("whole", "both"):
        line.update(whole(args.districts, args.years, args.draws))
    if args.what in ("projection", "both"):
        line.update(projection(args.districts, args.years, args.draws))
        line.setdefault("seconds", line["projection_seconds"])
        line.setdefault("peak_rss_mb", peak_rss_mb())
    if args.naive:
        line.update(naive_check(args.districts, args.years, args.draws))
    print(json.dumps(line))


if __name__ == "__main__":
    main()
