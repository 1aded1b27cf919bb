"""The build plan: a mixed-integer programme choosing what to build, expand, convert and buy (MODEL.md, "Build plan").

Arrays are ``[group, year]``, a *group* being one stage in one planning area.
Choices take effect from year index ``first`` (the lead time). Per group and
year, with ``new`` the places added by builds and expansions, ``B`` the places
bought and ``C`` the places of converted schools, the pupils without a public
place are

    u >= public_choice - public_places - new - B - C
    u >= enrolment - private_places - public_places - new,      u >= 0

which is ``max(gap, 0)`` of the engine whatever the private sector does (a
bought or converted place helps only where private schools had spare places),
so the plan's shortage is the one ``placeplan run`` will find. The objective is

    capital + recurrent + penalty * sum(u)

capital: new places x cost per place + classes x cost per class + land, and
converted places x the conversion cost, in the year each takes effect;
recurrent: bought places x their price each year, plus the salaries of the
teachers that conversions add and purchases spare (counted at the
pupil-teacher ratio). Budgets bound capital per year and in total.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Site:
    """Where new schools of a group may go: a district's site, each school of ``sizes`` classes."""

    group: int
    sizes: tuple[int, ...]
    most: float = np.inf
    """Most schools on the site over the whole plan."""
    land: float = 0.0
    """Land cost of each school built there."""


@dataclass(frozen=True)
class Convertible:
    """A private school the plan may convert: its group, places ``[year]`` (0 when closed) and pupils ``[year]``."""

    group: int
    places: Array
    pupils: Array


@dataclass(frozen=True)
class Problem:
    """Everything the plan needs, as arrays ``[group, year]`` (see the module's formulation)."""

    public_choice: Array
    enrolment: Array
    private_places: Array
    public_places: Array
    class_size: Array
    cost_per_place: Array
    cost_per_class: Array
    conversion_cost: Array
    price_per_bought_place: Array
    salary_per_pupil: Array
    """Salary over the pupil-teacher ratio: the yearly teacher cost of one more public pupil."""
    headroom: Array
    """Classes the group's public schools may add in all, ``[group]``."""
    sites: list[Site]
    convertibles: list[Convertible]
    first: int
    """Year index from which choices take effect (the lead time)."""
    penalty: float
    budget: float = np.inf
    budget_per_year: float = np.inf

    @property
    def shape(self) -> tuple[int, int]:
        return self.enrolment.shape  # type: ignore[return-value]

    def spare_private(self) -> Array:
        """Private places not taken by families choosing private schools: what may be bought."""
        return np.maximum(self.private_places - (self.enrolment - self.public_choice), 0.0)


@dataclass
class Layout:
    """Where each kind of choice sits in the vector of variables."""

    builds: list[tuple[int, int, int]] = field(default_factory=list)
    """(site, year, size index) of each build variable."""
    expansions: list[tuple[int, int]] = field(default_factory=list)
    conversions: list[tuple[int, int]] = field(default_factory=list)
    buys: list[tuple[int, int]] = field(default_factory=list)
    unplaced: list[tuple[int, int]] = field(default_factory=list)

    def slices(self) -> dict[str, slice]:
        sizes = [len(self.builds), len(self.expansions), len(self.conversions), len(self.buys), len(self.unplaced)]
        ends = np.cumsum(sizes)
        starts = ends - sizes
        names = ("builds", "expansions", "conversions", "buys", "unplaced")
        return {name: slice(int(a), int(b)) for name, a, b in zip(names, starts, ends, strict=True)}


