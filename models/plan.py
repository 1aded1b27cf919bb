"""The build plan: a mixed-integer programme of what to build, expand, convert, buy and share (MODEL.md, "Build plan").

Arrays are ``[group, year]``, a *group* being one stage in one planning area.
Choices take effect from year index ``first`` (the lead time). Per group and
year, with ``new`` the places added by builds and expansions, ``B`` the places
bought, ``C`` the places of converted schools and ``W`` the pupils placed in
neighbouring areas less those placed here from them, the pupils without a
public place are

    u >= public_choice - W - public_places - new - B - C
    u >= enrolment - W - private_places - public_places - new,      u >= 0

which is ``max(gap, 0)`` of the engine whatever the private sector does (a
bought or converted place helps only where private schools had spare places),
so the plan's shortage is the one ``placeplan run`` will find. The objective is

    capital + recurrent + penalty * sum(u)

capital: new places x cost per place + classes x cost per class + land, and
converted places x the conversion cost, in the year each takes effect;
recurrent: bought places x their price each year, pupils placed in a
neighbouring area x its transport cost each year, plus the salaries of the
teachers that conversions add, purchases spare and sharing moves (counted at
the pupil-teacher ratio). Budgets bound capital per year and in total. The
solver is in :mod:`.plan_solver`.
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Flags = NDArray[np.bool_]


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
    transport_cost: Array | None = None
    """Yearly cost of placing one pupil of the group in a neighbouring area; None: sharing is no option."""
    neighbours: list[tuple[int, int]] = field(default_factory=list)
    """Groups whose pupils may be placed in another group's places: (from, to), both ways listed."""
    neighbour_share: float = 0.0
    """Most share of a group's public choice placed in neighbouring areas in a year."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.enrolment.shape  # type: ignore[return-value]

    def spare_private(self) -> Array:
        """Private places not taken by families choosing private schools: what may be bought."""
        return np.maximum(self.private_places - (self.enrolment - self.public_choice), 0.0)

    def short(self) -> Flags:
        """``[group, year]``: pupils lack a public place without any choice (the engine's gap above 0)."""
        seats = self.public_places
        return np.maximum(self.public_choice - seats, self.enrolment - self.private_places - seats) > 1e-9

    def seating(self) -> Flags:
        """``[group, year]``: a place of the group may seat someone that year: it, or a neighbour sharing, is short.

        Elsewhere a choice only costs, so it is left out.
        """
        short = self.short()
        for a, b in self.neighbours if self.neighbour_share > 0 else []:
            short[b] |= short[a]
        return short

    def useful(self) -> Flags:
        """``[group, year]``: a lasting place added that year may seat someone, then or later."""
        return np.flip(np.logical_or.accumulate(np.flip(self.seating(), axis=1), axis=1), axis=1)

    def most_shared(self) -> Array:
        """Most pupils of each group that may be placed in neighbouring areas ``[group, year]``."""
        return self.neighbour_share * self.public_choice


@dataclass
class Layout:
    """Where each kind of choice sits in the vector of variables."""

    builds: list[tuple[int, int, int]] = field(default_factory=list)
    """(site, year, size index) of each build variable."""
    expansions: list[tuple[int, int]] = field(default_factory=list)
    conversions: list[tuple[int, int]] = field(default_factory=list)
    buys: list[tuple[int, int]] = field(default_factory=list)
    shares: list[tuple[int, int]] = field(default_factory=list)
    """(neighbour pair, year) of each variable of pupils placed next door."""
    unplaced: list[tuple[int, int]] = field(default_factory=list)

    def slices(self) -> dict[str, slice]:
        names = ("builds", "expansions", "conversions", "buys", "shares", "unplaced")
        sizes = [len(getattr(self, name)) for name in names]
        ends = np.cumsum(sizes)
        starts = ends - sizes
        return {name: slice(int(a), int(b)) for name, a, b in zip(names, starts, ends, strict=True)}


def layout(problem: Problem) -> Layout:
    """The variables: choices from year ``first`` on where they may seat someone, unplaced pupils in every year."""
    groups, years = problem.shape
    out = Layout()
    choosing = range(problem.first, years)
    useful, seating = problem.useful(), problem.seating()
    out.builds = [
        (s, t, z)
        for s, site in enumerate(problem.sites)
        for t in choosing
        if useful[site.group, t]
        for z in range(len(site.sizes))
    ]
    out.expansions = [(g, t) for g in range(groups) if problem.headroom[g] > 0 for t in choosing if useful[g, t]]
    out.conversions = [
        (c, t)
        for c, school in enumerate(problem.convertibles)
        for t in choosing
        if school.places[t] > 0 and useful[school.group, t]
    ]
    spare = problem.spare_private()
    priced = problem.price_per_bought_place > 0  # no price given: buying is not an option
    out.buys = [(g, t) for g in range(groups) for t in choosing if spare[g, t] > 0 and priced[g, t] and seating[g, t]]
    if problem.transport_cost is not None:  # likewise sharing without a transport cost
        shared, moving = problem.most_shared(), problem.transport_cost > 0
        out.shares = [
            (p, t) for p, (a, _) in enumerate(problem.neighbours) for t in choosing if shared[a, t] > 0 and moving[a, t]
        ]
    out.unplaced = [(g, t) for g in range(groups) for t in range(years)]
    return out


@dataclass
class Choices:
    """A value for every variable, by kind (what :func:`solve` returns and :func:`evaluate` prices)."""

    builds: Array
    expansions: Array
    conversions: Array
    buys: Array
    shares: Array = field(default_factory=lambda: np.zeros(0))


@dataclass
class Effects:
    """What choices do, ``[group, year]``: places added, converted and bought, pupils placed next door, capital."""

    new: Array
    converted: Array
    bought: Array
    placed: Array
    """Pupils placed in neighbouring areas less those placed here."""
    capital: Array
    """Capital spending ``[year]``."""


def effects(problem: Problem, plan: Layout, choices: Choices) -> Effects:
    """What ``choices`` add, convert, buy and place, and the capital they spend each year."""
    groups, years = problem.shape
    new, converted, bought, placed = (np.zeros((groups, years)) for _ in range(4))
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
    for (p, t), pupils in zip(plan.shares, choices.shares, strict=True):
        a, b = problem.neighbours[p]
        placed[a, t] += pupils
        placed[b, t] -= pupils
    return Effects(new, converted, bought, placed, capital)


def unplaced(problem: Problem, done: Effects) -> Array:
    """Pupils without a public place ``[group, year]``: ``max(gap, 0)`` of the engine."""
    seats = problem.public_places + done.new
    short_of_choice = problem.public_choice - done.placed - seats - done.bought - done.converted
    short_of_all = problem.enrolment - done.placed - problem.private_places - seats
    return np.maximum(np.maximum(short_of_choice, short_of_all), 0.0)


def share_cost(problem: Problem, pair: int, t: int) -> float:
    """Yearly cost of placing one pupil next door: transport, and the teacher moving with the pupil."""
    a, b = problem.neighbours[pair]
    assert problem.transport_cost is not None
    return float(problem.transport_cost[a, t] + problem.salary_per_pupil[b, t] - problem.salary_per_pupil[a, t])


def evaluate(problem: Problem, plan: Layout, choices: Choices) -> float:
    """The objective of ``choices``, with the pupils left without a place as few as they can be."""
    done = effects(problem, plan, choices)
    recurrent = float((done.bought * (problem.price_per_bought_place - problem.salary_per_pupil)).sum())
    for (c, t), chosen in zip(plan.conversions, choices.conversions, strict=True):
        school = problem.convertibles[c]
        recurrent += chosen * float((school.pupils[t:] * problem.salary_per_pupil[school.group, t:]).sum())
    for (p, t), pupils in zip(plan.shares, choices.shares, strict=True):
        recurrent += pupils * share_cost(problem, p, t)
    return float(done.capital.sum() + recurrent + problem.penalty * unplaced(problem, done).sum())


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
"""The ``[group, year]`` arrays of a :class:`Problem` (and ``transport_cost`` when given)."""
