"""Schools and capacity actions as capacity lines: one line per school, expansion, new school or purchase.

A line has a district, a stage, open years ``[opens, closes)``, classes or
places, and the year from which it counts as public. Expansions follow their
school's sector and closing year, so a converted school brings its expansions.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .errors import ScenarioError
from .load import Loaded
from .tables import Table

Array = NDArray[np.float64]
NEVER = 10_000.0
"""A closing year that never comes, and the public-from year of a private school never converted."""


@dataclass
class Lines:
    """Capacity lines as parallel arrays."""

    id: list[str]
    name: list[str]
    district: list[str]
    stage: list[str]
    opens: Array
    closes: Array
    classes: Array
    places: Array
    """NaN where places follow from classes x standard class size."""
    public_from: Array
    inclusive: NDArray[np.bool_]
    teachers: Array
    parent: NDArray[np.intp]
    """Line whose sector and closing year this line follows (itself for a school)."""

    def add(
        self,
        id: str,
        name: str,
        district: str,
        stage: str,
        opens: float,
        closes: float,
        classes: float,
        places: float,
        public_from: float,
        parent: int | None = None,
    ) -> None:
        """Append one line."""
        index = len(self.id)
        for column, value in (("id", id), ("name", name), ("district", district), ("stage", stage)):
            getattr(self, column).append(value)
        for column, number in (
            ("opens", opens),
            ("closes", closes),
            ("classes", classes),
            ("places", places),
            ("public_from", public_from),
            ("teachers", np.nan),
        ):
            setattr(self, column, np.append(getattr(self, column), number))
        self.inclusive = np.append(self.inclusive, False)
        self.parent = np.append(self.parent, index if parent is None else parent)


def read_schools(loaded: Loaded, codes: list[str], stages: list[str]) -> Lines:
    """The schools table as capacity lines."""
    table = Table.read(loaded.scenario.schools, "schools", label="id")
    table.require("id", "name", "district", "stage", "sector", "classes")
    table.unique("id")
    sector = np.char.lower(table.text("sector"))
    bad = ~np.isin(sector, ["public", "private"])
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{table.where(row)}: sector {sector[row]!r} is not one of public, private")
    opens = table.numbers("opens", "year", default=-NEVER)
    closes = table.numbers("closes", "year", default=NEVER)
    late = opens >= closes
    if late.any():
        row = int(np.argmax(late))
        raise ScenarioError(f"{table.where(row)}: opens {opens[row]:g} is not before closes {closes[row]:g}")
    inclusive = np.char.lower(table.text("inclusive")) if "inclusive" in table.frame else np.full(len(sector), "")
    flags = ~np.isin(inclusive, ["", "0", "no", "false", "否"])
    n = len(sector)
    return Lines(
        id=list(table.text("id")),
        name=list(table.text("name")),
        district=list(table.codes("district", codes)),
        stage=list(table.codes("stage", stages, what="stage of the scenario")),
        opens=opens,
        closes=closes,
        classes=table.numbers("classes", "whole"),
        places=table.numbers("places", "count", default=np.nan),
        public_from=np.where(sector == "public", -NEVER, NEVER),
        inclusive=flags | (sector == "public"),
        teachers=table.numbers("teachers", "count", default=np.nan),
        parent=np.arange(n),
    )


def apply_actions(loaded: Loaded, lines: Lines, codes: list[str], stages: list[str]) -> Lines:
    """Apply the scenario's actions in year order (build, expand, close, convert, buy)."""
    actions = sorted(loaded.scenario.actions.items(), key=lambda item: (item[1].year or 0, item[0]))
    for name, action in actions:
        where = loaded.where("actions", name)
        if action.district is not None and action.district not in codes:
            raise ScenarioError(f"{where}.district: {action.district!r} is not a district code of the scenario")
        if action.stage is not None and action.stage not in stages:
            raise ScenarioError(f"{where}.stage: {action.stage!r} is not a stage; stages: {', '.join(stages)}")
        if action.school is not None and action.school not in lines.id[: len(lines.id)]:
            raise ScenarioError(f"{where}.school: {action.school!r} is not a school id in the schools table")
        year = float(action.year)  # type: ignore[arg-type]
        classes = np.nan if action.classes is None else action.classes
        places = np.nan if action.places is None else action.places
        if action.action == "build":
            lines.add(name, action.name or name, action.district, action.stage, year, NEVER, classes, places, -NEVER)  # type: ignore[arg-type]
            continue
        if action.action == "buy":
            lines.add(name, name, action.district, action.stage, year, action.until + 1.0, 0.0, places, -NEVER)  # type: ignore[arg-type, operator]
            continue
        school = lines.id.index(action.school)  # type: ignore[arg-type]
        if action.action == "expand":
            lines.add(
                name,
                lines.name[school],
                lines.district[school],
                lines.stage[school],
                year,
                NEVER,
                0.0 if np.isnan(classes) else classes,
                places,
                NEVER,
                parent=school,
            )
        elif action.action == "close":
            lines.closes[school] = min(lines.closes[school], year)
        elif action.action == "convert":
            if lines.public_from[school] < year:
                raise ScenarioError(f"{where}.school: {action.school!r} is already public in {action.year}")
            lines.public_from[school] = year
    return lines


def read_capacity(loaded: Loaded, codes: list[str], stages: list[str]) -> Lines:
    """Schools plus actions, as capacity lines."""
    return apply_actions(loaded, read_schools(loaded, codes, stages), codes, stages)
