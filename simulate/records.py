"""Enrolment from the office's own records: grade-progression forecasts, chosen and reconciled from the past alone.

A :class:`Forecaster` makes, for every candidate method, the forecast every
past origin would have made (records and births up to that origin only), and
scores them against what happened. At an origin ``o`` the :class:`Rule` is the
best few methods by the forecasts known at ``o`` (made before ``o``, of years up
to ``o``), combined; for school records also the schools' methods (scored on
their shares of their district) and whether district totals come from the
district records (``top_down``) or the schools' sum (``bottom_up``). The
backtest applies the rule of each origin at that origin, so its scores are out
of sample; the run applies the rule of the last record.
"""

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..models import choice
from ..models import enrolment as enr
from ..models.population import Array
from ..models.progression import Method, forecast
from ..models.reconcile import district_sums, proportional
from ..scenarios.errors import ScenarioError
from ..scenarios.inputs import Inputs
from ..scenarios.progression import ProgressionInputs
from .project import Residents


@dataclass(frozen=True)
class Rule:
    """How a stage forecasts at an origin: district methods, school methods and the reconciliation."""

    districts: tuple[Method, ...]
    schools: tuple[Method, ...] = ()
    reconcile: str = "top_down"

    def __str__(self) -> str:
        text = " + ".join(map(str, self.districts))
        if self.schools:
            shares = " + ".join(f"{m} (shrinkage {m.shrinkage:g})" for m in self.schools)
            text += f"; schools: {shares}; {self.reconcile.replace('_', '-')}"
        return text


