"""Schools and capacity actions as capacity lines: one line per school, new school, expansion or purchase.

A line has a district, a stage, open years ``[opens, closes)``, classes or
places, and the year from which it counts as public. Expansions follow their
school's sector and closing year, so a converted school brings its expansions.
Actions are checked here: each must fall within the run, name a school of its
stage that is open then, and stay within the school's ``max_classes``.
"""

from dataclasses import MISSING, dataclass, field, fields
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from .errors import ScenarioError
from .loading import Loaded
from .schema_policy import Action
from .tables import Table, index_of

Array = NDArray[np.float64]
NEVER = 10_000.0
"""A closing year that never comes, and the public-from year of a private school never converted."""
SCHOOL_COLUMNS = (
    "id",
    "name",
    "district",
    "stage",
    "sector",
    "classes",
    "places",
    "pupils",
    "inclusive",
    "opens",
    "closes",
    "teachers",
    "max_classes",
    "boarding_places",
    "lon",
    "lat",
    "convertible",
)


@dataclass
class Lines:
    """Capacity lines as parallel arrays (a school's row index is its line index)."""

    id: list[str]
    name: list[str]
    district: list[str]
    stage: list[str]
    kind: list[str]
    """``school`` (from the table), ``build``, ``expand`` or ``buy``."""
    opens: Array
    closes: Array
    classes: Array
    places: Array
    """NaN where places follow from classes x standard class size."""
    public_from: Array
    """Year from which the line is public (``-NEVER`` public, ``NEVER`` private and never converted)."""
    inclusive: NDArray[np.bool_]
    teachers: Array
    """Public teachers of a school (NaN unknown); 0 for new schools (staff still to hire) and other lines."""
    pupils: Array
    """Pupils in the base year (NaN unknown)."""
    max_classes: Array
    boarding_places: Array
    lon: Array
    lat: Array
    parent: NDArray[np.intp]
    """Line whose sector and closing year this line follows (itself for a school)."""
    into: NDArray[np.intp]
    """Line that takes a closing school's pupils (``-1``: the nearest, or all, of its area)."""
    land_cost: Array
    """Cost of a new school's site (NaN none)."""
    convertible: NDArray[np.bool_]
    """Private schools the plan may convert to public (``convertible: yes``)."""
    converted: dict[int, str] = field(default_factory=dict)
    """Line of each converted school and the action's name."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Schools of stages the scenario does not plan, by id, and their stage (for actions that name one)."""

    def add(self, **values: object) -> int:
        """Append one line (missing numbers are NaN); returns its index."""
        index = len(self.id)
        defaults: dict[str, object] = {"public_from": -NEVER, "closes": NEVER, "teachers": 0.0, "parent": index}
        for column in fields(self):
            if column.name == "converted":
                continue
            missing = {"into": -1, "convertible": False}.get(column.name, np.nan)
            value = values.get(column.name, defaults.get(column.name, missing))
            current = getattr(self, column.name)
            if isinstance(current, list):
                current.append(value)
            else:
                setattr(self, column.name, np.append(current, cast(Any, value)))
        return index

    def districts_of(self, rows: NDArray[np.intp], codes: list[str]) -> NDArray[np.intp]:
        """The district of each line in ``rows``, as its position in ``codes``."""
        return index_of([self.district[i] for i in rows], codes)

    def closing(self) -> Array:
        """Each line's closing year, its school's when earlier."""
        return np.minimum(self.closes, self.closes[self.parent])


def read_schools(loaded: Loaded, codes: list[str], stages: list[str], warnings: list[str]) -> Lines:
    """The schools table as capacity lines (none in a population-only scenario); schools of stages the
    scenario does not plan are left out, with a warning."""
    if loaded.scenario.schools is None:
        return _no_lines()
    table = Table.read(loaded.scenario.schools, "schools", label="id", columns=SCHOOL_COLUMNS)
    table.require("id", "name", "district", "stage", "sector", "classes")
    table.unique("id")
    left = table.of_stages(stages, warnings, "schools")
    sector = np.char.lower(table.text("sector"))
    bad = ~np.isin(sector, ["public", "private"])
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{table.where(row)}: sector {str(sector[row])!r} is not one of public, private")
    opens = table.numbers("opens", "year", default=-NEVER)
    closes = table.numbers("closes", "year", default=NEVER)
    late = opens >= closes
    if late.any():
        row = int(np.argmax(late))
        raise ScenarioError(f"{table.where(row)}: opens {opens[row]:g} is not before closes {closes[row]:g}")
    classes = table.numbers("classes", "whole")
    max_classes = table.numbers("max_classes", "whole", default=np.nan)
    small = max_classes < classes
    if small.any():
        row = int(np.argmax(small))
        raise ScenarioError(
            f"{table.where(row)}: max_classes {max_classes[row]:g} is below classes {classes[row]:g}; "
            "max_classes is the most the school can be expanded to"
        )
    n = len(sector)
    return Lines(
        id=[str(v) for v in table.text("id")],
        name=[str(v) for v in table.text("name")],
        district=table.codes("district", codes),
        stage=table.codes("stage", stages, what="stage of the scenario"),
        kind=["school"] * n,
        opens=opens,
        closes=closes,
        classes=classes,
        places=table.numbers("places", "count", default=np.nan),
        public_from=np.where(sector == "public", -NEVER, NEVER),
        inclusive=_flags(table, "inclusive") | (sector == "public"),
        teachers=table.numbers("teachers", "count", default=np.nan),
        pupils=table.numbers("pupils", "count", default=np.nan),
        max_classes=max_classes,
        boarding_places=table.numbers("boarding_places", "count", default=np.nan),
        lon=table.numbers("lon", "longitude", default=np.nan),
        lat=table.numbers("lat", "latitude", default=np.nan),
        parent=np.arange(n),
        into=np.full(n, -1, dtype=np.intp),
        land_cost=np.full(n, np.nan),
        convertible=_flags(table, "convertible") & (sector == "private"),
        left_out=dict(zip(left["id"], left["stage"], strict=True)),
    )


