"""``placeplan plan``: from a scenario's projected demand to the cheapest build programme, written as a scenario.

The scenario is run (or an ensemble, to plan for a quantile of demand), its
figures become the MILP of :mod:`placeplan.models.plan` (:mod:`.plan_inputs`),
and the chosen actions are written as ``plan.yaml``, a scenario that extends
the input with those ``actions:``. The plan folder holds the run of
``plan.yaml``, so its costs and remaining gap are what ``placeplan run plan.yaml``
gives.
"""

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ..models.plan import Problem
from ..models.plan_solver import Solution
from ..models.population import Array
from ..scenarios.inputs import Inputs
from .capacity import line_places
from .plan_inputs import Groups, _standard

LASTING = 5
"""A shortage lasting this many years from an action's year (or to the end of the run) is lasting."""


def actions(inputs: Inputs, built: Problem, groups: Groups, solution: Solution) -> dict[str, dict[str, Any]]:
    """The chosen plan as scenario ``actions:`` (each build, expansion, conversion and run of purchases)."""
    years = [int(y) for y in inputs.years]
    out: dict[str, dict[str, Any]] = {}
    plan, chosen = solution.layout, solution.choices
    for (s, t, z), count in zip(plan.builds, chosen.builds, strict=True):
        g, district, name = groups.site_of[s]
        stage = groups.keys[g][0]
        for _ in range(int(count)):
            key = f"plan_{stage}_{district}_{years[t]}_{len(out) + 1}"
            action = {"action": "build", "district": district, "stage": stage, "year": years[t]}
            action |= {"classes": int(built.sites[s].sizes[z]), "name": name or key}
            if built.sites[s].land:
                action["land_cost"] = float(built.sites[s].land)
            out[key] = action
    left = {g: dict(schools) for g, schools in enumerate(groups.schools)}
    for (g, t), classes in zip(plan.expansions, chosen.expansions, strict=True):
        needed = int(round(classes))
        for line, room in sorted(left[g].items(), key=lambda item: -item[1]):
            if needed <= 0:
                break
            take = int(min(room, needed))
            if take:
                school = inputs.lines.id[line]
                out[f"plan_expand_{school}_{years[t]}"] = {
                    "action": "expand",
                    "school": school,
                    "year": years[t],
                    "classes": take,
                }
                left[g][line] -= take
                needed -= take
    for (c, t), yes in zip(plan.conversions, chosen.conversions, strict=True):
        if yes > 0.5:
            school = inputs.lines.id[groups.convertible[c]]
            out[f"plan_convert_{school}"] = {"action": "convert", "school": school, "year": years[t]}
    out.update(_purchases(inputs, built, groups, solution))
    out.update(_shares(inputs, built, groups, solution))
    return out


def _purchases(inputs: Inputs, built: Problem, groups: Groups, solution: Solution) -> dict[str, dict[str, Any]]:
    """Places bought, shared among the area's districts by their private places, one action per run of years."""
    years = [int(y) for y in inputs.years]
    by_district: dict[tuple[str, str], dict[int, float]] = {}
    for (g, t), places in zip(solution.layout.buys, solution.choices.buys, strict=True):
        if places <= 1e-9:
            continue
        stage, _ = groups.keys[g]
        private = {d: _private_places(inputs, stage, d)[t] for d in groups.districts[g]}
        total = sum(private.values())
        for district, own in private.items():
            if own > 0:
                by_district.setdefault((stage, district), {})[t] = places * own / total
    out: dict[str, dict[str, Any]] = {}
    for (stage, district), amounts in by_district.items():
        for first, last, places in _runs(amounts):
            out[f"plan_buy_{stage}_{district}_{years[first]}"] = {
                "action": "buy",
                "district": district,
                "stage": stage,
                "year": years[first],
                "until": years[last],
                "places": places,
            }
    return out


