"""Turn a loaded scenario and its tables into checked arrays for the engine.

Array axis order follows :mod:`placeplan.models`: ``[year, district, sex, age]``.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..models import SEXES
from ..models.population import Flows
from .boundaries import read_boundaries
from .capacity import Lines, check_purchases, read_capacity
from .errors import ScenarioError
from .loading import Loaded, shown
from .params import Param
from .progression import ProgressionInputs, read_progression
from .schema import BySex, Population, Scenario, Stage
from .shares import read_shares
from .sites import SiteRow, read_sites
from .tables import Table, index_of

Array = NDArray[np.float64]
SEX_CODES = {"female": 0, "male": 1, "f": 0, "m": 1, "女": 0, "男": 1}
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


@dataclass
class PopulationInputs:
    """Everything the population method needs, as arrays."""

    method: str
    sexes: list[str]
    base: Array
    """``[district, sex, age]`` (``given``: ``[year, district, sex, age]``)."""
    survival: Array | None = None
    """``[year, district, sex, age]``."""
    fertility: Array | None = None
    """``[year, district, 35]``."""
    sex_ratio_at_birth: Array | None = None
    infant_survival: Array | None = None
    """``[year, district, sex]``."""
    births: Array | None = None
    """``[year, district]``, NaN where not given."""
    total: Array | None = None
    migration: Array | None = None
    """Net migrants ``[year, district, sex, age]`` (counts) or rates."""
    migration_is_rate: bool = False
    flows: Flows | None = None
    """Moves between districts, origin to destination (they conserve the total)."""
    developments: dict[str, Array] = field(default_factory=dict)
    """Net migrants of each housing development ``[year, district, sex, age]``."""
    dwellings: dict[str, float] = field(default_factory=dict)


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


def _param(loaded: Loaded, value: Param, keys: tuple[str, ...], years: NDArray[np.int64], codes: list[str]) -> Array:
    unknown = sorted(value.districts() - set(codes))
    if unknown:
        raise ScenarioError(f"{loaded.where(*keys)}.by_district: {unknown[0]!r} is not a district code of the scenario")
    return value.values(years, codes)


def _by_sex(
    loaded: Loaded, value: Param | BySex, keys: tuple[str, ...], years: NDArray[np.int64], codes: list[str]
) -> Array:
    """A parameter that may be given by sex, as ``[year, district, sex]``."""
    if isinstance(value, BySex):
        return np.stack([_param(loaded, getattr(value, sex), keys, years, codes) for sex in SEXES], axis=-1)
    return np.repeat(_param(loaded, value, keys, years, codes)[..., None], 2, axis=-1)


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


def _ages(table: Table, top: int, column: str = "age", lo: int = 0) -> NDArray[np.intp]:
    ages = table.numbers(column, "whole")
    outside = (ages < lo) | (ages > top)
    if outside.any():
        row = int(np.argmax(outside))
        raise ScenarioError(f"{table.where(row)}: age {ages[row]:g} is outside {lo}..{top}; ages run {lo} to {top}")
    return ages.astype(np.intp)


def _sexes(table: Table, allowed: dict[str, int]) -> NDArray[np.intp]:
    values = np.char.lower(table.text("sex"))
    bad = ~np.isin(values, list(allowed))
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{table.where(row)}: sex {str(values[row])!r} is not one of {', '.join(allowed)}")
    return np.array([allowed[v] for v in values], dtype=np.intp)


def _year_rows(table: Table, years: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Year index of each row and which rows fall in the projection."""
    year = table.numbers("year", "year").astype(np.int64)
    return (year - years[0]).astype(np.intp), (year >= years[0]) & (year <= years[-1])