def layout(problem: Problem) -> Layout:
    """The variables: choices from year ``first`` on, unplaced pupils in every year."""
    groups, years = problem.shape
    out = Layout()
    choosing = range(problem.first, years)
    out.builds = [(s, t, z) for s, site in enumerate(problem.sites) for t in choosing for z in range(len(site.sizes))]
    out.expansions = [(g, t) for g in range(groups) if problem.headroom[g] > 0 for t in choosing]
    out.conversions = [
        (c, t) for c, school in enumerate(problem.convertibles) for t in choosing if school.places[t] > 0
    ]
    spare = problem.spare_private()
    priced = problem.price_per_bought_place > 0  # no price given: buying is not an option
    out.buys = [(g, t) for g in range(groups) for t in choosing if spare[g, t] > 0 and priced[g, t]]
    out.unplaced = [(g, t) for g in range(groups) for t in range(years)]
    return out


@dataclass
class Choices:
    """A value for every variable, by kind (what :func:`solve` returns and :func:`evaluate` prices)."""

    builds: Array
    expansions: Array
    conversions: Array
    buys: Array


def effects(problem: Problem, plan: Layout, choices: Choices) -> tuple[Array, Array, Array, Array]:
    """New places, converted places, bought places ``[group, year]`` and capital ``[year]`` of ``choices``."""
    groups, years = problem.shape
    new, converted, bought = (np.zeros((groups, years)) for _ in range(3))
    capital = np.zeros(years)
    for (s, t, z), count in zip(plan.builds, choices.builds, strict=True):
        site = problem.sites[s]
        g, classes = site.group, site.sizes[z]
        new[g, t:] += count * classes * problem.class_size[g, t:]
        capital[t] += count * (classes * problem.class_size[g, t] * problem.cost_per_place[g, t] + site.land)
        capital[t] += count * classes * problem.cost_per_class[g, t]
    for (g, t), classes in zip(plan.expansions, choices.expansions, strict=True):
        new[g, t:] += classes * problem.class_size[g, t:]
        capital[t] += classes * (problem.class_size[g, t] * problem.cost_per_place[g, t] + problem.cost_per_class[g, t])
    for (c, t), chosen in zip(plan.conversions, choices.conversions, strict=True):
        school = problem.convertibles[c]
        converted[school.group, t:] += chosen * school.places[t:]
        capital[t] += chosen * school.places[t] * problem.conversion_cost[school.group, t]
    for (g, t), places in zip(plan.buys, choices.buys, strict=True):
        bought[g, t] += places
    return new, converted, bought, capital


def unplaced(problem: Problem, new: Array, converted: Array, bought: Array) -> Array:
    """Pupils without a public place ``[group, year]``: ``max(gap, 0)`` of the engine."""
    short_of_choice = problem.public_choice - problem.public_places - new - bought - converted
    short_of_all = problem.enrolment - problem.private_places - problem.public_places - new
    return np.maximum(np.maximum(short_of_choice, short_of_all), 0.0)


def evaluate(problem: Problem, plan: Layout, choices: Choices) -> float:
    """The objective of ``choices``, with the pupils left without a place as few as they can be."""
    new, converted, bought, capital = effects(problem, plan, choices)
    recurrent = float((bought * (problem.price_per_bought_place - problem.salary_per_pupil)).sum())
    for (c, t), chosen in zip(plan.conversions, choices.conversions, strict=True):
        school = problem.convertibles[c]
        recurrent += chosen * float((school.pupils[t:] * problem.salary_per_pupil[school.group, t:]).sum())
    short = unplaced(problem, new, converted, bought)
    return float(capital.sum() + recurrent + problem.penalty * short.sum())


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


