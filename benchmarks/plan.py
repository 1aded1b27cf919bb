"""How fast and how good the build plan is: Taiyuan to proven optimality, a 2,900-area instance, a greedy reference.

    python -m benchmarks.plan taiyuan
    python -m benchmarks.plan synthetic --areas 2900 --years 30 [--workers 2] [--neighbour-share 0.1]

print one JSON line per case: solver seconds, whether proven optimal, the gap,
the MILP's objective and the greedy heuristic's on the same problem (the MILP's
is never higher). The synthetic instance has no budget, so its areas (or with
``--neighbour-share`` its blocks of four sharing areas) are independent and
solved apart (on a local Dask cluster with ``--workers``).
"""

import argparse
import json
import time

import numpy as np

from placeplan.models import PROVEN
from placeplan.models.plan import Choices, Problem, Site, effects, evaluate, layout, unplaced
from placeplan.models.plan_solver import join, solve, split


def greedy(problem: Problem) -> Choices:
    """Build the largest standard size that fits the budgets in the area with the largest shortage first, again."""
    plan = layout(problem)
    builds = np.zeros(len(plan.builds))
    rest = [np.zeros(len(getattr(plan, kind))) for kind in ("expansions", "conversions", "buys", "shares")]
    position = {key: i for i, key in enumerate(plan.builds)}
    used = np.zeros(len(problem.sites))
    while True:
        short = unplaced(problem, effects(problem, plan, Choices(builds, *rest)))[:, problem.first :]
        added = False
        for g in np.argsort(-short.sum(axis=1)):
            if short[g].sum() <= 0:
                break
            t = problem.first + int(np.argmax(short[g] > 0))
            for s in [s for s, site in enumerate(problem.sites) if site.group == g and used[s] < site.most]:
                for z in np.argsort(problem.sites[s].sizes)[::-1]:
                    trial = builds.copy()
                    trial[position[(s, t, int(z))]] += 1
                    spent = effects(problem, plan, Choices(trial, *rest)).capital
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


def synthetic(areas: int, years: int, seed: int = 0, share: float = 0.0) -> Problem:
    """``areas`` planning areas of one stage: growing or shrinking demand, a site and room to expand in each.

    With ``share`` each area borders the next within blocks of four, whose pupils may be placed there.
    """
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
        transport_cost=np.full(shape, 5_000.0),
        neighbours=[(a + d, a + 1 - d) for a in range(areas - 1) if a % 4 != 3 for d in (0, 1)] if share else [],
        neighbour_share=share,
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
        "no budget": (Options(), PROVEN),
        "no budget, gap 0": (Options(), 0.0),
        "budget 3e9": (Options(budget=3e9), PROVEN),
        "budget 3e9, gap 0": (Options(budget=3e9), 0.0),
        "budget 2e9 a year": (Options(budget_per_year=2e9), PROVEN),
        "budget 2e9 a year, gap 0.0001": (Options(budget_per_year=2e9), 1e-4),
        "budget 3e9, 1e9 a year, gap 0.001": (Options(budget=3e9, budget_per_year=1e9), 1e-3),
        "a tenth of pupils may go next door": (Options(neighbour_share=0.1), PROVEN),
        "budget 3e9, a tenth next door": (Options(budget=3e9, neighbour_share=0.1), PROVEN),
        "budget 3e9, a tenth next door, gap 0": (Options(budget=3e9, neighbour_share=0.1), 0.0),
    }
    for case, (options, gap) in cases.items():
        built, _ = problem(inputs, result, options)
        started = time.perf_counter()
        solution = solve(built, time_limit=300, gap=gap)
        print(json.dumps(_line(f"taiyuan, {case}", built, time.perf_counter() - started, solution)), flush=True)


def synthetic_run(areas: int, years: int, workers: int | None, share: float) -> None:
    built = synthetic(areas, years, share=share)
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
    case = f"synthetic, {areas} areas, " + (f"a share of {share} in blocks of 4" if share else "by area")
    line = _line(case, built, seconds, solution, greedy_too=areas <= 300)
    line["workers"], line["parts"] = workers or 1, len(parts)
    print(json.dumps(line), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("taiyuan", "synthetic"))
    parser.add_argument("--areas", type=int, default=2900)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--neighbour-share", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.what == "taiyuan":
        taiyuan()
    else:
        synthetic_run(args.areas, args.years, args.workers, args.neighbour_share)


if __name__ == "__main__":
    main()