def _shares(inputs: Inputs, built: Problem, groups: Groups, solution: Solution) -> dict[str, dict[str, Any]]:
    """Pupils placed in a neighbouring area, one action per run of years with the same number."""
    years = [int(y) for y in inputs.years]
    by_pair: dict[int, dict[int, float]] = {}
    for (p, t), pupils in zip(solution.layout.shares, solution.choices.shares, strict=True):
        if pupils > 1e-9:
            by_pair.setdefault(p, {})[t] = pupils
    out: dict[str, dict[str, Any]] = {}
    for p, amounts in by_pair.items():
        (stage, area), (_, to) = (groups.keys[g] for g in built.neighbours[p])
        for first, last, pupils in _runs(amounts):
            out[f"plan_share_{stage}_{area}_{to}_{years[first]}"] = {
                "action": "share",
                "stage": stage,
                "area": area,
                "to": to,
                "year": years[first],
                "until": years[last],
                "pupils": pupils,
            }
    return out


def _runs(amounts: dict[int, float]) -> list[tuple[int, int, float]]:
    """Consecutive years with the same amount: (first, last, amount)."""
    out: list[tuple[int, int, float]] = []
    for t in sorted(amounts):
        if out and t == out[-1][1] + 1 and math.isclose(amounts[t], out[-1][2], rel_tol=1e-12):
            out[-1] = (out[-1][0], t, out[-1][2])
        else:
            out.append((t, t, float(amounts[t])))
    return out


def _private_places(inputs: Inputs, stage: str, district: str) -> Array:
    lines = inputs.lines
    mine = np.flatnonzero(
        (np.array(lines.stage) == stage)
        & (np.array(lines.district) == district)
        & (np.array(lines.kind, dtype=object) == "school")
    )
    chosen = next(s for s in inputs.stages if s.name == stage)
    places = line_places(chosen, lines, mine, inputs.districts.codes, inputs.years)
    private = inputs.years[:, None] < lines.public_from[mine][None, :]
    return (places * private).sum(axis=1)


def plan_yaml(inputs: Inputs, chosen: dict[str, dict[str, Any]], folder: Path) -> dict[str, Any]:
    """The plan as a scenario extending the input (its path relative to ``folder``)."""
    scenario = inputs.scenario
    title = scenario.title
    en = title if isinstance(title, str) or title is None else title.en
    zh = title if isinstance(title, str) or title is None else title.zh
    return {
        "extends": os.path.relpath(inputs.loaded.path, folder),
        "name": f"{scenario.name}_plan",
        "title": {"en": f"{en or scenario.name} (plan)", "zh": f"{zh or scenario.name}（规划方案）"},
        "actions": chosen,
    }


def why(result: xr.Dataset, stage: str, area: str, year: int) -> str:
    """``lasting`` when the area's shortage without the plan lasts ``LASTING`` years from ``year`` (or to the end)."""
    gap = result["gap"].sel(stage=stage, area=area)
    ahead = gap.sel(year=gap["year"] >= year).values > 0
    run = int(np.argmin(ahead)) if not ahead.all() else len(ahead)
    return "lasting" if run >= min(LASTING, len(ahead)) else "temporary"


def plan_table(
    inputs: Inputs, chosen: dict[str, dict[str, Any]], baseline: xr.Dataset, planned: xr.Dataset
) -> pd.DataFrame:
    """``plan.csv``: each action with its area, size, places, capital and recurrent cost and why."""
    codes = inputs.districts.codes
    stages = {stage.name: stage for stage in inputs.stages}
    schools = {line_id: i for i, line_id in enumerate(inputs.lines.id)}
    rows = []
    for name, action in chosen.items():
        stage = action.get("stage") or inputs.lines.stage[schools[action["school"]]]
        district = (
            action.get("district") or inputs.lines.district[schools[action["school"]]] if "to" not in action else ""
        )
        area = action.get("area") or stages[stage].area_of[codes.index(district)]
        one = {"stage": stage, "area": area, "year": action["year"]}
        size = planned["class_size"].sel(**one).item()
        cpp = planned["cost_per_place"].sel(**one).item()
        cpc = float(_standard(stages[stage], "cost_per_class", area)[action["year"] - int(inputs.years[0])])
        capital = recurrent = 0.0
        classes = action.get("classes", np.nan)
        if action["action"] in ("build", "expand"):
            places = classes * size
            capital = places * cpp + classes * cpc + action.get("land_cost", 0.0)
        elif action["action"] == "convert":
            line = schools[action["school"]]
            t = action["year"] - int(inputs.years[0])
            places = float(line_places(stages[stage], inputs.lines, np.array([line]), codes, inputs.years)[t, 0])
            conversion = float(_standard(stages[stage], "conversion_cost_per_place", area)[t])
            capital = places * conversion
        else:  # bought places, or pupils placed next door, paid for each year
            places = action.get("places", action.get("pupils"))
            price = "price_per_bought_place" if action["action"] == "buy" else "transport_cost_per_pupil_year"
            span = slice(action["year"] - int(inputs.years[0]), action["until"] - int(inputs.years[0]) + 1)
            recurrent = float(places * _standard(stages[stage], price, area)[span].sum())
        rows.append(
            {
                "name": name,
                "action": action["action"],
                "area": area,
                "area_name": str(baseline["area_name"].sel(area=area).values),
                "district": district,
                "to": action.get("to", ""),
                "stage": stage,
                "year": action["year"],
                "until": action.get("until", ""),
                "school": action.get("school", ""),
                "classes": classes,
                "places": places,
                "capital_cost": capital,
                "recurrent_cost": recurrent,
                "why": why(baseline, stage, area, action["year"]),
            }
        )
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)  # the columns even when nothing is chosen


