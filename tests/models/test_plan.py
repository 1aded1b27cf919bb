"""The build plan's MILP: equal to brute force on tiny cases, and each constraint binding in a case made by hand."""

import itertools

import numpy as np
import pytest

from placeplan.models.plan import Choices, Convertible, Problem, Site, effects, evaluate, layout
from placeplan.models.plan_solver import components, join, solve, split


def problem(choice, years=None, **changes) -> Problem:
    """One area and stage; 50 pupils choose private schools, which have 50 places (no spare); 100 public places."""
    choice = np.atleast_2d(np.asarray(choice, dtype=float))
    shape = choice.shape
    base = {
        "public_choice": choice,
        "enrolment": choice + 50,
        "private_places": np.full(shape, 50.0),
        "public_places": np.full(shape, 100.0),
        "class_size": np.full(shape, 10.0),
        "cost_per_place": np.full(shape, 100.0),
        "cost_per_class": np.zeros(shape),
        "conversion_cost": np.full(shape, 10.0),
        "price_per_bought_place": np.full(shape, 30.0),
        "salary_per_pupil": np.zeros(shape),
        "headroom": np.zeros(shape[0]),
        "sites": [Site(0, (2, 4))],
        "convertibles": [],
        "first": 1,
        "penalty": 60.0,
    }
    return Problem(**{**base, **changes})


def brute_force(p: Problem) -> float:
    """The least objective over every integer choice, with the best purchases for each (worked out by hand)."""
    plan = layout(p)
    ranges = [range(3)] * len(plan.builds) + [range(int(p.headroom.max()) + 1)] * len(plan.expansions)
    ranges += [range(2)] * len(plan.conversions)
    best = np.inf
    for values in itertools.product(*ranges):
        builds = np.array(values[: len(plan.builds)], dtype=float)
        rest = values[len(plan.builds) :]
        expansions = np.array(rest[: len(plan.expansions)], dtype=float)
        conversions = np.array(rest[len(plan.expansions) :], dtype=float)
        if not _allowed(p, plan, builds, expansions, conversions):
            continue
        best = min(
            best,
            evaluate(
                p, plan, Choices(builds, expansions, conversions, _buys(p, plan, builds, expansions, conversions))
            ),
        )
    return best


def _buys(p, plan, builds, expansions, conversions) -> np.ndarray:
    """Each year on its own: buy the places that seat pupils choosing public ones, where that is cheaper."""
    done = effects(p, plan, Choices(builds, expansions, conversions, np.zeros(len(plan.buys))))
    new, converted = done.new, done.converted
    out = []
    for g, t in plan.buys:
        short = p.public_choice[g, t] - p.public_places[g, t] - new[g, t] - converted[g, t]
        floor = p.enrolment[g, t] - p.private_places[g, t] - p.public_places[g, t] - new[g, t]
        room = min(p.spare_private()[g, t], p.private_places[g, t] - converted[g, t])
        worth = p.penalty > p.price_per_bought_place[g, t] - p.salary_per_pupil[g, t]
        out.append(min(max(short - max(floor, 0.0), 0.0), room) if worth else 0.0)
    return np.array(out)


def _allowed(p, plan, builds, expansions, conversions) -> bool:
    for s, site in enumerate(p.sites):
        if sum(b for (i, _, _), b in zip(plan.builds, builds, strict=True) if i == s) > site.most:
            return False
    if expansions.sum() > p.headroom.sum():
        return False
    for c in range(len(p.convertibles)):
        if sum(v for (i, _), v in zip(plan.conversions, conversions, strict=True) if i == c) > 1:
            return False
    capital = effects(p, plan, Choices(builds, expansions, conversions, np.zeros(len(plan.buys)))).capital
    return capital.sum() <= p.budget + 1e-9 and (capital <= p.budget_per_year + 1e-9).all()


