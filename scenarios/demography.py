"""The population inputs of a scenario: base population, survival, fertility, births, migration and flows."""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..models import SEXES
from ..models.population import Flows
from .cells import SEX_CODES, age_column, by_sex, param, sex_column, year_rows
from .errors import ScenarioError
from .loading import Loaded, shown
from .schema import Population
from .tables import Table, index_of

Array = NDArray[np.float64]


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
    """Net migrants ``[year, district, sex, age]`` (counts): net counts plus gross in-migrants."""
    migration_rate: Array | None = None
    """Net migrants per person at risk ``[year, district, sex, age]``: net rates minus gross out-rates."""
    flows: Flows | None = None
    """Moves between districts, origin to destination (they conserve the total)."""
    developments: dict[str, "Development"] = field(default_factory=dict)
    """Each housing development's net migrants, in its district."""
    dwellings: dict[str, float] = field(default_factory=dict)

    def housing(self, n_years: int) -> Array:
        """Every development's net migrants ``[year, district, sex, age]``, in their districts."""
        planned = np.zeros((n_years, *self.base.shape))
        for development in self.developments.values():
            planned[:, development.district] += development.migrants
        return planned


@dataclass(frozen=True)
class Development:
    """A housing development's net migrants ``[year, sex, age]``, all in one district (an index)."""

    district: int
    migrants: Array


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
    inputs.sex_ratio_at_birth = param(
        loaded, spec.sex_ratio_at_birth, ("population", "sex_ratio_at_birth"), years, codes
    )
    inputs.infant_survival = by_sex(loaded, spec.infant_survival, ("population", "infant_survival"), years, codes)
    if spec.migration is not None:
        m = spec.migration
        value = "rate" if m.kind == "rate" else "net_migrants"
        _, migration, _ = _by_district_sex_age(
            loaded, "population.migration.table", m.table, (value,), years, codes, top
        )
        if migration.ndim == 3:
            migration = np.broadcast_to(migration, (len(years), *migration.shape)).copy()
        scale = param(loaded, m.scale, ("population", "migration", "scale"), years, codes)
        if m.kind == "rate":
            inputs.migration_rate = migration * scale[:, :, None, None]
        else:
            inputs.migration = migration * scale[:, :, None, None]
    if spec.gross_migration is not None:
        in_migrants, out_rates = _gross_migration(loaded, years, codes, top)
        inputs.migration = in_migrants if inputs.migration is None else inputs.migration + in_migrants
        inputs.migration_rate = -out_rates if inputs.migration_rate is None else inputs.migration_rate - out_rates
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
    sex, age, persons = sex_column(table, SEX_CODES), age_column(table, top), table.numbers("persons", "count")
    rows = len(persons)
    year, inside = year_rows(table, years) if timed else (np.zeros(rows, np.intp), np.ones(rows, dtype=bool))
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
    year, inside = year_rows(table, years)
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
    table = Table.read(
        spec.survival, "population.survival", columns=("district", "sex", "age", "survival", "improvement")
    )
    table.require("sex", "age", "survival")
    by_district = "district" in table.frame
    table.unique(*(["district"] if by_district else []), "sex", "age")
    sex, age = sex_column(table, SEX_CODES), age_column(table, top)
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
    from ..models.population import improved_survival

    improvement = param(loaded, spec.survival_improvement, ("population", "survival_improvement"), years, codes)
    if "improvement" in table.frame:
        if improvement.any():
            raise ScenarioError(
                f"{loaded.where('population', 'survival_improvement')}: the survival table has an improvement "
                "column; give one or the other"
            )
        by_age = np.zeros(out.shape)
        rows = index_of(table.codes("district", codes), codes) if by_district else np.arange(len(codes))[:, None]
        by_age[rows, sex, age] = table.numbers("improvement", "share")
        return improved_survival(out, np.broadcast_to(by_age, (len(years), *out.shape)))
    return improved_survival(out, np.broadcast_to(improvement[:, :, None, None], (len(years), *out.shape)))


