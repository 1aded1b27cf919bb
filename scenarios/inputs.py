"""Turn a loaded scenario and its tables into checked arrays for the engine.

Array axis order follows :mod:`placeplan.models`: ``[year, district, sex, age]``.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .boundaries import read_boundaries
from .capacity import Lines, check_purchases, read_capacity
from .cells import SEX_CODES, age_column, param, sex_column
from .demography import Development, PopulationInputs, read_population
from .errors import ScenarioError
from .loading import Loaded, shown
from .plausible import unlikely
from .progression import ProgressionInputs, read_progression
from .schema import Scenario, Stage
from .shares import read_shares
from .sites import SiteRow, read_sites
from .tables import Table, index_of

Array = NDArray[np.float64]
DEFAULT_STAGES: dict[str, dict[str, Any]] = {
    "preschool": {"ages": (3, 5), "class_size": 30.0, "pupil_teacher_ratio": 15.0, "max_class_size": 30.0},
    "primary": {
        "ages": (6, 11),
        "class_size": 45.0,
        "pupil_teacher_ratio": 19.0,
        "gross_enrolment": 1.0,
        "max_class_size": 45.0,
    },
    "junior": {
        "ages": (12, 14),
        "class_size": 50.0,
        "pupil_teacher_ratio": 13.5,
        "gross_enrolment": 1.0,
        "max_class_size": 50.0,
    },
    "senior_general": {"ages": (15, 17), "class_size": 50.0, "pupil_teacher_ratio": 12.5, "max_class_size": 50.0},
    "senior_vocational": {"ages": (15, 17), "class_size": 50.0, "pupil_teacher_ratio": 20.0, "max_class_size": 50.0},
}
"""The Chinese stages and their national standards, used where a stage leaves a key out.

``max_class_size`` is the oversized-class (大班额) limit: the primary and
secondary standards, and for kindergartens 30, the middle of the 25 / 30 / 35
of the youngest, middle and oldest groups."""
RATES = (
    "gross_enrolment",
    "migrant_share",
    "public_share_local",
    "public_share_migrant",
    "inclusive_share",
    "class_size",
    "pupil_teacher_ratio",
    "teachers_per_class",
    "max_class_size",
    "cost_per_place",
    "cost_per_class",
    "conversion_cost_per_place",
    "price_per_bought_place",
    "transport_cost_per_pupil_year",
    "salary",
)
"""A stage's parameters ``[year, district]``."""
FAR = 20
"""Years before the base year or after the end year an action or development may still be dated."""
STANDARDS = (
    "class_size",
    "pupil_teacher_ratio",
    "teachers_per_class",
    "cost_per_place",
    "cost_per_class",
    "conversion_cost_per_place",
    "price_per_bought_place",
    "transport_cost_per_pupil_year",
    "salary",
)
"""Standards a stage planned by groups of districts takes one value of per area."""


@dataclass
class Districts:
    """The district table: codes, names and grouping columns."""

    codes: list[str]
    names: list[str]
    names_en: list[str]
    frame: pd.DataFrame


@dataclass
class StageInputs:
    """One stage's ages, rates ``[year, district]`` and planning areas."""

    name: str
    lo: int
    hi: int
    gross_enrolment: Array
    migrant_share: Array
    public_share_local: Array
    public_share_migrant: Array
    inclusive_share: Array | None
    class_size: Array
    pupil_teacher_ratio: Array
    teachers_per_class: Array | None
    max_class_size: Array
    cost_per_place: Array
    cost_per_class: Array
    conversion_cost_per_place: Array
    price_per_bought_place: Array
    transport_cost_per_pupil_year: Array
    salary: Array
    area_of: list[str]
    """Planning-area code of each district."""
    area_names: dict[str, str]
    area_names_en: dict[str, str]
    capacity: dict[str, Array] | None = None
    """Capacity figures ``[year, district]`` when already computed (ensemble chunks)."""
    progression: ProgressionInputs | None = None
    """Records for enrolment by grade progression, when the stage uses it."""
    shares: list[tuple[str, str, int, int, float]] = field(default_factory=list)
    """Pupils placed in neighbouring areas: (from area, to area, first year, last year, pupils a year)."""
    targets: dict[str, Array] = field(default_factory=dict)
    """The stage's targets ``[year]`` by name (``ger``, ``public_share``, ..., ``max_school_size``)."""

    @cached_property
    def areas(self) -> list[str]:
        """The stage's planning areas, in the order of their first district."""
        return list(dict.fromkeys(self.area_of))

    @cached_property
    def area_index(self) -> NDArray[np.intp]:
        """Each district's planning area, as its position in :attr:`areas`."""
        return index_of(self.area_of, self.areas)

    @cached_property
    def first_districts(self) -> NDArray[np.intp]:
        """The first district of each planning area (where the area's standards are read)."""
        first: dict[str, int] = {}
        for district, area in enumerate(self.area_of):
            first.setdefault(area, district)
        return np.array(list(first.values()), dtype=np.intp)