class Forecaster:
    """Every candidate's forecasts from every past origin of one stage's records, and the rule at any origin."""

    def __init__(self, progression: ProgressionInputs) -> None:
        self.p = p = progression
        self.origins = np.arange(p.first_year + 1, p.last_year, dtype=np.int64)
        self.by_school = p.district_of is not None
        self.districts = p.births.shape[1]
        fixed = p.method
        self.district_methods = choice.CANDIDATES if fixed is None else (fixed,)
        self.school_methods = (
            tuple(replace(m, shrinkage=k) for m in choice.CANDIDATES for k in choice.SHRINKAGES)
            if fixed is None
            else (fixed,)
        )

    # records -------------------------------------------------------------------------------------------------

    @cached_property
    def district_records(self) -> Array:
        """Records ``[year, grade, district]`` (school records summed; NaN where a district has none)."""
        p = self.p
        if p.district_of is None:
            return p.history
        known = ~np.isnan(p.history)
        totals = district_sums(np.nan_to_num(p.history), p.district_of, self.districts)
        return np.where(district_sums(known.astype(float), p.district_of, self.districts) > 0, totals, np.nan)

    def _actual(self, records: Array) -> Array:
        """Pupils ``[year, unit]`` of the records, NaN in shock years (which are not scored)."""
        totals = records.sum(axis=1)
        years = np.arange(self.p.first_year, self.p.last_year + 1)
        return np.where(np.isin(years, self.p.anomalous)[:, None], np.nan, totals)

    # forecasts from past origins -----------------------------------------------------------------------------

    def _from(self, origin: int, records: Array, method: Method, district_of: NDArray[np.intp] | None) -> Array:
        """Pupils ``[horizon, unit]`` forecast at ``origin`` for the years to the last record, knowing only then."""
        p = self.p
        births = p.births.copy()
        births[max(origin + 1 - p.first_birth_year, 0) :] = np.nan  # no births after the origin: no leaks
        years = np.arange(origin + 1, p.last_year + 1)
        known = records[: origin - p.first_year + 1]
        out = forecast(
            known, p.first_year, births, p.first_birth_year, p.entry_age, years, method, p.anomalous, district_of
        )
        return out.sum(axis=1)

    def _cube(self, records: Array, methods: tuple[Method, ...], district_of: NDArray[np.intp] | None) -> Array:
        """``[method, origin, horizon, unit]`` forecasts (NaN past the last record)."""
        longest = len(self.origins) and self.p.last_year - int(self.origins[0])
        out = np.full((len(methods), len(self.origins), longest, records.shape[-1]), np.nan)
        for m, method in enumerate(methods):
            for o, origin in enumerate(self.origins):
                ahead = self._from(int(origin), records, method, district_of)
                out[m, o, : len(ahead)] = ahead
        return out

    @cached_property
    def past_districts(self) -> Array:
        """District totals forecast from the district records, ``[method, origin, horizon, district]``."""
        return self._cube(self.district_records, self.district_methods, None)

    @cached_property
    def past_schools(self) -> Array:
        """Schools' own forecasts, ``[method, origin, horizon, school]`` (school records only)."""
        return self._cube(self.p.history, self.school_methods, self.p.district_of)

    def _errors(self, forecasts: Array, actual: Array) -> Array:
        return choice.percent_errors(forecasts, actual, self.p.first_year, self.origins)

    @cached_property
    def district_errors(self) -> Array:
        return self._errors(self.past_districts, self._actual(self.district_records))

    @cached_property
    def share_errors(self) -> Array:
        """Errors of the schools' shares of their district: each share times the district's actual total."""
        p = self.p
        assert p.district_of is not None
        horizons = np.arange(1, self.past_schools.shape[2] + 1)
        target = self.origins[:, None] + horizons[None, :] - p.first_year
        inside = target < len(p.history)
        district_actual = np.full((*target.shape, self.districts), np.nan)
        district_actual[inside] = self.district_records.sum(axis=1)[target[inside]]
        placed = proportional(district_actual[None], self.past_schools, p.district_of)
        return self._errors(placed, self._actual(p.history))

    # the rule and its forecasts ----------------------------------------------------------------------------

    def rule(self, at: int) -> Rule:
        """The rule chosen with what is known at ``at``: the best few methods, combined."""

        def chosen(errors: Array, methods: tuple[Method, ...], fallback: Method) -> tuple[Method, ...]:
            if len(methods) == 1:
                return methods
            picked = choice.best(choice.scores(errors, self.origins, at))
            return tuple(methods[m] for m in picked) or (fallback,)

        districts = chosen(self.district_errors, self.district_methods, choice.PLAIN)
        if not self.by_school:
            return Rule(districts)
        schools = chosen(self.share_errors, self.school_methods, choice.PLAIN)
        reconcile = self.p.reconcile
        if reconcile == "auto":
            reconcile = self._reconciliation(Rule(districts, schools), at)
        return Rule(districts, schools, reconcile)

    def _reconciliation(self, rule: Rule, at: int) -> str:
        """``bottom_up`` where the schools' sum forecast district totals better than the district records did."""
        made = {
            way: np.stack([self._combined(replace(rule, reconcile=way), o)[0] for o in range(len(self.origins))])
            for way in ("top_down", "bottom_up")
        }
        actual = self._actual(self.district_records)
        score = {way: choice.scores(self._errors(f[None], actual), self.origins, at)[0] for way, f in made.items()}
        return "bottom_up" if score["bottom_up"] < score["top_down"] else "top_down"

    def _combined(self, rule: Rule, o: int) -> tuple[Array, Array | None]:
        """District totals and school pupils ``[horizon, unit]`` of ``rule`` at past origin index ``o``."""
        index = {m: i for i, m in enumerate(self.district_methods)}
        totals = choice.combined(self.past_districts[:, o], [index[m] for m in rule.districts])
        if not self.by_school:
            return totals, None
        assert self.p.district_of is not None
        index = {m: i for i, m in enumerate(self.school_methods)}
        own = choice.combined(self.past_schools[:, o], [index[m] for m in rule.schools])
        if rule.reconcile == "bottom_up":
            totals = district_sums(own, self.p.district_of, self.districts)
        return totals, proportional(totals, own, self.p.district_of)

    def past(self, origin: int) -> tuple[Array, Array | None]:
        """District totals and school pupils ``[horizon, unit]`` forecast at ``origin`` by its own rule."""
        o = int(np.searchsorted(self.origins, origin))
        return self._combined(self.rule(origin), o)

    def made(self, years: NDArray[np.int64], methods: tuple[Method, ...], schools: bool = False) -> Array:
        """Pupils ``[year, unit]``: the records, then the mean of ``methods``' forecasts from the last of them."""
        p = self.p
        records, district_of = (p.history, p.district_of) if schools else (self.district_records, None)
        runs = [
            forecast(
                records, p.first_year, p.births, p.first_birth_year, p.entry_age, years, m, p.anomalous, district_of
            )
            for m in methods
        ]
        return np.mean(runs, axis=0).sum(axis=1)

    def future(self, years: NDArray[np.int64], rule: Rule) -> tuple[Array, Array | None]:
        """District totals and school pupils ``[year, unit]``: the records, then ``rule`` from the last of them."""
        p = self.p
        totals = self.made(years, rule.districts)
        if not self.by_school:
            return totals, None
        assert p.district_of is not None
        own = self.made(years, rule.schools, schools=True)
        if rule.reconcile == "bottom_up":
            totals = district_sums(own, p.district_of, self.districts)
        ahead = years > p.last_year
        schools = own.copy()
        schools[ahead] = proportional(totals[ahead], own[ahead], p.district_of)
        return totals, schools


_FORECASTERS: dict[int, tuple[ProgressionInputs, Forecaster]] = {}


