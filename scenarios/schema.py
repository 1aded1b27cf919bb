"""The scenario schema: every key a scenario file may hold, strictly (unknown keys are errors).

Table values are file paths (already made absolute by :mod:`.load`); the
tables themselves are checked by :mod:`.tables` and :mod:`.inputs`. The keys
of policy (actions, targets, the build plan) are in :mod:`.schema_policy`.
"""

from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, Field, PlainValidator, WithJsonSchema, model_validator

from . import params
from .params import Param
from .schema_policy import Action, Plan, Targets
from .schema_types import Positive, Rate, SexRatio, Share, Strict, Table


class Fertility(Strict):
    """Age-specific fertility, from a TFR path and an age shape, or as rates."""

    tfr: Rate | None = None  # type: ignore[valid-type]
    """Total fertility rate (children per woman), time-varying and per district."""
    shape: Table | None = None
    """Table ``age, weight`` for ages 15..49; scaled so the rates sum to the TFR."""
    rates: Table | None = None
    """Table ``age, rate`` (optionally ``district``, ``year``) for ages 15..49, used when no TFR is given;
    with ``year``, a year without rows takes the latest earlier year's rates (the first year's before it)."""

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.rates is None and (self.tfr is None or self.shape is None):
            raise ValueError("give either tfr and shape, or rates")
        if self.rates is not None and self.tfr is not None:
            raise ValueError("give either tfr and shape, or rates, not both")
        return self


class Migration(Strict):
    """Net migration by district, sex and age."""

    table: Table
    """Table ``district, sex, age[, year], net_migrants`` (counts) or ``..., rate`` (rates)."""
    kind: Literal["count", "rate"] = "count"
    """``count``: persons per year; ``rate``: share of the aged population at t+1, per year."""
    scale: Rate = 1.0  # type: ignore[valid-type]
    """Multiplies the table (time-varying and per district), e.g. 0.5 for half the migration."""


class GrossMigration(Strict):
    """Migration as official subnational projections make it: in-migrants as counts, out-migrants as rates."""

    in_migrants: Table | None = None
    """Table ``district, sex, age[, year][, stream], persons``: people moving into each district a year
    (``stream`` ``domestic`` or ``international``; rows of both streams add up)."""
    out_rates: Table | None = None
    """Table ``district, sex, age[, year][, stream], rate``: share of the population at risk (aged on, after
    deaths) moving out of each district a year; the streams' rates add up."""
    scale: Rate = 1.0  # type: ignore[valid-type]
    """Multiplies both tables (time-varying and per district)."""
    international_scale: Rate = 1.0  # type: ignore[valid-type]
    """Multiplies the ``international`` rows on top, e.g. 0.5 for a low international migration variant."""

    @model_validator(mode="after")
    def _some(self) -> Self:
        if self.in_migrants is None and self.out_rates is None:
            raise ValueError("give in_migrants, out_rates or both")
        return self


class BySex(Strict):
    """A share given for each sex."""

    female: Param
    """For girls."""
    male: Param
    """For boys."""


def _share_by_sex(value: Any) -> Param | BySex:
    """A share, or ``{female: share, male: share}`` (each may be time-varying)."""
    if not (isinstance(value, dict) and {"female", "male"} & set(value)):
        return params.parse(value, "share")
    unknown = sorted(set(map(str, value)) - {"female", "male"})
    if unknown or len(value) != 2:
        raise ValueError(f"give both female and male{f', not {unknown[0]}' if unknown else ''}")
    return BySex(**{sex: params.parse(value[sex], "share", f"{sex}: ") for sex in ("female", "male")})


ShareBySex = Annotated[
    Param | BySex,
    PlainValidator(_share_by_sex),
    WithJsonSchema(
        {
            "anyOf": [
                params.json_schema("share"),
                {
                    "type": "object",
                    "properties": {"female": params.json_schema("share"), "male": params.json_schema("share")},
                    "required": ["female", "male"],
                    "additionalProperties": False,
                },
            ],
            "description": "a share, or {female: share, male: share}",
        }
    ),
]