def _by_district_sex_age(
    loaded: Loaded,
    key: str,
    spec: str,
    columns: tuple[str, ...],
    years: NDArray[np.int64],
    codes: list[str],
    top: int,
    complete: bool = False,
) -> tuple[Table, Array, list[str]]:
    """Read a ``district, sex, age[, year], value`` table into ``[(year,) district, sex, age]``.

    ``complete``: every district, sex and age must have a row (a one-year table).
    """
    table = Table.read(spec, key, columns=("district", "sex", "age", "year", *columns))
    value_column = next((c for c in columns if c in table.frame), columns[0])
    table.require("district", "sex", "age", value_column)
    with_total = key == "population.base" and loaded.scenario.population.method == "cohort_ratio"
    sexes = {**SEX_CODES, "total": 0} if with_total else SEX_CODES
    district = index_of(table.codes("district", codes), codes)
    sex = _sexes(table, sexes)
    raw_sex = set(np.char.lower(table.text("sex")))
    if with_total and "total" in raw_sex and raw_sex - {"total"}:
        raise ScenarioError(f"{shown(spec)}: mixes sex 'total' with female/male rows; use one or the other")
    names = ["total"] if "total" in raw_sex else ["female", "male"]
    age = _ages(table, top)
    check = "count" if value_column == "population" else "number"
    values = table.numbers(value_column, check)
    timed = "year" in table.frame
    table.unique("district", "sex", "age", *(["year"] if timed else []))
    shape = (len(codes), len(names), top + 1)
    if not timed:
        out = np.zeros(shape)
        out[district, sex, age] = values
        if complete:
            _every_cell(spec, codes, names, top, district, sex, age)
        return table, out, names
    year, inside = _year_rows(table, years)
    out = np.zeros((len(years), *shape))
    out[year[inside], district[inside], sex[inside], age[inside]] = values[inside]
    return table, out, names


def _every_cell(
    spec: str,
    codes: list[str],
    sexes: list[str],
    top: int,
    district: NDArray[np.intp],
    sex: NDArray[np.intp],
    age: NDArray[np.intp],
) -> None:
    """Fail on the first district, sex and age without a row (its people would silently be missing)."""
    without = sorted(set(codes) - {codes[d] for d in district})
    if without:
        raise ScenarioError(f"{shown(spec)}: no population for district {', '.join(without)}")
    seen = np.zeros((len(codes), len(sexes), top + 1), dtype=bool)
    seen[district, sex, age] = True
    if not seen.all():
        d, s, a = np.argwhere(~seen)[0]
        raise ScenarioError(
            f"{shown(spec)}: no row for district {codes[d]}, sex {sexes[s]}, age {a}; every district, sex and "
            f"age 0..{top} is needed (write 0 where there is nobody)"
        )


def read_population(loaded: Loaded, years: NDArray[np.int64], codes: list[str]) -> PopulationInputs:
    """Population inputs of the scenario's method, checked and as arrays."""
    spec: Population = loaded.scenario.population
    top = spec.max_age
    table, base, sexes = _by_district_sex_age(
        loaded, "population.base", spec.base, ("population",), years, codes, top, complete=spec.method != "given"
    )
    without = sorted(set(codes) - set(table.text("district")))
    if without:
        raise ScenarioError(f"{shown(spec.base)}: no population for district {', '.join(without)}")
    inputs = PopulationInputs(spec.method, sexes, base)
    if spec.method == "given":
        if "year" not in table.frame:
            raise ScenarioError(f"{shown(spec.base)}: method given needs a year column with every year projected")
        missing = sorted(set(years) - set(table.numbers("year", "year").astype(int)))
        if missing:
            raise ScenarioError(f"{shown(spec.base)}: method given has no rows for year {', '.join(map(str, missing))}")
        return inputs
    if "year" in table.frame:
        raise ScenarioError(f"{shown(spec.base)}: has a year column; the base population is one year ({years[0]})")
    if spec.births is not None:
        inputs.births = _district_year(spec.births, "population.births", "births", years, codes)
    if spec.method == "cohort_ratio":
        assert spec.total is not None and spec.births is not None and inputs.births is not None
        inputs.total = _district_year(spec.total, "population.total", "population", years, codes, complete=True)
        missing_births = np.isnan(inputs.births[1:])
        if missing_births.any():
            t, d = np.argwhere(missing_births)[0]
            raise ScenarioError(
                f"{shown(spec.births)}: cohort_ratio needs births for district {codes[d]} in {years[t + 1]}"
            )
        return inputs
    if sexes != ["female", "male"]:
        raise ScenarioError(f"{shown(spec.base)}: cohort_component needs sex female and male, not total")
    inputs.survival = _survival(loaded, years, codes, top)
    inputs.fertility = _fertility(loaded, years, codes)
    inputs.sex_ratio_at_birth = _param(
        loaded, spec.sex_ratio_at_birth, ("population", "sex_ratio_at_birth"), years, codes
    )
    inputs.infant_survival = _by_sex(loaded, spec.infant_survival, ("population", "infant_survival"), years, codes)
    if spec.migration is not None:
        m = spec.migration
        value = "rate" if m.kind == "rate" else "net_migrants"
        _, migration, _ = _by_district_sex_age(
            loaded, "population.migration.table", m.table, (value,), years, codes, top
        )
        if migration.ndim == 3:
            migration = np.broadcast_to(migration, (len(years), *migration.shape)).copy()
        scale = _param(loaded, m.scale, ("population", "migration", "scale"), years, codes)
        inputs.migration = migration * scale[:, :, None, None]
        inputs.migration_is_rate = m.kind == "rate"
    if spec.flows is not None:
        inputs.flows = _flows(spec.flows, years, codes, top)
    return inputs