PLAN_COLUMNS = (
    "name",
    "action",
    "area",
    "area_name",
    "district",
    "to",
    "stage",
    "year",
    "until",
    "school",
    "classes",
    "places",
    "capital_cost",
    "recurrent_cost",
    "why",
)
"""The columns of ``plan.csv``."""


def diagnosis(built: Problem, groups: Groups, solution: Solution, years: list[int]) -> list[str]:
    """Why pupils remain without a place, one line per cause: the lead time, no site, the budget, or the penalty."""
    causes: dict[str, list[tuple[str, float]]] = {}
    spent = solution.capital
    smallest = float(np.nanmin(built.class_size * built.cost_per_place + built.cost_per_class))  # one class
    full = [years[t] for t in range(len(years)) if spent[t] > built.budget_per_year - smallest]
    whole = spent.sum() > built.budget - smallest
    placed = {site.group for site in built.sites} | {c.group for c in built.convertibles}
    for g, (stage, area) in enumerate(groups.keys):
        short = solution.unplaced[g]
        if short[: built.first].sum() > 0.5:
            causes.setdefault("lead", []).append((f"{stage} {area}", float(short[: built.first].sum())))
        later = float(short[built.first :].sum())
        if later <= 0.5:
            continue
        cause = "year" if full else "whole" if whole else "penalty"
        if g not in placed and built.headroom[g] == 0:
            cause = "nowhere"
        causes.setdefault(cause, []).append((f"{stage} {area}", later))
    texts = {
        "lead": f"before {years[built.first]}, within the lead time",
        "nowhere": "with no site, school to expand or school to convert",
        "year": f"after the yearly budget was spent (in {', '.join(map(str, full))})",
        "whole": "after the whole budget was spent",
        "penalty": f"where a place would cost more than {built.penalty:,.0f} a pupil-year left without one",
    }
    notes = []
    for cause, where in causes.items():
        total = sum(years_short for _, years_short in where)
        worst = ", ".join(name for name, _ in sorted(where, key=lambda item: -item[1])[:3])
        notes.append(f"plan: {total:,.0f} pupil-years short {texts[cause]}; most in {worst}")
    return notes


def record(built: Problem, solution: Solution, notes: list[str], **more: Any) -> dict[str, Any]:
    """What the solver did and was asked, for run.json."""
    return {
        "solver": "scipy.optimize.milp (HiGHS)",
        "status": solution.status,
        "optimal": solution.optimal,
        "mip_gap": solution.gap,
        "seconds": round(solution.seconds, 3),
        "objective": solution.objective,
        "lead_time": built.first,
        "budget": None if math.isinf(built.budget) else built.budget,
        "budget_per_year": None if math.isinf(built.budget_per_year) else built.budget_per_year,
        "penalty_per_pupil_year": built.penalty,
        "pupil_years_short": float(solution.unplaced.sum()),
        "why_short": notes,
        **more,
    }