def _no_lines() -> Lines:
    """No capacity lines at all."""
    nothing = np.zeros(0)
    lists: dict[str, list[str]] = {name: [] for name in ("id", "name", "district", "stage", "kind")}
    indexes = {name: np.zeros(0, dtype=np.intp) for name in ("parent", "into")}
    numbers = {
        field.name: nothing.astype(bool) if field.name in ("inclusive", "convertible") else nothing
        for field in fields(Lines)
        if field.name not in lists and field.name not in indexes and field.default_factory is MISSING
    }
    return Lines(**cast(dict[str, Any], {**lists, **numbers, **indexes}))


def _flags(table: Table, column: str) -> NDArray[np.bool_]:
    """A yes/no column (blank, 0, no, false, 否 are no)."""
    if column not in table.frame:
        return np.zeros(len(table.frame), dtype=bool)
    return ~np.isin(np.char.lower(table.text(column)), ["", "0", "no", "false", "否"])


def apply_actions(loaded: Loaded, lines: Lines, codes: list[str], stages: list[str]) -> Lines:
    """Apply the scenario's actions year by year, within a year builds first and closures last, checking each."""
    scenario = loaded.scenario
    order = {"build": 0, "expand": 1, "convert": 2, "buy": 3, "share": 3, "close": 4}
    actions = sorted(scenario.actions.items(), key=lambda item: (item[1].year or 0, order[item[1].action], item[0]))
    for name, action in actions:
        if action.action == "share":  # not capacity: checked and applied per planning area (scenarios.inputs)
            continue
        where = loaded.where("actions", name)
        _check_keys(where, action, codes, stages, scenario.base_year, scenario.end_year)
        year = float(action.year)  # type: ignore[arg-type]
        if action.action == "build":
            lines.add(
                id=name,
                name=action.name or name,
                district=action.district,
                stage=action.stage,
                kind="build",
                opens=year,
                classes=np.nan if action.classes is None else action.classes,
                places=np.nan if action.places is None else action.places,
                inclusive=True,
                lon=np.nan if action.lon is None else action.lon,
                lat=np.nan if action.lat is None else action.lat,
                boarding_places=np.nan if action.boarding_places is None else action.boarding_places,
                land_cost=np.nan if action.land_cost is None else action.land_cost,
            )
        elif action.action == "buy":
            lines.add(
                id=name,
                name=name,
                district=action.district,
                stage=action.stage,
                kind="buy",
                opens=year,
                closes=action.until + 1.0,  # type: ignore[operator]
                classes=0.0,
                places=action.places,
                inclusive=True,
            )
        else:
            _school_action(where, name, action, lines, year)
    return lines


def _check_keys(where: str, action: Action, codes: list[str], stages: list[str], first: int, last: int) -> None:
    if action.district is not None and action.district not in codes:
        raise ScenarioError(f"{where}.district: {action.district!r} is not a district code of the scenario")
    if action.stage is not None and action.stage not in stages:
        raise ScenarioError(f"{where}.stage: {action.stage!r} is not a stage; stages: {', '.join(stages)}")
    for key in ("year", "until"):
        value = getattr(action, key)
        if value is not None and not first <= value <= last:
            raise ScenarioError(
                f"{where}.{key}: {value} is outside the run; actions take effect from base_year {first} "
                f"to end_year {last}"
            )


def _school(where: str, key: str, school: str | None, lines: Lines) -> int:
    """The line of a school named by an action (a table ``id`` or a build action's name)."""
    for line, (id_, kind) in enumerate(zip(lines.id, lines.kind, strict=True)):
        if id_ == school and kind in ("school", "build"):
            return line
    if school in lines.left_out:
        stage = lines.left_out[school]
        raise ScenarioError(f"{where}.{key}: {school!r} is a {stage} school, and the scenario does not plan {stage}")
    raise ScenarioError(f"{where}.{key}: {school!r} is not a school id in the schools table nor a built school")