CASES = {
    "grows then falls": problem([100, 150, 160, 120]),
    "site limit and budget": problem([100, 140, 170, 170], sites=[Site(0, (2, 4), most=1)], budget_per_year=4500),
    "expansion and conversion": problem(
        [100, 130, 150, 150],
        sites=[Site(0, (4,), land=500)],
        headroom=np.array([2.0]),
        convertibles=[Convertible(0, np.array([0.0, 20.0, 20.0, 20.0]), np.array([0.0, 20.0, 20.0, 20.0]))],
        private_places=np.full((1, 4), 60.0),
        enrolment=np.array([[150.0, 180.0, 200.0, 200.0]]),
    ),
    "total budget": problem([100, 160, 160, 160], budget=4500),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_milp_finds_the_brute_force_optimum(case):
    p = CASES[case]
    found = solve(p)
    assert found.optimal
    assert found.objective == pytest.approx(brute_force(p), abs=1e-6)
    assert evaluate(p, found.layout, found.choices) == pytest.approx(found.objective, abs=1e-6)


def _built(found, year: int) -> float:
    return sum(
        n * [2, 4][z] for (_, t, z), n in zip(found.layout.builds, found.choices.builds, strict=True) if t == year
    )


def test_a_lasting_shortage_is_built_for_and_a_temporary_one_is_bought():
    # two areas, private schools 30 places spare in each (80 for the 50 choosing them); buying costs 30 a
    # place-year, building 100 a place once. Area 0: the cohort passes, 30 short for one year, then falls.
    # Area 1: 40 short from the year 1 on, for good.
    choice = [[100, 130, 100, 90, 80, 80, 80, 80, 80], [100, 140, 140, 140, 140, 140, 140, 140, 140]]
    p = problem(choice, private_places=np.full((2, 9), 80.0), sites=[Site(0, (4,)), Site(1, (4,))])
    found = solve(p)
    bought = {key: value for key, value in zip(found.layout.buys, found.choices.buys, strict=True) if value}
    assert bought == pytest.approx({(0, 1): 30.0})
    builds = [(found.layout.builds[i], n) for i, n in enumerate(found.choices.builds) if n]
    assert builds == [((1, 1, 0), 1.0)]  # one school of 4 classes in area 1, at once
    assert found.unplaced.sum() == pytest.approx(0)


def test_the_lead_time_leaves_the_early_shortage():
    p = problem([140, 140, 140, 140], first=2)
    found = solve(p)
    assert found.unplaced[0].tolist() == pytest.approx([40, 40, 0, 0])
    assert all(t >= 2 for (_, t, _), n in zip(found.layout.builds, found.choices.builds, strict=True) if n)


def test_a_yearly_budget_spreads_the_building():
    p = problem([100, 180, 180, 180], budget_per_year=4000)  # one school of 4 classes (4,000) a year
    found = solve(p)
    assert found.capital.max() <= 4000 + 1e-9
    assert [_built(found, t) for t in (1, 2, 3)] == [4, 4, 0]
    assert found.unplaced[0].tolist() == pytest.approx([0, 40, 0, 0])


def test_a_site_limit_and_a_size_cap_bind():
    limited = solve(problem([100, 180, 180, 180], sites=[Site(0, (2, 4), most=1)]))
    assert sum(limited.choices.builds) == 1 and limited.unplaced[0, 1:].tolist() == pytest.approx([40] * 3)
    capped = solve(problem([100, 180, 180, 180], sites=[Site(0, (2,))]))  # the cap leaves only 2-class schools
    assert _built(capped, 1) == 8 and all(z == 0 for _, _, z in capped.layout.builds)


def test_a_full_private_school_converted_changes_no_gap():
    # private schools are full (50 places for 50); converting one of 20 places adds 20 public places
    # and takes its 20 pupils: the shortage stays, so the plan does not convert
    school = Convertible(0, np.full(4, 20.0), np.full(4, 20.0))
    found = solve(problem([100, 150, 150, 150], sites=[], convertibles=[school]))
    assert found.choices.conversions.sum() == 0 and found.unplaced[0, 1:].tolist() == pytest.approx([50] * 3)


def test_areas_no_budget_links_are_solved_apart_to_the_same_plan():
    choice = [[100, 130, 100, 90, 80, 80, 80, 80, 80], [100, 140, 140, 140, 140, 140, 140, 140, 140]]
    p = problem(choice, private_places=np.full((2, 9), 80.0), sites=[Site(0, (4,)), Site(1, (2, 4))])
    whole, parts = solve(p), join(p, [solve(part) for part in split(p)])
    assert parts.objective == pytest.approx(whole.objective)
    assert evaluate(p, parts.layout, parts.choices) == pytest.approx(whole.objective)
    np.testing.assert_allclose(parts.unplaced, whole.unplaced)
    with pytest.raises(ValueError, match="a budget links the groups"):
        split(problem(choice, budget=1000))


def sharing(choice, **changes) -> Problem:
    """Area 0 with ``choice``; area 1 next door with 50 spare public places; no private place is spare."""
    choice = np.array([choice, [50.0] * len(choice)])
    given = {"sites": [Site(0, (2, 4))], "neighbour_share": 1.0, **changes}
    return problem(choice, transport_cost=np.full(choice.shape, 20.0), neighbours=[(0, 1), (1, 0)], **given)


def _shared(found) -> dict:
    return {key: value for key, value in zip(found.layout.shares, found.choices.shares, strict=True) if value > 1e-9}


def test_a_short_shortage_is_placed_in_the_neighbours_spare_places():
    # 30 short for one year: 30 pupil-years at 20 next door (600) beats 2,000 for a school or 1,800 of penalty
    found = solve(sharing([100, 130, 100, 100]))
    assert _shared(found) == pytest.approx({(0, 1): 30.0})
    assert found.choices.builds.sum() == 0 and found.unplaced.sum() == pytest.approx(0)
    assert found.objective == pytest.approx(600)
    assert evaluate(sharing([100, 130, 100, 100]), found.layout, found.choices) == pytest.approx(600)


def test_the_neighbour_share_bounds_the_pupils_placed_next_door():
    # at most a tenth of the 130 choosing public places: 13 go next door, 17 stay short (1,020 < a 2,000 school)
    found = solve(sharing([100, 130, 100, 100], neighbour_share=0.1))
    assert _shared(found) == pytest.approx({(0, 1): 13.0})
    assert found.unplaced[0].tolist() == pytest.approx([0, 17, 0, 0])
    assert found.objective == pytest.approx(13 * 20 + 17 * 60)


def test_the_neighbours_spare_places_bound_the_pupils_placed_there():
    # 80 short for good, 50 spare next door: a 4-class school (40 places, 4,000) and 40 pupils a year next door
    # (2,400) beat 50 next door and 30 short (3,000 + 5,400) and two schools (8,000)
    found = solve(sharing([100, 180, 180, 180], sites=[Site(0, (4,))]))
    assert found.unplaced.sum() == pytest.approx(0) and found.choices.builds.sum() == 1
    assert _shared(found) == pytest.approx({(0, t): 40.0 for t in (1, 2, 3)})
    assert found.objective == pytest.approx(4000 + 3 * 40 * 20)


def test_areas_sharing_places_are_solved_together_and_the_rest_apart():
    choice = np.array([[100.0, 130, 100, 100], [50, 50, 50, 50], [100, 140, 140, 140]])
    p = problem(
        choice,
        sites=[Site(0, (2, 4)), Site(2, (4,))],
        transport_cost=np.full(choice.shape, 20.0),
        neighbours=[(0, 1), (1, 0)],
        neighbour_share=1.0,
    )
    assert components(p) == [[0, 1], [2]]
    whole, parts = solve(p), join(p, [solve(part) for part in split(p)])
    assert parts.objective == pytest.approx(whole.objective)
    assert evaluate(p, parts.layout, parts.choices) == pytest.approx(whole.objective)
    assert _shared(parts) == pytest.approx(_shared(whole))
    # without a transport cost sharing is no option, so every area is its own part
    assert components(problem(choice, neighbours=[(0, 1), (1, 0)], neighbour_share=1.0)) == [[0], [1], [2]]
