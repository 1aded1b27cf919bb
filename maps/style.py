"""Words and colours of the pictures, in English and Chinese (cheap to import: the command line reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import xarray as xr

LANGS = ("en", "zh")
FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Figure:
    """A figure that can be mapped: its labels and colour scale."""

    en: str
    zh: str
    unit_en: str
    unit_zh: str
    diverging: bool
    """Centred on ``centre`` with symmetric limits (shortage vs surplus), else sequential from 0."""
    centre: float = 0.0

    def label(self, lang: str) -> str:
        """Colour-bar label."""
        return f"{self.en} ({self.unit_en})" if lang == "en" else f"{self.zh}（{self.unit_zh}）"

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


FIGURES = {
    "gap": Figure(
        "place gap",
        "学位缺口",
        "public places; + shortage (hatched), - surplus",
        "个学位；正为缺口（斜线），负为富余",
        True,
    ),
    "gap_per_1000": Figure(
        "place gap per 1,000 pupils", "每千名学生学位缺口", "places; + shortage", "个学位；正为缺口", True
    ),
    "utilization": Figure("utilization: demand / capacity", "学位使用率：需求/供给", "ratio", "比值", True, 1.0),
    "classes_needed": Figure("public classes needed", "所需公办班级数", "classes", "个班", False),
    "teachers_needed": Figure("public teachers needed", "所需公办教师数", "teachers", "名教师", False),
    "cost": Figure("cost of the shortage", "缺口建设成本", "currency", "元", False),
    "shortage_cost": Figure("cost of the shortage", "缺口建设成本", "currency", "元", False),
    "capital_cost": Figure("capital spending", "资本支出", "currency", "元", False),
    "recurrent_cost": Figure("recurrent spending", "经常性支出", "currency", "元", False),
    "public_demand": Figure("public places needed", "公办学位需求", "places", "个学位", False),
}
"""Figures ``placeplan map --figure`` accepts."""
MONEY = ("cost", "shortage_cost", "capital_cost", "recurrent_cost")

DIVERGING = "PuOr_r"
"""ColorBrewer purple-orange: orange for shortage, purple for surplus; colour-blind safe, distinct in greyscale."""
SEQUENTIAL = "cividis"
"""Perceptually uniform, colour-blind safe, monotone in greyscale."""

STAGES = {
    "preschool": ("preschool", "学前教育"),
    "primary": ("primary", "小学"),
    "junior": ("junior secondary", "初中"),
    "senior_general": ("general senior secondary", "普通高中"),
    "senior_vocational": ("vocational senior secondary", "中等职业教育"),
}

WORDS = {
    "north": ("N", "北"),
    "km": ("km", "公里"),
    "demand": ("public places needed", "公办学位需求"),
    "capacity": ("public places available", "公办学位供给"),
    "shortage": ("shortage", "缺口"),
    "band": ("p5-p95 range of public places needed", "公办学位需求 5%-95% 区间"),
    "places": ("places", "学位"),
    "year": ("year", "年份"),
    "difference": ("minus", "减"),
}


def word(key: str, lang: str) -> str:
    """A word of the pictures in ``lang``."""
    return WORDS[key][LANGS.index(lang)]


def stage_name(stage: str, lang: str) -> str:
    """A stage as planners say it (its key when it is not a default stage)."""
    return STAGES.get(stage, (stage, stage))[LANGS.index(lang)]


def area_names(result: xr.Dataset, lang: str) -> np.ndarray:
    """Area names in ``lang`` (English where the district table gives ``name_en``)."""
    return result["area_name_en" if lang == "en" else "area_name"].values


def title(result: xr.Dataset, lang: str) -> str:
    """The scenario's title (English) or name."""
    return str(result.attrs.get("title") or result.attrs.get("scenario"))


def figure_values(result: xr.Dataset, figure: str) -> xr.DataArray:
    """A mappable figure ``[stage, area, year]`` read or derived from the Result (never re-modelled)."""
    if figure == "gap_per_1000":
        return 1000 * result["gap"] / result["enrolment"].where(result["enrolment"] > 0)
    return result[figure]
