"""The build plan solved: the programme of :mod:`.plan` for scipy's ``milp`` (HiGHS), whole or by independent parts.

Areas linked by neither a budget nor neighbour sharing are independent: the
plan is solved per connected part (:func:`split`) and put back together
(:func:`join`) with the same result.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import PROVEN
from .plan import GROUPED, Array, Choices, Convertible, Layout, Problem, Site, effects, layout, share_cost, unplaced

KINDS = ("builds", "expansions", "conversions", "buys", "shares")
"""The kinds of choices, in the order of :class:`Choices`."""


class NoPlan(RuntimeError):
    """The solver ended without any plan (out of time before a first one, or numerical trouble)."""


@dataclass
class Solution:
    """The chosen plan and how the solver ended."""

    layout: Layout
    choices: Choices
    unplaced: Array
    objective: float
    status: str
    optimal: bool
    gap: float
    seconds: float
    capital: Array
    """Capital spending ``[year]``."""


@dataclass
class Programme:
    """The MILP in scipy's terms: costs, bounds and integrality per variable, and sparse rows ``low <= a.x <= high``."""

    cost: Array
    upper: Array
    integer: Array
    rows: list[tuple[dict[int, float], float, float]]


def programme(problem: Problem, plan: Layout) -> Programme:
    """The objective and every constraint of the module :mod:`.plan`'s formulation."""
    parts = plan.slices()
    n = parts["unplaced"].stop
    groups, years = problem.shape
    out = Programme(np.zeros(n), np.full(n, np.inf), np.zeros(n), [])
    cells = [(g, t) for g in range(groups) for t in range(years)]
    # the two lower bounds of the unplaced pupils of each group and year, and the private places used
    choice: dict[tuple[int, int], dict[int, float]] = {cell: {} for cell in cells}
    everyone: dict[tuple[int, int], dict[int, float]] = {cell: {} for cell in cells}
    private_use: dict[tuple[int, int], dict[int, float]] = {cell: {} for cell in cells}
    shared_out: dict[tuple[int, int], dict[int, float]] = {}
    capital_of_year: list[dict[int, float]] = [{} for _ in range(years)]
    limits: dict[tuple[str, int], tuple[dict[int, float], float]] = {}  # variables bound together, and the bound

    def limited(key: tuple[str, int], i: int, bound: float) -> None:
        limits.setdefault(key, ({}, bound))[0][i] = 1.0

    def adds(g: int, t: int, i: int, places: Array, everyone_too: bool = True) -> None:
        for tau in range(t, years):
            choice[g, tau][i] = places[tau]
            if everyone_too:
                everyone[g, tau][i] = places[tau]

    def capital(i: int, t: int, money: float, integer: float = 1, upper: float = np.inf) -> None:
        out.cost[i] = capital_of_year[t][i] = money
        out.integer[i], out.upper[i] = integer, upper

    for i, (s, t, z) in enumerate(plan.builds, parts["builds"].start):
        site = problem.sites[s]
        g, classes = site.group, site.sizes[z]
        adds(g, t, i, classes * problem.class_size[g])
        one = problem.class_size[g, t] * problem.cost_per_place[g, t] + problem.cost_per_class[g, t]
        capital(i, t, classes * one + site.land)
        limited(("site", s), i, site.most)
    for i, (g, t) in enumerate(plan.expansions, parts["expansions"].start):
        adds(g, t, i, problem.class_size[g])
        one = problem.class_size[g, t] * problem.cost_per_place[g, t] + problem.cost_per_class[g, t]
        capital(i, t, one, upper=problem.headroom[g])
        limited(("headroom", g), i, float(problem.headroom[g]))
    for i, (c, t) in enumerate(plan.conversions, parts["conversions"].start):
        school = problem.convertibles[c]
        g = school.group
        adds(g, t, i, school.places, everyone_too=False)
        for tau in range(t, years):
            private_use[g, tau][i] = school.places[tau]
        capital(i, t, school.places[t] * problem.conversion_cost[g, t], upper=1)
        out.cost[i] += float((school.pupils[t:] * problem.salary_per_pupil[g, t:]).sum())
        limited(("school", c), i, 1.0)
    spare = problem.spare_private()
    for i, (g, t) in enumerate(plan.buys, parts["buys"].start):
        choice[g, t][i] = private_use[g, t][i] = 1.0
        out.cost[i] = problem.price_per_bought_place[g, t] - problem.salary_per_pupil[g, t]
        out.upper[i] = spare[g, t]
    most = problem.most_shared()
    for i, (p, t) in enumerate(plan.shares, parts["shares"].start):
        a, b = problem.neighbours[p]
        choice[a, t][i] = everyone[a, t][i] = 1.0
        choice[b, t][i] = everyone[b, t][i] = -1.0
        out.cost[i], out.upper[i] = share_cost(problem, p, t), most[a, t]
        shared_out.setdefault((a, t), {})[i] = 1.0
    for i, (g, t) in enumerate(plan.unplaced, parts["unplaced"].start):
        choice[g, t][i] = everyone[g, t][i] = 1.0
        out.cost[i] = problem.penalty
    for g, t in cells:
        out.rows.append((choice[g, t], problem.public_choice[g, t] - problem.public_places[g, t], np.inf))
        needed = problem.enrolment[g, t] - problem.private_places[g, t] - problem.public_places[g, t]
        out.rows.append((everyone[g, t], needed, np.inf))
        if private_use[g, t]:
            out.rows.append((private_use[g, t], -np.inf, problem.private_places[g, t]))
    for (a, t), uses in shared_out.items():
        out.rows.append((uses, -np.inf, most[a, t]))
    out.rows.extend((uses, -np.inf, high) for uses, high in limits.values() if np.isfinite(high))
    if np.isfinite(problem.budget_per_year):
        out.rows.extend((spending, -np.inf, problem.budget_per_year) for spending in capital_of_year if spending)
    if np.isfinite(problem.budget):
        spent = {i: v for spending in capital_of_year for i, v in spending.items()}
        out.rows.append((spent, -np.inf, problem.budget))
    return out