class Population(Strict):
    """How the population by district, sex and single year of age is obtained."""

    method: Literal["cohort_component", "cohort_ratio", "given"] = "cohort_component"
    """``cohort_component`` (rates), ``cohort_ratio`` (births + total projection) or ``given`` (a table)."""
    base: Table
    """Table ``district, sex, age, population`` in the base year (``given``: also ``year``, every year).
    ``cohort_ratio`` accepts ``sex`` = ``total`` for sexes combined."""
    max_age: int = Field(100, ge=50, le=120)
    """The open top age group ``A`` (ages 0..A); at least 50, above the fertile ages 15..49."""
    survival: Table | None = None
    """Table ``sex, age, survival`` (optionally ``district``, ``improvement``): share surviving from age a to a+1."""
    survival_improvement: Share = 0.0  # type: ignore[valid-type]
    """Yearly fall in the probability of dying: ``S_t = 1 - (1 - S)(1 - i)^(t - t0)``; an ``improvement``
    column of the survival table gives it by sex and age instead."""
    fertility: Fertility | None = None
    """Fertility (``cohort_component`` only)."""
    sex_ratio_at_birth: SexRatio = 1.11  # type: ignore[valid-type]
    """Males born per female, 0.9..1.3 (a share of boys such as 0.512 is not a ratio)."""
    infant_survival: ShareBySex = 0.995  # type: ignore[assignment]
    """Survival from birth to the next reference date; one value, or ``{female: ..., male: ...}``."""
    births: Table | None = None
    """Table ``district, year, births``: observed or projected births, replacing the fertility model."""
    total: Table | None = None
    """Table ``district, year, population``: the total-population projection (``cohort_ratio``)."""
    migration: Migration | None = None
    """Net migration (``cohort_component``)."""
    gross_migration: GrossMigration | None = None
    """In-migrant counts and out-migration rates (``cohort_component``), added to any net migration."""
    flows: Table | None = None
    """Table ``origin, destination, sex, age[, year], persons``: moves between districts, conserving the total."""

    @model_validator(mode="after")
    def _inputs_of_method(self) -> Self:
        needs = {
            "cohort_component": ("survival", "fertility"),
            "cohort_ratio": ("births", "total"),
            "given": (),
        }[self.method]
        missing = [key for key in needs if getattr(self, key) is None]
        if missing:
            raise ValueError(f"method {self.method} needs {' and '.join(missing)}")
        return self


class Development(Strict):
    """A housing development: its residents arrive as net migrants."""

    district: str
    """District code."""
    dwellings: float = Field(gt=0)
    """Number of dwellings."""
    persons_per_dwelling: float = Field(3.0, gt=0)
    """Average household size."""
    completion_year: int
    """Year the first residents are counted."""
    occupancy_years: int = Field(3, ge=1)
    """Years over which residents move in, in equal shares."""


class Housing(Strict):
    """New housing estates and who moves into them."""

    age_profile: Table
    """Table ``age, share`` (optionally ``sex``) of new residents' ages; shares sum to 1."""
    developments: dict[str, Development] = {}
    """Developments by name."""