def _flows(path: str, years: NDArray[np.int64], codes: list[str], top: int) -> Flows:
    """Moves between districts as origin-destination pairs with persons ``[year, pair, sex, age]``."""
    table = Table.read(
        path, "population.flows", label="origin", columns=("origin", "destination", "sex", "age", "year", "persons")
    )
    table.require("origin", "destination", "sex", "age", "persons")
    timed = "year" in table.frame
    table.unique("origin", "destination", "sex", "age", *(["year"] if timed else []))
    origin = index_of(table.codes("origin", codes), codes)
    destination = index_of(table.codes("destination", codes), codes)
    itself = origin == destination
    if itself.any():
        row = int(np.argmax(itself))
        raise ScenarioError(f"{table.where(row)}: origin and destination are both {codes[origin[row]]}")
    sex, age, persons = _sexes(table, SEX_CODES), _ages(table, top), table.numbers("persons", "count")
    rows = len(persons)
    year, inside = _year_rows(table, years) if timed else (np.zeros(rows, np.intp), np.ones(rows, dtype=bool))
    pairs = list(dict.fromkeys(zip(origin.tolist(), destination.tolist(), strict=True)))
    pair = np.array([pairs.index(p) for p in zip(origin.tolist(), destination.tolist(), strict=True)], dtype=np.intp)
    out = np.zeros((len(years) if timed else 1, len(pairs), 2, top + 1))
    np.add.at(out, (year[inside], pair[inside], sex[inside], age[inside]), persons[inside])
    ends = np.array(pairs, dtype=np.intp).reshape(-1, 2)
    return Flows(ends[:, 0], ends[:, 1], np.broadcast_to(out, (len(years), *out.shape[1:])).copy())


def _district_year(
    spec: str, key: str, column: str, years: NDArray[np.int64], codes: list[str], complete: bool = False
) -> Array:
    """A ``district, year, value`` table as ``[year, district]``, NaN where not given."""
    table = Table.read(spec, key, columns=("district", "year", column))
    table.require("district", "year", column)
    district = index_of(table.codes("district", codes), codes)
    year, inside = _year_rows(table, years)
    values = table.numbers(column, "count")
    table.unique("district", "year")
    out = np.full((len(years), len(codes)), np.nan)
    out[year[inside], district[inside]] = values[inside]
    if complete and np.isnan(out).any():
        t, d = np.argwhere(np.isnan(out))[0]
        raise ScenarioError(f"{shown(spec)}: no {column} for district {codes[d]} in {years[t]}; every year is needed")
    return out


