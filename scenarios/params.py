"""Time-varying parameters: a scalar, ``{year: value}``, or per district.

Written in a scenario as one of::

    public_share: 0.5
    public_share: {2020: 0.477, 2025: 0.5}
    public_share: {default: {2020: 0.477, 2025: 0.5}, by_district: {"140107": 0.6}}

Between given years values are interpolated linearly; before the first and
after the last given year they are held constant (MODEL.md).
"""

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where values are made, so a scenario is checked without it
    import numpy as np
    from numpy.typing import NDArray

Series = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Param:
    """A parsed parameter: a year series, with optional per-district series."""

    default: Series
    by_district: dict[str, Series] = field(default_factory=dict)

    def values(self, years: "NDArray[np.int64]", districts: list[str]) -> "NDArray[np.float64]":
        """The parameter as ``[year, district]``."""
        import numpy as np

        out = np.repeat(_interpolate(self.default, years)[:, None], len(districts), axis=1)
        position = {code: j for j, code in enumerate(districts)}
        for code, series in self.by_district.items():
            if code in position:
                out[:, position[code]] = _interpolate(series, years)
        return out

    def at(self, years: "NDArray[np.int64]") -> "NDArray[np.float64]":
        """The default series as ``[year]`` (for parameters without districts)."""
        return _interpolate(self.default, years)

    def districts(self) -> set[str]:
        """District codes named in ``by_district``."""
        return set(self.by_district)


def _interpolate(series: Series, years: "NDArray[np.int64]") -> "NDArray[np.float64]":
    import numpy as np

    given_years, given = zip(*series, strict=True)
    return np.interp(years, given_years, given)


KINDS = {
    "share": ("a share in [0, 1]", lambda v: 0.0 <= v <= 1.0),
    "rate": ("a finite number >= 0", lambda v: v >= 0.0),
    "positive": ("a finite number > 0", lambda v: v > 0.0),
    "sex_ratio": ("boys per girl at birth, 0.9..1.3", lambda v: 0.9 <= v <= 1.3),
}


def _number(value: Any, kind: str, where: str) -> float:
    allowed, ok = KINDS[kind]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}{value!r} is not a number; must be {allowed}")
    number = float(value)
    if not math.isfinite(number) or not ok(number):
        raise ValueError(f"{where}{value!r} is out of range; must be {allowed}")
    return number


def _series(value: Any, kind: str, where: str = "") -> Series:
    if not isinstance(value, dict):
        return ((0, _number(value, kind, where)),)
    if not value:
        raise ValueError(f"{where}empty {{year: value}} mapping; give at least one year")
    series = []
    for year, number in value.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{where}key {year!r} is not a year; use {{year: value}} with whole-number years")
        series.append((year, _number(number, kind, f"{where}year {year}: ")))
    return tuple(sorted(series))


def parse(value: Any, kind: str, where: str = "") -> Param:
    """Parse a scenario value into a :class:`Param`, checking every number is ``kind``.

    ``where`` prefixes messages (e.g. ``"female: "``).
    """
    if isinstance(value, Param):
        return value
    if isinstance(value, dict) and ("default" in value or "by_district" in value):
        unknown = set(value) - {"default", "by_district"}
        if unknown:
            raise ValueError(f"unknown key {sorted(unknown)[0]!r} beside default/by_district")
        if "default" not in value:
            raise ValueError("by_district needs a default for the other districts")
        by_district = value.get("by_district") or {}
        if not isinstance(by_district, dict):
            raise ValueError("by_district must map district codes to values")
        return Param(
            _series(value["default"], kind, f"{where}default: "),
            {str(code): _series(v, kind, f"{where}district {code}: ") for code, v in by_district.items()},
        )
    return Param(_series(value, kind, where))


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of a parameter of ``kind`` (for editor completion)."""
    number: dict[str, Any] = {"type": "number", "minimum": 0}
    if kind == "share":
        number["maximum"] = 1
    if kind == "positive":
        number = {"type": "number", "exclusiveMinimum": 0}
    if kind == "sex_ratio":
        number = {"type": "number", "minimum": 0.9, "maximum": 1.3}
    series = {"anyOf": [number, {"type": "object", "patternProperties": {"^[0-9]{4}$": number}}]}
    return {
        "anyOf": [
            *series["anyOf"],
            {
                "type": "object",
                "properties": {"default": series, "by_district": {"type": "object", "additionalProperties": series}},
                "required": ["default"],
                "additionalProperties": False,
            },
        ],
        "description": f"{KINDS[kind][0]}: a number, {{year: value}} or {{default: ..., by_district: {{code: ...}}}}",
    }