def forecaster(progression: ProgressionInputs) -> Forecaster:
    """The stage's :class:`Forecaster`, made once per records (a run asks for it several times)."""
    key = id(progression)
    if key not in _FORECASTERS or _FORECASTERS[key][0] is not progression:
        if len(_FORECASTERS) >= 8:
            _FORECASTERS.pop(next(iter(_FORECASTERS)))
        _FORECASTERS[key] = (progression, Forecaster(progression))
    return _FORECASTERS[key][1]


def rule_of(progression: ProgressionInputs) -> Rule:
    """The rule the run forecasts with: fixed before an ensemble is cut into chunks, else chosen at the last record."""
    if isinstance(progression.chosen, Rule):
        return progression.chosen
    return forecaster(progression).rule(progression.last_year)


def with_rules(inputs: Inputs) -> Inputs:
    """Grade-progression stages with their rule chosen once (so that every chunk of an ensemble uses the same)."""
    stages = [
        stage
        if stage.progression is None
        else replace(stage, progression=replace(stage.progression, chosen=rule_of(stage.progression)))
        for stage in inputs.stages
    ]
    return replace(inputs, stages=stages)


def recorded_and_forecast(progression: ProgressionInputs, years: NDArray[np.int64], stage: str) -> Array:
    """Pupils ``[year, district]`` of a grade-progression stage: the record, then the forecast.

    A forecast that comes out blank is an error saying why (:func:`why_blank`).
    """
    totals = forecaster(progression).future(years, rule_of(progression))[0]
    blank = np.isnan(totals) & (years > progression.last_year)[:, None]
    if blank.any():
        t, d = (int(i[0]) for i in np.nonzero(blank))
        raise ScenarioError(f"stages.{stage}.progression: {why_blank(progression, int(years[t]), d)}")
    return totals


def why_blank(p: ProgressionInputs, year: int, district: int) -> str:
    """Why the forecast of ``district`` in ``year`` is blank: births unknown, or no ratio to forecast with."""
    code = p.codes[district] if p.codes else str(district)
    born = year - p.entry_age
    at = born - p.first_birth_year
    if not 0 <= at < len(p.births) or np.isnan(p.births[at, district]):
        return (
            f"no births for district {code} in {born}, needed for the entrants of {year} (entry age {p.entry_age}); "
            "give them in population.births or project the population from before then"
        )
    if p.schools:
        rule = rule_of(p)
        own = forecaster(p).made(np.array([year]), rule.schools, schools=True)[0]
        blank = np.isnan(own) & (p.district_of == district)
        if blank.any():
            school = p.schools[int(np.argmax(blank))]
            return (
                f"school {school} (district {code}) has no ratio of its own to forecast {year} with, and shrinkage "
                "0 takes none from its district; give shrinkage above 0"
            )
    return (
        f"district {code}: the records give no ratio to forecast {year} with (every year anomalous or without "
        "pupils); give more normal years of records"
    )


def school_forecasts(progression: ProgressionInputs, years: NDArray[np.int64]) -> Array | None:
    """Pupils ``[year, school]`` of school records, reconciled with their districts (None for district records)."""
    return forecaster(progression).future(years, rule_of(progression))[1]


def with_housing_pupils(inputs: Inputs, developments: dict[str, Residents]) -> Inputs:
    """Grade-progression stages count the pupils housing developments bring (records cannot know them)."""
    if not developments or all(stage.progression is None for stage in inputs.stages):
        return inputs
    residents = np.zeros((len(inputs.years), *inputs.population.base.shape))  # every development's, in place
    for development in developments.values():
        residents[:, development.district] += development.population
    stages = []
    for stage in inputs.stages:
        if stage.progression is not None:
            pupils = enr.enrolment(enr.school_age_population(residents, stage.lo, stage.hi), stage.gross_enrolment)
            stage = replace(stage, progression=replace(stage.progression, housing_pupils=pupils))
        stages.append(stage)
    return replace(inputs, stages=stages)


def with_projected_births(inputs: Inputs, births: Array) -> Inputs:
    """Grade-progression births completed by the projection's births where the table has none."""
    stages = []
    for stage in inputs.stages:
        p = stage.progression
        if p is not None and not np.isnan(births).all():
            last = max(p.first_birth_year + len(p.births), int(inputs.years[-1]) + 1)
            table = np.full((last - p.first_birth_year, births.shape[1]), np.nan)
            table[: len(p.births)] = p.births
            years = inputs.years >= p.first_birth_year
            at = inputs.years[years] - p.first_birth_year
            table[at] = np.where(np.isnan(table[at]), births[years], table[at])
            stage = replace(stage, progression=replace(p, births=table))
        stages.append(stage)
    return replace(inputs, stages=stages)
