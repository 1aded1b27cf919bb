"""How fast and how good the build plan is: Taiyuan to proven optimality, a 2,900-area instance, a greedy reference.

    python -m benchmarks.plan taiyuan
    python -m benchmarks.plan synthetic --areas 2900 --years 30 [--workers 2]

print one JSON line per case: solver seconds, whether proven optimal, the gap,
the MILP's objective and the greedy heuristic's on the same problem (the MILP's
is never higher). The synthetic instance has no budget, so its areas are
independent and solved apart (on a local Dask cluster with ``--workers``).
"""

import argparse
import json
import time

import numpy as np

from placeplan.models.plan import Choices, Problem, Site, effects, evaluate, join, layout, solve, split, unplaced


def greedy(problem: Problem) -> Choices:
    """Build the largest standard size that fits the budgets in the area with the largest shortage first, again."""
    plan = layout(problem)
    builds = np.zeros(len(plan.builds))
    rest = [np.zeros(len(getattr(plan, kind))) for kind in ("expansions", "conversions", "buys")]
    position = {key: i for i, key in enumerate(plan.builds)}
    used = np.zeros(len(problem.sites))
    while True:
        new, converted, bought, capital = effects(problem, plan, Choices(builds, *rest))
        short = unplaced(problem, new, converted, bought)[:, problem.first :]
        added = False
        for g in np.argsort(-short.sum(axis=1)):
            if short[g].sum() <= 0:
                break
            t = problem.first + int(np.argmax(short[g] > 0))
            for s in [s for s, site in enumerate(problem.sites) if site.group == g and used[s] < site.most]:
                for z in np.argsort(problem.sites[s].sizes)[::-1]:
                    trial = builds.copy()
                    trial[position[(s, t, int(z))]] += 1
                    spent = effects(problem, plan, Choices(trial, *rest))[3]
                    if spent.sum() <= problem.budget and spent.max() <= problem.budget_per_year:
                        builds, added = trial, True
                        used[s] += 1
                        break
                if added:
                    break
            if added:
                break
        if not added:
            return Choices(builds, *rest)


def synthetic(areas: int, years: int, seed: int = 0) -> Problem:
    """``areas`` planning areas of one stage: growing or shrinking demand, a site and room to expand in each."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(2000, 8000, (areas, 1))
    trend = np.cumprod(1 + rng.normal(0.0, 0.03, (areas, years)), axis=1)
    enrolment = start * trend
    choice = 0.9 * enrolment
    shape = (areas, years)
    return Problem(
        public_choice=choice,
        enrolment=enrolment,
        private_places=0.1 * enrolment,
        public_places=np.repeat(choice[:, :1] * rng.uniform(0.85, 1.05, (areas, 1)), years, axis=1),
        class_size=np.full(shape, 45.0),
        cost_per_place=np.full(shape, 80_000.0),
        cost_per_class=np.zeros(shape),
        conversion_cost=np.zeros(shape),
        price_per_bought_place=np.zeros(shape),
        salary_per_pupil=np.zeros(shape),
        headroom=rng.integers(0, 21, areas).astype(float),
        sites=[Site(g, (24, 36, 48), most=2) for g in range(areas)],
        convertibles=[],
        first=2,
        penalty=80_000.0,
    )


def _line(case: str, problem: Problem, seconds: float, solution, greedy_too: bool = True) -> dict:
    line = {
        "case": case,
        "groups": problem.shape[0],
        "years": problem.shape[1],
        "seconds": round(seconds, 3),
        "optimal": solution.optimal,
        "mip_gap": solution.gap,
        "objective": solution.objective,
    }
    if greedy_too:
        line["greedy_objective"] = evaluate(problem, solution.layout, greedy(problem))
        line["milp_not_above_greedy"] = solution.objective <= line["greedy_objective"] + 1e-6
    return line


def taiyuan() -> None:
    import sys

    sys.modules.setdefault("dask", None)  # type: ignore[arg-type]
    from placeplan.simulate import engine
    from placeplan.simulate.api import prepare
    from placeplan.simulate.plan_inputs import Options, problem

    inputs = prepare("taiyuan")
    result = engine.run(inputs)
    cases = {
        "no budget": (Options(), 0.0),
        "budget 3e9": (Options(budget=3e9), 0.0),
        "budget 2e9 a year": (Options(budget_per_year=2e9), 0.0),
        "budget 3e9, 1e9 a year, gap 0.001": (Options(budget=3e9, budget_per_year=1e9), 1e-3),
    }
    for case, (options, gap) in cases.items():
        built, _ = problem(inputs, result, options)
        started = time.perf_counter()
        solution = solve(built, time_limit=300, gap=gap)
        print(json.dumps(_line(f"taiyuan, {case}", built, time.perf_counter() - started, solution)), flush=True)


def synthetic_run(areas: int, years: int, workers: int | None) -> None:
    built = synthetic(areas, years)
    parts = split(built)
    started = time.perf_counter()
    if workers:
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
            Client(cluster) as c,
        ):
            solved = c.gather(c.map(solve, parts, pure=False))
    else:
        solved = [solve(part) for part in parts]
    solution = join(built, solved)
    seconds = time.perf_counter() - started
    line = _line(f"synthetic, {areas} areas, by area", built, seconds, solution, greedy_too=areas <= 300)
    line["workers"] = workers or 1
    print(json.dumps(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("taiyuan", "synthetic"))
    parser.add_argument("--areas", type=int, default=2900)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    if args.what == "taiyuan":
        taiyuan()
    else:
        synthetic_run(args.areas, args.years, args.workers)


if __name__ == "__main__":
    main()