@dataclass
class Inputs:
    """A scenario ready to run."""

    loaded: Loaded
    years: NDArray[np.int64]
    districts: Districts
    population: PopulationInputs
    stages: list[StageInputs]
    lines: Lines
    boundaries: dict[str, Any] = field(default_factory=dict)
    """Each district's shape (shapely), by code; empty without boundaries."""
    sites: list[SiteRow] = field(default_factory=list)
    """Where ``placeplan plan`` may build (``plan: sites``)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario


def read_districts(loaded: Loaded) -> Districts:
    """The district table, with unique, non-blank codes."""
    table = Table.read(loaded.scenario.districts, "districts", label="code", columns=("code", "name", "name_en"))
    table.require("code", "name")
    codes = table.text("code")
    blank = codes == ""
    if blank.any():
        raise ScenarioError(f"{table.where(int(np.argmax(blank)))}: code is blank; every district needs a code")
    table.unique("code")
    names = [str(name) for name in table.text("name")]
    names_en = [str(name) for name in table.text("name_en")] if "name_en" in table.frame else names
    return Districts([str(code) for code in codes], names, names_en, table.frame.set_index("code"))


def read_developments(
    loaded: Loaded, years: NDArray[np.int64], codes: list[str], top: int, sexes: int
) -> tuple[dict[str, Development], dict[str, float]]:
    """Net migrants of each housing development (in its district), and its dwellings."""
    from ..models.housing import development_migrants

    housing = loaded.scenario.housing
    if housing is None:
        return {}, {}
    profile = _age_profile(housing.age_profile, top, sexes)  # checked even if only the options add developments
    migrants, dwellings = {}, {}
    for name, dev in housing.developments.items():
        if dev.district not in codes:
            raise ScenarioError(
                f"{loaded.where('housing', 'developments', name, 'district')}: {dev.district!r} "
                "is not a district code of the scenario"
            )
        earliest, latest = int(years[0]) - FAR, int(years[-1]) + FAR
        if not earliest <= dev.completion_year <= latest:
            raise ScenarioError(
                f"{loaded.where('housing', 'developments', name, 'completion_year')}: {dev.completion_year} is far "
                f"outside the run {years[0]}-{years[-1]}; give a year from {earliest} to {latest} (residents of "
                "earlier estates are in the base population)"
            )
        residents = dev.dwellings * dev.persons_per_dwelling
        arriving = development_migrants(
            residents, profile, dev.completion_year - int(years[0]), dev.occupancy_years, len(years)
        )
        migrants[name], dwellings[name] = Development(codes.index(dev.district), arriving), dev.dwellings
    return migrants, dwellings


def _age_profile(path: str, top: int, sexes: int) -> Array:
    """Shares of a development's residents by sex and age ``[sex, age]`` (summing to 1)."""
    table = Table.read(path, "housing.age_profile", columns=("sex", "age", "share"))
    table.require("age", "share")
    by_sex = "sex" in table.frame
    table.unique(*(["sex"] if by_sex else []), "age")
    age, share = age_column(table, top), table.numbers("share", "share")
    profile = np.zeros((2, top + 1))
    if by_sex:
        profile[sex_column(table, SEX_CODES), age] = share
    else:
        profile[:, age] = share / 2
    if abs(profile.sum() - 1) > 1e-6:
        raise ScenarioError(f"{shown(path)}: shares sum to {profile.sum():.6g}; they must sum to 1")
    return profile.sum(axis=0, keepdims=True) if sexes == 1 else profile


def read_stage(
    loaded: Loaded, name: str, stage: Stage, years: NDArray[np.int64], districts: Districts, top: int
) -> StageInputs:
    """One stage's parameters ``[year, district]`` with the Chinese defaults filled in."""
    codes = districts.codes
    defaults = DEFAULT_STAGES.get(name, {})

    def value(key: str, kind_default: Any = None) -> Array:
        given = getattr(stage, key)
        if given is None:
            fallback = defaults.get(key, kind_default)
            if fallback is None:
                raise ScenarioError(f"{loaded.where('stages', name, key)}: missing; stage {name} has no default for it")
            return np.full((len(years), len(codes)), float(fallback))
        return param(loaded, given, ("stages", name, key), years, codes)

    ages = stage.ages or defaults.get("ages")
    if ages is None:
        raise ScenarioError(f"{loaded.where('stages', name, 'ages')}: missing; give [lo, hi] for stage {name}")
    if ages[1] > top:
        raise ScenarioError(f"{loaded.where('stages', name, 'ages')}: {list(ages)} goes past max_age {top}")
    shared = stage.public_share
    area_of, area_names, area_names_en = _areas(loaded, name, stage.area, districts)
    if stage.area != "district":
        for key in STANDARDS:
            given = getattr(stage, key)
            if given is not None and given.by_district:
                raise ScenarioError(
                    f"{loaded.where('stages', name, key)}: by_district is not allowed when the stage is planned by "
                    f"{stage.area}; give one value for all its areas"
                )
    return StageInputs(
        name=name,
        lo=int(ages[0]),
        hi=int(ages[1]),
        gross_enrolment=value("gross_enrolment", 1.0 if stage.progression else None),
        migrant_share=value("migrant_share"),
        public_share_local=value("public_share" if shared is not None else "public_share_local"),
        public_share_migrant=value("public_share" if shared is not None else "public_share_migrant"),
        inclusive_share=None if stage.inclusive_share is None else value("inclusive_share"),
        class_size=value("class_size"),
        pupil_teacher_ratio=value("pupil_teacher_ratio"),
        teachers_per_class=None if stage.teachers_per_class is None else value("teachers_per_class"),
        max_class_size=value("max_class_size", 50.0),
        cost_per_place=value("cost_per_place"),
        cost_per_class=value("cost_per_class"),
        conversion_cost_per_place=value("conversion_cost_per_place"),
        price_per_bought_place=value("price_per_bought_place"),
        transport_cost_per_pupil_year=value("transport_cost_per_pupil_year"),
        salary=value("salary"),
        area_of=area_of,
        area_names=area_names,
        area_names_en=area_names_en,
        progression=None
        if stage.progression is None
        else read_progression(loaded, name, stage, (int(ages[0]), int(ages[1])), codes),
        targets=_targets(loaded, name, years),
    )