class Progression(Strict):
    """Enrolment from the office's own records by grade progression, instead of from the population."""

    history: Table
    """Table ``district, grade, year, pupils`` (with ``school`` for school records): enrolment by grade
    (1 = entry grade) for past years."""
    entry_age: int | None = Field(None, ge=0)
    """Age at entry: entrants are births this many years earlier; defaults to the stage's first age."""
    estimator: Literal["auto", "mean", "weights", "smoothing", "trend"] = "auto"
    """How ratios are estimated from past years: ``auto`` (the default) chooses from the past alone and
    combines the best three; or plain mean, given weights, exponential smoothing, linear trend."""
    years: int | None = Field(None, ge=1)
    """Past years the mean, trend or smoothing uses (default 3)."""
    weights: tuple[float, ...] | None = None
    """Weights of the last years, oldest first (``estimator: weights``)."""
    alpha: float = Field(0.5, gt=0, le=1)
    """Smoothing constant (``estimator: smoothing``): the weight of the latest year."""
    anomalous_years: tuple[int, ...] = Field((), validation_alias=AliasChoices("anomalous_years", "exclude_years"))
    """Shock years (a pandemic year): no ratio from them, never a starting point, scored apart in backtests.
    ``exclude_years`` is the old name."""
    shrinkage: float | None = Field(None, ge=0)
    """School records: pupils' worth of weight given to the district's ratios, pulling small schools toward
    them (``auto`` chooses 10, 30 or 100; a fixed estimator uses 30)."""
    reconcile: Literal["auto", "top_down", "bottom_up"] = "auto"
    """School records: district totals forecast from the district records and shared among the schools
    (``top_down``), or the schools' forecasts summed (``bottom_up``); ``auto`` chooses from the past alone."""

    @model_validator(mode="after")
    def _weights(self) -> Self:
        if (self.estimator == "weights") != (self.weights is not None):
            raise ValueError("give weights with estimator: weights, and only then")
        if self.estimator == "auto" and (self.years is not None or self.shrinkage is not None):
            raise ValueError("estimator auto chooses years and shrinkage itself; give an estimator to fix them")
        return self


class Stage(Strict):
    """A school stage: ages, enrolment, public shares and standards."""

    ages: tuple[int, int] | None = None
    """First and last age ``[lo, hi]``; defaults for the Chinese stages (preschool 3-5, primary 6-11, ...)."""
    gross_enrolment: Rate | None = None  # type: ignore[valid-type]
    """Gross enrolment ratio; 1.0 by default for primary and junior (compulsory)."""
    migrant_share: Share = 0.0  # type: ignore[valid-type]
    """Share of pupils who are migrant children (随迁子女)."""
    public_share: Share | None = None  # type: ignore[valid-type]
    """Share of all pupils in public schools (or give the two below)."""
    public_share_local: Share | None = None  # type: ignore[valid-type]
    """Share of local pupils in public schools."""
    public_share_migrant: Share | None = None  # type: ignore[valid-type]
    """Share of migrant pupils in public schools."""
    inclusive_share: Share | None = None  # type: ignore[valid-type]
    """Share of pupils to be in inclusive (普惠) places: public, or private marked inclusive."""
    class_size: Positive | None = None  # type: ignore[valid-type]
    """Standard class size (pupils per class); defaults 30, 45, 50, 50, 50."""
    pupil_teacher_ratio: Positive | None = None  # type: ignore[valid-type]
    """Pupils per full-time teacher; defaults 15, 19, 13.5, 12.5, 20."""
    cost_per_place: Rate = 0.0  # type: ignore[valid-type]
    """Capital cost of one new public place (built or added), in the scenario's currency."""
    cost_per_class: Rate = 0.0  # type: ignore[valid-type]
    """Capital cost of one new class (classroom), added to the cost per place."""
    conversion_cost_per_place: Rate = 0.0  # type: ignore[valid-type]
    """Capital cost of converting one private place to public (民转公), in the year of conversion."""
    price_per_bought_place: Rate = 0.0  # type: ignore[valid-type]
    """Price of one place bought from a private school (购买学位), per year bought."""
    transport_cost_per_pupil_year: Rate = 0.0  # type: ignore[valid-type]
    """Yearly cost of placing a pupil in a neighbouring area's school (transport, boarding)."""
    salary: Rate = 0.0  # type: ignore[valid-type]
    """Yearly cost of one public teacher (salary and on-costs); recurrent cost of the teachers needed."""
    teachers_per_class: Positive | None = None  # type: ignore[valid-type]
    """Class-based staffing standard (teachers per class, for small rural schools); none by default."""
    max_class_size: Positive | None = None  # type: ignore[valid-type]
    """Largest mean class size before a school's classes count as oversized (大班额); defaults
    preschool 30, primary 45, junior 50, senior 50."""
    area: str = "district"
    """Planning area: ``district``, or a column of the district table grouping districts."""
    progression: Progression | None = None
    """Enrolment by grade progression from past records (then ``gross_enrolment`` is not used)."""

    @model_validator(mode="after")
    def _public_shares(self) -> Self:
        split = (self.public_share_local, self.public_share_migrant)
        if self.public_share is not None and any(s is not None for s in split):
            raise ValueError("give public_share, or public_share_local and public_share_migrant, not both")
        if self.public_share is None and None in split:
            raise ValueError("give public_share, or both public_share_local and public_share_migrant")
        if self.ages is not None and not 0 <= self.ages[0] <= self.ages[1]:
            raise ValueError(f"ages {list(self.ages)} must be [lo, hi] with 0 <= lo <= hi")
        return self


