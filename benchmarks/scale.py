"""How fast placeplan projects and how much memory a whole ensemble run takes, at any scale.

    python -m benchmarks.scale --districts 2900 --years 30 --draws 200 --what projection
    python -m benchmarks.scale --districts 2900 --years 30 --draws 1000 --what whole
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

from placeplan.models.ensemble import advance, project_draws
from placeplan.models.population import Projection

from . import naive, synthetic


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def projection(districts: int, years: int, draws: int) -> dict[str, float]:
    """Advance ``draws x districts`` populations ``years`` years, keeping only the current year (streaming)."""
    data = synthetic.arrays(districts, 1)
    rng = np.random.default_rng(1)
    tfr, scale = np.exp(0.1 * rng.standard_normal(draws)), 1 + 0.3 * rng.standard_normal(draws)
    now = np.ascontiguousarray(np.broadcast_to(data.base[:, None], (districts, draws, *data.base.shape[1:])))
    nxt = np.empty_like(now)
    out, none, empty = np.zeros((districts, draws, 4)), np.zeros((0, 1, 1, 1)), np.zeros((0, 1, 1))
    args = (
        np.ascontiguousarray(data.survival[0]),
        np.ascontiguousarray(data.fertility[0]),
        tfr,
        np.ascontiguousarray(data.newborn_share[0]),
        np.ascontiguousarray(data.counts[0]),
        empty,
        empty,
        none,
        data.observed[0],
        scale,
        out,
    )
    advance(now, nxt, *args)  # compile outside the clock
    seconds = copy_seconds = 0.0
    for _ in range(years):  # interleaved, so both see the same state of the machine
        start = time.perf_counter()
        np.copyto(nxt, now)
        middle = time.perf_counter()
        advance(now, nxt, *args)
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
    """A whole ensemble run of a synthetic scenario: projection, enrolment, capacity, quantiles."""
    from placeplan.scenarios import load, read_inputs
    from placeplan.simulate.ensemble import chunks, run_ensemble

    with synthetic.TemporaryScenario(districts, years) as path:
        inputs = read_inputs(load(path))
        start = time.perf_counter()
        result = run_ensemble(inputs, draws, seed=1)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "chunks": len(chunks(inputs, draws)),
        "median_primary_gap_last_year": float(result["gap"].sel(stage="primary").isel(year=-1).sum()),
    }


def naive_check(districts: int, years: int, draws: int) -> dict[str, float | bool]:
    """The pure-Python/pandas reference on the same inputs: do both agree, and how much faster is placeplan?"""
    data = synthetic.arrays(districts, years)
    rng = np.random.default_rng(2)
    tfr, scale = np.exp(0.1 * rng.standard_normal(draws)), 1 + 0.3 * rng.standard_normal(draws)
    zeros = np.zeros_like(data.counts)
    start = time.perf_counter()
    slow = naive.project(data.base, data.survival, data.fertility, tfr, data.newborn_share, data.counts, scale, years)
    naive_seconds = time.perf_counter() - start

    def fast_projection() -> Projection:
        inputs = (data.survival, data.fertility, tfr, data.newborn_share, data.counts, zeros, zeros, data.observed)
        return project_draws(data.base, *inputs, scale)

    fast_projection()  # compile outside the clock
    start = time.perf_counter()
    fast = fast_projection()
    fast_seconds = time.perf_counter() - start
    cells = data.base.size * draws * (years - 1)
    return {
        "naive_agrees": bool(np.allclose(fast.population, slow, rtol=1e-12, atol=1e-9)),
        "naive_cell_updates_per_s": cells / naive_seconds,
        "speedup_vs_naive": naive_seconds / fast_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--districts", type=int, default=2900)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--what", choices=["projection", "whole", "both"], default="both")
    parser.add_argument("--naive", action="store_true", help="also run the naive reference (small sizes only)")
    args = parser.parse_args()
    line: dict[str, object] = {
        "districts": args.districts,
        "years": args.years,
        "draws": args.draws,
        "cores": os.cpu_count(),
    }
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
