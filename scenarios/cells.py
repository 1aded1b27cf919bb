"""Reading cells of input tables: parameters by year and district, ages, sexes and years of rows."""

import numpy as np
from numpy.typing import NDArray

from ..models import SEXES
from .errors import ScenarioError
from .loading import Loaded
from .params import Param
from .schema import BySex
from .tables import Table

Array = NDArray[np.float64]
SEX_CODES = {"female": 0, "male": 1, "f": 0, "m": 1, "女": 0, "男": 1}
"""How the ``sex`` column may name the sexes."""


def param(loaded: Loaded, value: Param, keys: tuple[str, ...], years: NDArray[np.int64], codes: list[str]) -> Array:
    unknown = sorted(value.districts() - set(codes))
    if unknown:
        raise ScenarioError(f"{loaded.where(*keys)}.by_district: {unknown[0]!r} is not a district code of the scenario")
    return value.values(years, codes)


def by_sex(
    loaded: Loaded, value: Param | BySex, keys: tuple[str, ...], years: NDArray[np.int64], codes: list[str]
) -> Array:
    """A parameter that may be given by sex, as ``[year, district, sex]``."""
    if isinstance(value, BySex):
        return np.stack([param(loaded, getattr(value, sex), keys, years, codes) for sex in SEXES], axis=-1)
    return np.repeat(param(loaded, value, keys, years, codes)[..., None], 2, axis=-1)


OPEN_AGE = r"^(\d+)\s*(?:\+|岁及以上|岁以上|及以上)$"
"""The open age group as censuses write it: ``100+``, ``100岁及以上``."""


def age_column(table: Table, top: int, column: str = "age", lo: int = 0) -> NDArray[np.intp]:
    """Ages ``lo..top``, also written ``6岁``; the open group (``100+``, ``100岁及以上``) only as the top age."""
    text = table.frame[column]
    opened = text.str.extract(OPEN_AGE)[0]
    short = (opened.notna() & (opened != str(top))).to_numpy()
    if short.any():
        row = int(np.argmax(short))
        raise ScenarioError(
            f"{table.where(row)}: age {text.iloc[row]!r} is an open age group, but ages run {lo} to {top} "
            f"(max_age): give single ages up to {top}, or set max_age to {opened.iloc[row]}"
        )
    table.frame[column] = opened.fillna(text.str.removesuffix("岁"))
    ages = table.numbers(column, "whole")
    outside = (ages < lo) | (ages > top)
    if outside.any():
        row = int(np.argmax(outside))
        raise ScenarioError(f"{table.where(row)}: age {ages[row]:g} is outside {lo}..{top}; ages run {lo} to {top}")
    return ages.astype(np.intp)


def sex_column(table: Table, allowed: dict[str, int]) -> NDArray[np.intp]:
    values = np.char.lower(table.text("sex"))
    bad = ~np.isin(values, list(allowed))
    if bad.any():
        row = int(np.argmax(bad))
        raise ScenarioError(f"{table.where(row)}: sex {str(values[row])!r} is not one of {', '.join(allowed)}")
    return np.array([allowed[v] for v in values], dtype=np.intp)


def year_rows(table: Table, years: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Year index of each row and which rows fall in the projection."""
    year = table.numbers("year", "year").astype(np.int64)
    return (year - years[0]).astype(np.intp), (year >= years[0]) & (year <= years[-1])