class Uncertainty(Strict):
    """What an ensemble (``placeplan run --draws N``) perturbs, draw by draw (docs/methods.md)."""

    tfr: float = Field(0.0, ge=0, le=1)
    """Standard deviation of the log of a TFR multiplier drawn once per draw for the whole path."""
    migration_scale: float = Field(0.0, ge=0, le=2)
    """Standard deviation of a net-migration multiplier around 1 (negative draws are set to 0)."""
    housing_delivery: float = Field(0.0, ge=0, le=2)
    """Standard deviation of a multiplier of the dwellings delivered, around 1 (negative draws are set to 0)."""
    housing_delay: int = Field(0, ge=0, le=10)
    """Largest delay in years of every development's completion; each draw delays by 0..N years, equally likely."""


class Titles(Strict):
    """A title in each language of the pictures and reports."""

    en: str
    """In English."""
    zh: str
    """In Chinese."""


class Scenario(Strict):
    """A scenario file after ``extends:`` and ``options:`` are merged."""

    name: str
    """Short name, used for the results folder; defaults to the file name (not inherited)."""
    title: str | Titles | None = None
    """Title for maps and reports: one text, or ``{en: ..., zh: ...}`` so each language has its own."""
    base_year: int
    """Year of the base population ``t0``."""
    end_year: int
    """Last year projected."""
    currency: str = "CNY"
    """Currency of every cost and price."""
    districts: Table
    """Table ``code, name[, name_en]`` plus any grouping columns used as planning areas."""
    boundaries: str | None = None
    """District boundaries (GeoJSON, GeoPackage or shapefile) with a ``code`` property."""
    population: Population
    """How the population is obtained."""
    housing: Housing | None = None
    """Housing developments."""
    stages: dict[str, Stage] = {}
    """School stages by name; none for a population-only run."""
    schools: Table | None = None
    """Table ``id, name, district, stage, sector, classes[, places, pupils, inclusive, opens, closes, teachers,
    max_classes, boarding_places, lon, lat, convertible]``."""
    actions: dict[str, Action] = {}
    """Capacity actions by name, so an option can add, change or remove (``null``) one."""
    targets: dict[str, Targets] = {}
    """The plan's targets by stage name."""
    plan: Plan = Plan()
    """What ``placeplan plan`` may choose."""
    uncertainty: Uncertainty = Uncertainty()
    """Inputs perturbed in ensembles."""
    options: tuple[str, ...] = ()
    """Named overrides applied (filled in by the loader)."""

    @model_validator(mode="after")
    def _years(self) -> Self:
        if not self.base_year < self.end_year <= self.base_year + 100:
            raise ValueError(f"end_year {self.end_year} must be after base_year {self.base_year}, within 100 years")
        if self.stages and self.schools is None:
            raise ValueError("schools: missing; a scenario with stages needs its schools table")
        return self