def _survival(loaded: Loaded, years: NDArray[np.int64], codes: list[str], top: int) -> Array:
    spec = loaded.scenario.population
    assert spec.survival is not None
    table = Table.read(spec.survival, "population.survival", columns=("district", "sex", "age", "survival"))
    table.require("sex", "age", "survival")
    by_district = "district" in table.frame
    table.unique(*(["district"] if by_district else []), "sex", "age")
    sex, age = _sexes(table, SEX_CODES), _ages(table, top)
    values = table.numbers("survival", "share")
    out = np.full((len(codes), 2, top + 1), np.nan)
    if by_district:
        out[index_of(table.codes("district", codes), codes), sex, age] = values
    else:
        out[:, sex, age] = values
    if np.isnan(out).any():
        d, s, a = np.argwhere(np.isnan(out))[0]
        where = f"district {codes[d]} " if by_district else ""
        raise ScenarioError(
            f"{shown(spec.survival)}: no survival for {where}sex {['female', 'male'][s]} age {a}; "
            f"ages 0..{top} are needed"
        )
    improvement = _param(loaded, spec.survival_improvement, ("population", "survival_improvement"), years, codes)
    from ..models.population import improved_survival

    return improved_survival(out[None], improvement[:, :, None, None], (years - years[0])[:, None, None, None])


def _fertility(loaded: Loaded, years: NDArray[np.int64], codes: list[str]) -> Array:
    spec = loaded.scenario.population.fertility
    assert spec is not None
    from ..models.population import fertility_from_tfr

    path = spec.shape if spec.shape is not None else spec.rates
    assert path is not None
    column = "weight" if spec.shape is not None else "rate"
    table = Table.read(
        path, f"population.fertility.{'shape' if spec.shape else 'rates'}", columns=("district", "age", column)
    )
    table.require("age", column)
    by_district = "district" in table.frame and spec.rates is not None
    table.unique(*(["district"] if by_district else []), "age")
    age = _ages(table, 49, lo=15) - 15
    values = table.numbers(column, "count")
    rates = np.zeros((len(codes), 35))
    if by_district:
        rates[index_of(table.codes("district", codes), codes), age] = values
    else:
        rates[:, age] = values
    if spec.tfr is None:
        return np.broadcast_to(rates, (len(years), *rates.shape)).copy()
    if rates.sum() == 0:
        raise ScenarioError(f"{shown(path)}: the weights are all zero; give the age shape of fertility for ages 15..49")
    tfr = _param(loaded, spec.tfr, ("population", "fertility", "tfr"), years, codes)
    return fertility_from_tfr(tfr, rates[0])


def read_developments(
    loaded: Loaded, years: NDArray[np.int64], codes: list[str], top: int, sexes: int
) -> tuple[dict[str, Array], dict[str, float]]:
    """Net migrants ``[year, district, sex, age]`` of each housing development, and its dwellings."""
    from ..models.housing import development_migrants

    housing = loaded.scenario.housing
    if housing is None or not housing.developments:
        return {}, {}
    table = Table.read(housing.age_profile, "housing.age_profile", columns=("sex", "age", "share"))
    table.require("age", "share")
    by_sex = "sex" in table.frame
    table.unique(*(["sex"] if by_sex else []), "age")
    age, share = _ages(table, top), table.numbers("share", "share")
    profile = np.zeros((2, top + 1))
    if by_sex:
        profile[_sexes(table, SEX_CODES), age] = share
    else:
        profile[:, age] = share / 2
    if abs(profile.sum() - 1) > 1e-6:
        raise ScenarioError(f"{shown(housing.age_profile)}: shares sum to {profile.sum():.6g}; they must sum to 1")
    if sexes == 1:
        profile = profile.sum(axis=0, keepdims=True)
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
        out = np.zeros((len(years), len(codes), *profile.shape))
        residents = dev.dwellings * dev.persons_per_dwelling
        out[:, codes.index(dev.district)] = development_migrants(
            residents, profile, dev.completion_year - int(years[0]), dev.occupancy_years, len(years)
        )
        migrants[name], dwellings[name] = out, dev.dwellings
    return migrants, dwellings


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
        return _param(loaded, given, ("stages", name, key), years, codes)

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
    lines = read_capacity(loaded, districts.codes, [stage.name for stage in stages])
    check_purchases(loaded, lines, {stage.name: stage.class_size for stage in stages}, districts.codes, years)
    inputs = Inputs(loaded, years, districts, population, stages, lines)
    inputs.sites = read_sites(loaded, districts.codes, [stage.name for stage in stages])
    inputs.boundaries = read_boundaries(loaded, districts, inputs.warnings)
    return inputs