def solve(problem: Problem, time_limit: float = 300.0, gap: float = PROVEN) -> Solution:
    """The cheapest plan: scipy's ``milp`` (HiGHS), to proven optimality within ``gap`` and ``time_limit``.

    A ``gap`` of 0 asks HiGHS to close the last absolute 1e-6 of objectives near 1e10, below the precision of
    their sums: it searches on for minutes where 1e-9 (the default) proves the same plan in a second.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    plan = layout(problem)
    model = programme(problem, plan)
    rows = model.rows
    started = time.perf_counter()
    with _quiet():
        found = milp(
            model.cost,
            integrality=model.integer,
            bounds=Bounds(np.zeros(len(model.cost)), model.upper),
            constraints=LinearConstraint(_sparse(rows, len(model.cost)), [r[1] for r in rows], [r[2] for r in rows]),
            options={"time_limit": time_limit, "mip_rel_gap": gap, "disp": False},
        )
    seconds = time.perf_counter() - started
    if found.x is None:
        raise NoPlan(f"the solver found no plan in {seconds:.0f} s ({found.message})")
    x = np.where(model.integer > 0, np.round(found.x), found.x)
    parts = plan.slices()
    choices = Choices(*(x[parts[kind]] for kind in KINDS))
    done = effects(problem, plan, choices)
    status = str(found.message)
    mip_gap = float(getattr(found, "mip_gap", 0.0) or 0.0)
    return Solution(
        plan,
        choices,
        unplaced(problem, done),
        float(found.fun),
        status,
        found.status == 0,
        mip_gap,
        seconds,
        done.capital,
    )


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence what the solver's C++ code writes to standard output despite ``disp: False``."""
    import os
    import sys

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (an embedding host): nothing to silence
        yield
        return
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _sparse(rows: list[tuple[dict[int, float], float, float]], n: int) -> Any:
    from scipy.sparse import csr_array

    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for coefficients, _, _ in rows:
        columns.extend(coefficients)
        data.extend(coefficients.values())
        pointers.append(len(columns))
    return csr_array((data, columns, pointers), shape=(len(rows), n))


def components(problem: Problem) -> list[list[int]]:
    """Groups that must be planned together: linked by neighbour sharing, else each alone."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    groups = problem.shape[0]
    if not groups:
        return []
    pairs = np.array(problem.neighbours if layout(problem).shares else [], dtype=np.intp).reshape(-1, 2)
    links = coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(groups, groups))
    _, label = connected_components(links, directed=False)
    return [[int(g) for g in np.flatnonzero(label == k)] for k in range(label.max() + 1)]


def split(problem: Problem) -> list[Problem]:
    """One problem per part of :func:`components`, which are independent when no budget links them."""
    if np.isfinite(problem.budget) or np.isfinite(problem.budget_per_year):
        raise ValueError("a budget links the groups: solve the whole problem")
    out = []
    for part in components(problem):
        local = {g: k for k, g in enumerate(part)}
        rows = {name: getattr(problem, name)[part] for name in GROUPED}
        moving = None if problem.transport_cost is None else problem.transport_cost[part]
        out.append(
            replace(
                problem,
                **rows,
                headroom=problem.headroom[part],
                sites=[Site(local[s.group], s.sizes, s.most, s.land) for s in problem.sites if s.group in local],
                convertibles=[
                    Convertible(local[c.group], c.places, c.pupils) for c in problem.convertibles if c.group in local
                ],
                transport_cost=moving,
                neighbours=[(local[a], local[b]) for a, b in problem.neighbours if a in local],
            )
        )
    return out


def join(problem: Problem, parts: list[Solution]) -> Solution:
    """The solutions of :func:`split`'s problems as one solution of ``problem``."""
    whole = layout(problem)
    values: dict[str, dict[tuple[int, ...], float]] = {kind: {} for kind in KINDS}
    for part, solved in zip(components(problem), parts, strict=True):
        mine = set(part)
        # each kind's first index, local to global: sites, groups, convertible schools, neighbour pairs
        to_whole = {
            "builds": [s for s, site in enumerate(problem.sites) if site.group in mine],
            "expansions": part,
            "conversions": [c for c, school in enumerate(problem.convertibles) if school.group in mine],
            "buys": part,
            "shares": [p for p, (a, _) in enumerate(problem.neighbours) if a in mine],
        }
        for kind in KINDS:
            for key, value in zip(getattr(solved.layout, kind), getattr(solved.choices, kind), strict=True):
                values[kind][(to_whole[kind][key[0]], *key[1:])] = value
    choices = Choices(*(np.array([values[kind].get(key, 0.0) for key in getattr(whole, kind)]) for kind in KINDS))
    done = effects(problem, whole, choices)
    return Solution(
        whole,
        choices,
        unplaced(problem, done),
        sum(part.objective for part in parts),
        "; ".join(sorted({part.status for part in parts})),
        all(part.optimal for part in parts),
        max((part.gap for part in parts), default=0.0),
        sum(part.seconds for part in parts),
        done.capital,
    )