def solve(problem: Problem, time_limit: float = 300.0, gap: float = 0.0) -> Solution:
    """The cheapest plan: scipy's ``milp`` (HiGHS), to proven optimality within ``gap`` and ``time_limit``."""
    import time

    from scipy.optimize import Bounds, LinearConstraint, milp

    plan = layout(problem)
    parts = plan.slices()
    n = parts["unplaced"].stop
    groups, years = problem.shape
    cost, lower, upper = np.zeros(n), np.zeros(n), np.full(n, np.inf)
    integer = np.zeros(n)
    rows: list[tuple[dict[int, float], float, float]] = []

    def row(coefficients: dict[int, float], low: float, high: float) -> None:
        rows.append((coefficients, low, high))

    # the two lower bounds of the unplaced pupils of each group and year
    choice = {(g, t): {} for g in range(groups) for t in range(years)}  # type: dict[tuple[int, int], dict[int, float]]
    everyone = {(g, t): {} for g in range(groups) for t in range(years)}  # type: dict[tuple[int, int], dict[int, float]]
    capital_of_year: list[dict[int, float]] = [{} for _ in range(years)]
    site_uses: list[dict[int, float]] = [{} for _ in problem.sites]
    for i, (s, t, z) in enumerate(plan.builds, parts["builds"].start):
        site = problem.sites[s]
        g, classes = site.group, site.sizes[z]
        for tau in range(t, years):
            added = classes * problem.class_size[g, tau]
            choice[g, tau][i] = everyone[g, tau][i] = added
        money = classes * (problem.class_size[g, t] * problem.cost_per_place[g, t] + problem.cost_per_class[g, t])
        cost[i] = capital_of_year[t][i] = money + site.land
        integer[i], site_uses[s][i] = 1, 1.0
    expansions_of: dict[int, dict[int, float]] = {}
    for i, (g, t) in enumerate(plan.expansions, parts["expansions"].start):
        for tau in range(t, years):
            choice[g, tau][i] = everyone[g, tau][i] = problem.class_size[g, tau]
        cost[i] = capital_of_year[t][i] = (
            problem.class_size[g, t] * problem.cost_per_place[g, t] + problem.cost_per_class[g, t]
        )
        integer[i], upper[i] = 1, problem.headroom[g]
        expansions_of.setdefault(g, {})[i] = 1.0
    conversions_of: dict[int, dict[int, float]] = {}
    private_use = {(g, t): {} for g in range(groups) for t in range(years)}  # type: dict[tuple[int, int], dict[int, float]]
    for i, (c, t) in enumerate(plan.conversions, parts["conversions"].start):
        school = problem.convertibles[c]
        g = school.group
        for tau in range(t, years):
            choice[g, tau][i] = school.places[tau]
            private_use[g, tau][i] = school.places[tau]
        capital = school.places[t] * problem.conversion_cost[g, t]
        capital_of_year[t][i] = capital
        cost[i] = capital + float((school.pupils[t:] * problem.salary_per_pupil[g, t:]).sum())
        integer[i], upper[i] = 1, 1
        conversions_of.setdefault(c, {})[i] = 1.0
    spare = problem.spare_private()
    for i, (g, t) in enumerate(plan.buys, parts["buys"].start):
        choice[g, t][i] = 1.0
        private_use[g, t][i] = 1.0
        cost[i] = problem.price_per_bought_place[g, t] - problem.salary_per_pupil[g, t]
        upper[i] = spare[g, t]
    for i, (g, t) in enumerate(plan.unplaced, parts["unplaced"].start):
        choice[g, t][i] = everyone[g, t][i] = 1.0
        cost[i] = problem.penalty
    for g in range(groups):
        for t in range(years):
            row(choice[g, t], problem.public_choice[g, t] - problem.public_places[g, t], np.inf)
            row(
                everyone[g, t],
                problem.enrolment[g, t] - problem.private_places[g, t] - problem.public_places[g, t],
                np.inf,
            )
            if private_use[g, t]:
                row(private_use[g, t], -np.inf, problem.private_places[g, t])
    for s, uses in enumerate(site_uses):
        if uses and np.isfinite(problem.sites[s].most):
            row(uses, -np.inf, problem.sites[s].most)
    for g, uses in expansions_of.items():
        row(uses, -np.inf, float(problem.headroom[g]))
    for uses in conversions_of.values():
        row(uses, -np.inf, 1.0)
    if np.isfinite(problem.budget_per_year):
        for spending in capital_of_year:
            if spending:
                row(spending, -np.inf, problem.budget_per_year)
    if np.isfinite(problem.budget):
        row({i: v for spending in capital_of_year for i, v in spending.items()}, -np.inf, problem.budget)
    matrix = _sparse(rows, n)
    started = time.perf_counter()
    with _quiet():
        found = milp(
            cost,
            integrality=integer,
            bounds=Bounds(lower, upper),
            constraints=LinearConstraint(matrix, [r[1] for r in rows], [r[2] for r in rows]),
            options={"time_limit": time_limit, "mip_rel_gap": gap, "disp": False},
        )
    seconds = time.perf_counter() - started
    if found.x is None:
        raise NoPlan(f"the solver found no plan in {seconds:.0f} s ({found.message})")
    x = np.where(integer > 0, np.round(found.x), found.x)
    choices = Choices(*(x[parts[k]] for k in ("builds", "expansions", "conversions", "buys")))
    new, converted, bought, capital = effects(problem, plan, choices)
    return Solution(
        plan,
        choices,
        unplaced(problem, new, converted, bought),
        float(found.fun),
        str(found.message),
        found.status == 0,
        float(getattr(found, "mip_gap", 0.0) or 0.0),
        seconds,
        capital,
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


def split(problem: Problem) -> list[Problem]:
    """One problem per group, which are independent when no budget links them (the plan is the same)."""
    if np.isfinite(problem.budget) or np.isfinite(problem.budget_per_year):
        raise ValueError("a budget links the groups: solve the whole problem")
    out = []
    for g in range(problem.shape[0]):
        rows = {name: getattr(problem, name)[g : g + 1] for name in GROUPED}
        out.append(
            Problem(
                **rows,
                headroom=problem.headroom[g : g + 1],
                sites=[Site(0, s.sizes, s.most, s.land) for s in problem.sites if s.group == g],
                convertibles=[Convertible(0, c.places, c.pupils) for c in problem.convertibles if c.group == g],
                first=problem.first,
                penalty=problem.penalty,
            )
        )
    return out


def join(problem: Problem, parts: list[Solution]) -> Solution:
    """The solutions of :func:`split`'s problems as one solution of ``problem``."""
    whole = layout(problem)
    values: dict[str, dict[tuple[int, ...], float]] = {
        kind: {} for kind in ("builds", "expansions", "conversions", "buys")
    }
    sites = {g: [s for s, site in enumerate(problem.sites) if site.group == g] for g in range(problem.shape[0])}
    schools = {
        g: [c for c, school in enumerate(problem.convertibles) if school.group == g] for g in range(problem.shape[0])
    }
    for g, part in enumerate(parts):
        for (s, t, z), n in zip(part.layout.builds, part.choices.builds, strict=True):
            values["builds"][(sites[g][s], t, z)] = n
        for (_, t), x in zip(part.layout.expansions, part.choices.expansions, strict=True):
            values["expansions"][(g, t)] = x
        for (c, t), y in zip(part.layout.conversions, part.choices.conversions, strict=True):
            values["conversions"][(schools[g][c], t)] = y
        for (_, t), b in zip(part.layout.buys, part.choices.buys, strict=True):
            values["buys"][(g, t)] = b
    choices = Choices(*(np.array([values[kind].get(key, 0.0) for key in getattr(whole, kind)]) for kind in values))
    new, converted, bought, capital = effects(problem, whole, choices)
    return Solution(
        whole,
        choices,
        unplaced(problem, new, converted, bought),
        sum(part.objective for part in parts),
        "; ".join(sorted({part.status for part in parts})),
        all(part.optimal for part in parts),
        max((part.gap for part in parts), default=0.0),
        sum(part.seconds for part in parts),
        capital,
    )


GROUPED = (
    "public_choice",
    "enrolment",
    "private_places",
    "public_places",
    "class_size",
    "cost_per_place",
    "cost_per_class",
    "conversion_cost",
    "price_per_bought_place",
    "salary_per_pupil",
)
"""The ``[group, year]`` arrays of a :class:`Problem`."""