def _school_action(where: str, name: str, action: Action, lines: Lines, year: float) -> None:
    """expand, close or convert a school, after checking it is of the stage and open in that year."""
    school = _school(where, "school", action.school, lines)
    label = f"school {action.school!r}"
    if action.stage is not None and action.stage != lines.stage[school]:
        raise ScenarioError(f"{where}.stage: {label} is a {lines.stage[school]} school, not {action.stage}")
    opens, closes = lines.opens[school], lines.closes[school]
    if year >= closes:
        raise ScenarioError(f"{where}.year: {label} is already closed in {action.year} (it closes in {closes:g})")
    if year < opens or (action.action == "close" and year == opens):
        raise ScenarioError(f"{where}.year: {label} is not open yet in {action.year} (it opens in {opens:g})")
    if action.action == "expand":
        _expand(where, name, action, lines, school, year)
    elif action.action == "close":
        lines.closes[school] = year
        if action.into is not None:
            lines.into[school] = _receiver(where, action, lines, school, year)
    else:
        if lines.public_from[school] <= year:
            raise ScenarioError(f"{where}.school: {label} is already public in {action.year}")
        lines.public_from[school] = year
        lines.converted[school] = name


def _expand(where: str, name: str, action: Action, lines: Lines, school: int, year: float) -> None:
    classes = np.nan if action.classes is None else action.classes  # places only: classes follow the class size
    earlier = (lines.parent == school) & (np.array(lines.kind) == "expand")
    grown = np.nansum([classes, *lines.classes[earlier]])
    most = lines.max_classes[school]
    if lines.classes[school] + grown > most:
        raise ScenarioError(
            f"{where}.classes: expanding school {action.school!r} to {lines.classes[school] + grown:g} classes; "
            f"its max_classes is {most:g}"
        )
    lines.add(
        id=name,
        name=lines.name[school],
        district=lines.district[school],
        stage=lines.stage[school],
        kind="expand",
        opens=year,
        classes=classes,
        places=np.nan if action.places is None else action.places,
        public_from=NEVER,
        inclusive=False,
        parent=school,
    )


def _receiver(where: str, action: Action, lines: Lines, school: int, year: float) -> int:
    """The line named by ``into``: a school of the same stage and district, open from ``year``."""
    target = _school(where, "into", action.into, lines)
    if target == school:
        raise ScenarioError(f"{where}.into: a school cannot take its own pupils")
    if lines.stage[target] != lines.stage[school] or lines.district[target] != lines.district[school]:
        raise ScenarioError(
            f"{where}.into: {action.into!r} is a {lines.stage[target]} school in district {lines.district[target]}; "
            f"pupils of {action.school!r} need a {lines.stage[school]} school in district {lines.district[school]}"
        )
    if not lines.opens[target] <= year < lines.closes[target]:
        raise ScenarioError(f"{where}.into: {action.into!r} is not open in {action.year}")
    return target


def check_purchases(
    loaded: Loaded, lines: Lines, class_size: dict[str, Array], codes: list[str], years: NDArray[np.int64]
) -> None:
    """Places bought in a district and stage must exist in its open private schools, every year bought.

    ``class_size`` is each stage's ``[year, district]`` standard (places of schools given in classes).
    """
    kind = np.array(lines.kind, dtype=object)
    district = index_of(lines.district, codes)
    open_ = (lines.opens[None, :] <= years[:, None]) & (years[:, None] < lines.closing()[None, :])
    private = open_ & (years[:, None] < lines.public_from[lines.parent][None, :]) & (kind != "buy")
    for buy in np.flatnonzero(kind == "buy"):
        stage, where = lines.stage[buy], district[buy]
        same = (np.array(lines.stage) == stage) & (district == where)
        size = class_size[stage][:, where][:, None]
        places = np.where(np.isnan(lines.places), lines.classes * size, lines.places)
        offered = np.where(private & same, places, 0.0).sum(axis=1)
        bought = np.where(open_ & same & (kind == "buy"), lines.places, 0.0).sum(axis=1)
        short = np.flatnonzero(bought > offered + 1e-9)
        if short.size:
            t = short[0]
            raise ScenarioError(
                f"{loaded.where('actions', lines.id[buy])}: buys {bought[t]:,.0f} {stage} places in district "
                f"{codes[where]} in {years[t]}, but its private {stage} schools have {offered[t]:,.0f} places then; "
                "buy at most what private schools offer"
            )


def read_capacity(loaded: Loaded, codes: list[str], stages: list[str], warnings: list[str]) -> Lines:
    """Schools plus actions, as capacity lines."""
    return apply_actions(loaded, read_schools(loaded, codes, stages, warnings), codes, stages)
