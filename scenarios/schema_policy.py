"""The scenario keys of policy: what a scenario does (``actions``), aims at (``targets``) and what
``placeplan plan`` may choose (``plan``)."""

from typing import Literal, Self

from pydantic import Field, model_validator

from ..models import PROVEN
from .schema_types import Positive, Rate, Share, Strict, Table

ACTION_KEYS = {
    "build": (
        {"district", "stage", "year"},
        {"classes", "places"},
        {"name", "lon", "lat", "boarding_places", "land_cost"},
    ),
    "expand": ({"school", "year"}, {"classes", "places"}, {"stage"}),
    "close": ({"school", "year"}, set(), {"stage", "into"}),
    "convert": ({"school", "year"}, set(), {"stage"}),
    "buy": ({"district", "stage", "year", "until", "places"}, set(), set()),
    "share": ({"stage", "area", "to", "year", "until", "pupils"}, set(), set()),
}
"""Per action: the keys it needs, the keys of which it needs exactly one, and the keys it may have."""


class Action(Strict):
    """A change from a year on: build, expand, close, convert (民转公), buy (购买学位), or use a neighbour's places."""

    action: Literal["build", "expand", "close", "convert", "buy", "share"]
    """What is done."""
    year: int | None = None
    """Year the change takes effect (build: year the school opens)."""
    until: int | None = None
    """buy, share: last year it lasts."""
    school: str | None = None
    """expand, close, convert: the school's ``id``."""
    district: str | None = None
    """build, buy: district code."""
    stage: str | None = None
    """build, buy: stage; expand, close, convert: optional, checked against the school's stage."""
    classes: float | None = Field(None, ge=0)
    """build, expand: classes (places = classes x standard class size)."""
    places: float | None = Field(None, ge=0)
    """build, expand, buy: places."""
    name: str | None = None
    """build: the new school's name."""
    into: str | None = None
    """close: the school (an ``id``, or a build action's name) that takes the closed school's pupils."""
    lon: float | None = Field(None, ge=-180, le=180)
    """build: longitude of the new school (closing schools' pupils go to the nearest)."""
    lat: float | None = Field(None, ge=-90, le=90)
    """build: latitude of the new school."""
    boarding_places: float | None = Field(None, ge=0)
    """build: boarding places (寄宿) of the new school."""
    area: str | None = None
    """share: the planning area whose pupils are placed in a neighbouring area's public schools."""
    to: str | None = None
    """share: the neighbouring planning area whose spare public places take them."""
    pupils: float | None = Field(None, ge=0)
    """share: pupils placed there each year."""
    land_cost: float | None = Field(None, ge=0)
    """build: cost of the site, capital in the opening year on top of the places and classes."""

    @model_validator(mode="after")
    def _keys_of_action(self) -> Self:
        needed, one_of, optional = ACTION_KEYS[self.action]
        given = {key for key in Action.model_fields if key != "action" and getattr(self, key) is not None}
        missing = sorted(needed - given)
        if missing:
            raise ValueError(f"{self.action} needs {', '.join(missing)}")
        if one_of and len(given & one_of) != 1:
            raise ValueError(f"{self.action} needs exactly one of {' or '.join(sorted(one_of))}")
        extra = sorted(given - needed - one_of - optional)
        if extra:
            raise ValueError(f"{self.action} does not take {', '.join(extra)}")
        if self.until is not None and self.year is not None and self.until < self.year:
            raise ValueError(f"until {self.until} is before year {self.year}")
        return self


class Targets(Strict):
    """A stage's targets from the plan (主要指标), each time-varying: indicators.csv says met or not."""

    ger: Rate | None = None  # type: ignore[valid-type]
    """Gross enrolment ratio to reach (入园率 / 毛入学率): pupils with a place over the school-age population."""
    public_share: Share | None = None  # type: ignore[valid-type]
    """Share of pupils in public places to reach (公办率)."""
    inclusive_share: Share | None = None  # type: ignore[valid-type]
    """Share of pupils in inclusive places, public or private inclusive, to reach (普惠率)."""
    general_share: Share | None = None  # type: ignore[valid-type]
    """senior_general only: general share of senior secondary pupils to reach (普职比 6:4 is 0.6)."""
    max_oversized_class_share: Share | None = None  # type: ignore[valid-type]
    """Largest share of classes in oversized schools (大班额比例); 0 for none."""
    max_school_size: Positive | None = None  # type: ignore[valid-type]
    """Most pupils a school may have (e.g. 3000 for senior secondary)."""


class Plan(Strict):
    """What ``placeplan plan`` may choose: standard sizes, sites, lead time, budgets (docs/methods.md)."""

    sizes: dict[str, tuple[int, ...]] = {}
    """Classes of the standard school sizes by stage; defaults kindergarten 6/9/12, primary and junior
    24/36/48, senior 36/48/60."""
    sites: Table | None = None
    """Table ``district, stage, most[, land_cost, name]``: where new schools may go and how many;
    without it one school site per planning area and stage, without limit."""
    lead_time: int = Field(2, ge=0, le=20)
    """Years from the base year before anything chosen takes effect."""
    budget: float | None = Field(None, ge=0)
    """Most capital spending over all years."""
    budget_per_year: float | None = Field(None, ge=0)
    """Most capital spending in any one year."""
    penalty_per_pupil_year: float | None = Field(None, gt=0)
    """Cost given to each pupil-year without a public place; default the highest cost per place of any
    stage, so that building a place is worth it for a shortage of a year or more."""
    neighbour_share: float = Field(0.0, ge=0, le=1)
    """Most share of an area's pupils choosing public schools the plan may place in spare public places of
    neighbouring areas (boundaries touching), at the stage's ``transport_cost_per_pupil_year``; 0: none."""
    time_limit: float = Field(300.0, gt=0)
    """Seconds the solver may take."""
    optimality_gap: float = Field(PROVEN, ge=0, le=0.5)
    """Relative gap at which the solver may stop: the default, a billionth, proves the plan optimal to the
    precision of the arithmetic; 0.001 is within 0.1%."""