def _fertility(loaded: Loaded, years: NDArray[np.int64], codes: list[str]) -> Array:
    spec = loaded.scenario.population.fertility
    assert spec is not None
    from ..models.population import fertility_from_tfr

    path = spec.shape if spec.shape is not None else spec.rates
    assert path is not None
    column = "weight" if spec.shape is not None else "rate"
    table = Table.read(
        path,
        f"population.fertility.{'shape' if spec.shape else 'rates'}",
        columns=("age", column) if spec.shape is not None else ("district", "age", "year", column),
    )
    table.require("age", column)
    by_district, by_year = "district" in table.frame, "year" in table.frame
    table.unique(*(["district"] if by_district else []), "age", *(["year"] if by_year else []))
    age = age_column(table, 49, lo=15) - 15
    values = table.numbers(column, "count")
    given = table.numbers("year", "year").astype(np.int64) if by_year else np.zeros(len(values), np.int64)
    known = np.unique(given)
    rates = np.zeros((len(known), len(codes), 35))
    district = index_of(table.codes("district", codes), codes) if by_district else np.arange(len(codes))[:, None]
    rates[np.searchsorted(known, given), district, age] = values
    if spec.tfr is None:  # each year the latest given year's rates (the first year's before it)
        return rates[np.maximum(np.searchsorted(known, years, side="right") - 1, 0)]
    rates = rates[0]
    if rates.sum() == 0:
        raise ScenarioError(f"{shown(path)}: the weights are all zero; give the age shape of fertility for ages 15..49")
    tfr = param(loaded, spec.tfr, ("population", "fertility", "tfr"), years, codes)
    return fertility_from_tfr(tfr, rates[0])


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
    sex = sex_column(table, sexes)
    raw_sex = set(np.char.lower(table.text("sex")))
    if with_total and "total" in raw_sex and raw_sex - {"total"}:
        raise ScenarioError(f"{shown(spec)}: mixes sex 'total' with female/male rows; use one or the other")
    names = ["total"] if "total" in raw_sex else ["female", "male"]
    age = age_column(table, top)
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
    year, inside = year_rows(table, years)
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


def _gross_migration(loaded: Loaded, years: NDArray[np.int64], codes: list[str], top: int) -> tuple[Array, Array]:
    """In-migrants and out-migration rates ``[year, district, sex, age]``, streams added up and scaled."""
    spec = loaded.scenario.population.gross_migration
    assert spec is not None
    keys = ("population", "gross_migration")
    scale = param(loaded, spec.scale, (*keys, "scale"), years, codes)[:, :, None, None]
    international = param(loaded, spec.international_scale, (*keys, "international_scale"), years, codes)
    read = {
        "in_migrants": ("persons", "count", spec.in_migrants),
        "out_rates": ("rate", "share", spec.out_rates),
    }
    tables = {
        name: _streams(path, f"population.gross_migration.{name}", column, check, years, codes, top, international)
        for name, (column, check, path) in read.items()
    }
    in_migrants, out_rates = tables["in_migrants"] * scale, tables["out_rates"] * scale
    above = out_rates > 1
    if above.any():
        t, d, s, a = np.argwhere(above)[0]
        raise ScenarioError(
            f"{shown(spec.out_rates or '')}: out-migration rates of district {codes[d]}, {SEXES[s]}, age {a} add "
            f"up to {out_rates[t, d, s, a]:.3g} in {years[t]}, scaled; more than everyone cannot leave"
        )
    return in_migrants, out_rates


STREAMS = ("domestic", "international")
"""The streams of gross migration a table may keep apart."""


def _streams(
    path: str | None,
    key: str,
    column: str,
    check: str,
    years: NDArray[np.int64],
    codes: list[str],
    top: int,
    international: Array,
) -> Array:
    """A ``district, sex, age[, year][, stream], value`` table as ``[year, district, sex, age]``.

    Rows of both streams add up, the ``international`` ones times ``international`` ``[year, district]``;
    without ``year`` a row holds in every year.
    """
    out = np.zeros((len(years), len(codes), 2, top + 1))
    if path is None:
        return out
    table = Table.read(path, key, columns=("district", "sex", "age", "year", "stream", column))
    table.require("district", "sex", "age", column)
    by_year, by_stream = "year" in table.frame, "stream" in table.frame
    table.unique("district", "sex", "age", *(["year"] if by_year else []), *(["stream"] if by_stream else []))
    district = index_of(table.codes("district", codes), codes)
    sex, age, values = sex_column(table, SEX_CODES), age_column(table, top), table.numbers(column, check)
    stream = np.char.lower(table.text("stream")) if by_stream else np.full(len(values), "domestic")
    bad = ~np.isin(stream, STREAMS)
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{table.where(row)}: stream {str(stream[row])!r} is not one of {', '.join(STREAMS)}")
    factor = np.where(stream == "international", international[:, district], 1.0)  # [year, row]
    cell = np.ravel_multi_index((district, sex, age), out.shape[1:])  # rows of one cell add up, in their order
    if by_year:
        year, inside = year_rows(table, years)
        rows = np.flatnonzero(inside)
        at = year[rows] * out[0].size + cell[rows]  # [year, cell] flattened
        out += np.bincount(at, values[rows] * factor[year[rows], rows], out.size).reshape(out.shape)
    else:
        for t in range(len(years)):
            out[t] = np.bincount(cell, values * factor[t], out[t].size).reshape(out.shape[1:])
    return out