def _targets(loaded: Loaded, stage: str, years: NDArray[np.int64]) -> dict[str, Array]:
    """The stage's targets ``[year]``; one value for the whole scenario, so no ``by_district``."""
    spec = loaded.scenario.targets.get(stage)
    if spec is None:
        return {}
    out = {}
    for key in type(spec).model_fields:
        value = getattr(spec, key)
        if value is None:
            continue
        if key == "general_share" and stage != "senior_general":
            raise ScenarioError(
                f"{loaded.where('targets', stage, key)}: only senior_general has a general share "
                "(of senior_general + senior_vocational pupils)"
            )
        if value.by_district:
            raise ScenarioError(
                f"{loaded.where('targets', stage, key)}: by_district is not allowed; a target is one path for the plan"
            )
        out[key] = value.at(years)
    return out


def _areas(
    loaded: Loaded, stage: str, column: str, districts: Districts
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Area of each district, and area names in Chinese and English (``COLUMN_name``, ``COLUMN_name_en``)."""
    if column == "district":
        codes = districts.codes
        return (
            list(codes),
            dict(zip(codes, districts.names, strict=True)),
            dict(zip(codes, districts.names_en, strict=True)),
        )
    frame = districts.frame
    if column not in frame:
        allowed = ", ".join(
            [
                "district",
                *(c for c in frame.columns if not c.startswith("name") and not c.endswith(("_name", "_name_en"))),
            ]
        )
        raise ScenarioError(
            f"{loaded.where('stages', stage, 'area')}: {column!r} is not a column of the district table; "
            f"allowed: {allowed}"
        )
    area_of = [str(v) for v in frame[column]]
    if "" in area_of:
        raise ScenarioError(
            f"{shown(loaded.scenario.districts)}: district {frame.index[area_of.index('')]} has a blank {column}"
        )
    for area in dict.fromkeys(area_of):
        members = [code for code, a in zip(districts.codes, area_of, strict=True) if a == area]
        if area in districts.codes and members != [area]:
            raise ScenarioError(
                f"{shown(loaded.scenario.districts)}: {column} {area} groups districts {', '.join(members)} but is "
                f"also the code of district {area}; a planning area may share a code only with its one district"
            )

    def names(suffix: str, fallback: dict[str, str] | None = None) -> dict[str, str]:
        key = f"{column}_{suffix}"
        if key not in frame:
            return fallback or {area: area for area in area_of}
        return {area: str(frame[key].iloc[i]) for i, area in enumerate(area_of)}

    chinese = names("name")
    return area_of, chinese, names("name_en", chinese)


def read_inputs(loaded: Loaded) -> Inputs:
    """Read and check every table of a scenario."""
    scenario = loaded.scenario
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    districts = read_districts(loaded)
    population = read_population(loaded, years, districts.codes)
    top = scenario.population.max_age
    population.developments, population.dwellings = read_developments(
        loaded, years, districts.codes, top, len(population.sexes)
    )
    if population.developments and scenario.population.method != "cohort_component":
        raise ScenarioError(
            f"{loaded.where('housing')}: housing developments need population method cohort_component, "
            f"not {scenario.population.method}"
        )
    for name in scenario.targets:
        if name not in scenario.stages:
            raise ScenarioError(f"{loaded.where('targets', name)}: not a stage; stages: {', '.join(scenario.stages)}")
    stages = [read_stage(loaded, name, stage, years, districts, top) for name, stage in scenario.stages.items()]
    read_shares(loaded, stages)
    names, warnings = [stage.name for stage in stages], list[str]()
    lines = read_capacity(loaded, districts.codes, names, warnings)
    check_purchases(loaded, lines, {stage.name: stage.class_size for stage in stages}, districts.codes, years)
    inputs = Inputs(loaded, years, districts, population, stages, lines, warnings=warnings)
    inputs.sites = read_sites(loaded, districts.codes, names, inputs.warnings)
    inputs.boundaries = read_boundaries(loaded, districts, inputs.warnings)
    inputs.warnings += unlikely(loaded, stages, population.fertility)
    return inputs
