"""Words and colours of the pictures, in English and Chinese (cheap to import: the command line reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    top: float | None = None
    """The top of a sequential scale, where it is fixed (a probability's 1); else the largest value."""

    def label(self, lang: str, currency: str = "CNY") -> str:
        """Colour-bar label; money in the Result's ``currency`` (CNY, 元)."""
        unit = self.unit_en if lang == "en" else self.unit_zh
        if self.unit_en == "currency":
            unit = money_unit(currency, lang)
        return in_unit(self.name(lang), unit, lang)

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
    "utilization": Figure(
        "utilization: demand / capacity",
        "学位使用率：需求/供给",
        "ratio, hatched above 1",
        "比值，大于1为斜线",
        True,
        1.0,
    ),
    "classes_needed": Figure("public classes needed", "所需公办班级数", "classes", "个班", False),
    "teachers_needed": Figure("public teachers needed", "所需公办教师数", "teachers", "名教师", False),
    "cost": Figure("cost of the shortage", "缺口建设成本", "currency", "currency", False),
    "shortage_cost": Figure("cost of the shortage", "缺口建设成本", "currency", "currency", False),
    "capital_cost": Figure("capital spending", "资本支出", "currency", "currency", False),
    "recurrent_cost": Figure("recurrent spending", "经常性支出", "currency", "currency", False),
    "places_added": Figure("public places the plan adds", "规划新增公办学位", "places", "个学位", False),
    "public_demand": Figure("public places needed", "公办学位需求", "places", "个学位", False),
    "gap_p95": Figure(
        "place gap, 95th percentile of draws",
        "学位缺口（95%分位）",
        "public places; + shortage (hatched), - surplus",
        "个学位；正为缺口（斜线），负为富余",
        True,
    ),
    "p_shortage": Figure(
        "probability of a shortage", "出现缺口的概率", "share of draws", "模拟中的比例", False, top=1.0
    ),
}
"""Figures ``placeplan map --figure`` accepts."""
OF_A_RESULT = tuple(name for name in FIGURES if name != "places_added")
"""The figures one Result gives (``places_added`` compares a plan's Result with its baseline's)."""
OF_DRAWS = ("gap_p95", "p_shortage")
"""Figures only an ensemble's Result has (``placeplan run --draws``)."""
MONEY = ("cost", "shortage_cost", "capital_cost", "recurrent_cost")

DIVERGING = "PuOr_r"
"""ColorBrewer purple-orange: orange for shortage, purple for surplus; colour-blind safe, distinct in greyscale."""
SEQUENTIAL = "Blues"
"""ColorBrewer single-hue blues: white at 0, darker for more; colour-blind safe, monotone in greyscale."""

STAGES = {
    "preschool": ("preschool", "学前教育"),
    "primary": ("primary", "小学"),
    "junior": ("junior secondary", "初中"),
    "senior_general": ("general senior secondary", "普通高中"),
    "senior_vocational": ("vocational senior secondary", "中等职业教育"),
}

WORDS = {
    # pictures
    "north": ("N", "北"),
    "km": ("km", "公里"),
    "demand": ("public places needed", "公办学位需求"),
    "capacity": ("public places available", "公办学位供给"),
    "shortage": ("shortage", "缺口"),
    "band": ("p5-p95 range of public places needed", "公办学位需求 5%-95% 区间"),
    "places": ("places", "学位"),
    "year": ("year", "年份"),
    "difference": ("minus", "减"),
    "change_in": ("change in {}", "{}变化"),
    "reference": ("reference", "基准"),
    "places_to_build": ("public places to build", "需新增公办学位"),
    "classes_to_build": ("classes to build", "需新增班级"),
    "place_years_short": ("pupil-years without a public place", "缺位人年"),
    "extra_spending": ("spending beyond the reference: capital + recurrent", "较基准多支出：资本 + 经常性"),
    "forecast_error": ("forecast error by horizon", "预测误差（按预测年限）"),
    "years_ahead": ("years ahead", "预测年限"),
    "city_total": ("city total, placeplan", "全市合计（placeplan）"),
    "areas_mean": ("areas (mean), placeplan", "各区平均（placeplan）"),
    "plain_mean": ("areas (mean), plain 3-year mean", "各区平均（简单三年平均）"),
    "schools_mean": ("schools (mean)", "各校平均"),
    # the report and the workbook
    "report": ("School places report", "学位供需规划报告"),
    "scenario": ("scenario", "方案"),
    "stage": ("stage", "学段"),
    "area": ("area", "区县"),
    "area_code": ("area code", "区县代码"),
    "school": ("school", "学校"),
    "school_id": ("school id", "学校代码"),
    "district": ("district", "所在区县"),
    "sector": ("sector", "办学性质"),
    "public": ("public", "公办"),
    "private": ("private", "民办"),
    "pupils": ("pupils", "在校生"),
    "classes": ("classes", "班级数"),
    "mean_class_size": ("mean class size", "平均班额"),
    "utilization": ("utilization", "学位使用率"),
    "classes_short": ("classrooms missing", "缺少教室"),
    "oversized": ("oversized classes", "大班额"),
    "super_oversized": ("super-oversized (over 66)", "超大班额（66人以上）"),
    "school_age_population": ("school-age population", "学龄人口"),
    "enrolment": ("pupils", "在校生规模"),
    "public_demand": ("public places needed", "公办学位需求"),
    "public_capacity": ("public places", "公办学位供给"),
    "gap": ("place gap", "学位缺口"),
    "classes_needed": ("classes needed", "需设班级数"),
    "teachers_needed": ("teachers needed", "教师需求"),
    "teachers": ("teachers", "现有教师"),
    "teacher_gap": ("teachers short", "教师缺口"),
    "capital_cost": ("capital spending", "资本支出"),
    "recurrent_cost": ("recurrent spending", "经常性支出"),
    "shortage_cost": ("cost of the shortage", "缺口建设成本"),
    "private_enrolment": ("pupils in private schools", "民办在校生"),
    "bought_places": ("places bought", "购买学位"),
    "pupils_placed_out": ("pupils placed next door", "跨区就读学生"),
    "pupils_placed_in": ("pupils taken from next door", "接收邻区学生"),
    "indicator": ("indicator", "指标"),
    "value": ("achieved", "实际值"),
    "target": ("target", "目标值"),
    "met": ("met", "是否达标"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "shortfall_places": ("places short of the target", "距目标差额（学位）"),
    "peak_shortage": ("peak shortage", "最大缺口"),
    "housing_reserve": ("Places to reserve for new housing", "新建住宅配套学位"),
    "sheet_housing": ("Housing", "住宅配套学位"),
    "development": ("housing development", "住宅项目"),
    "dwellings": ("dwellings", "住宅套数"),
    "peak_pupils": ("most pupils in a year", "最多学生数"),
    "classes_to_reserve": ("classes to reserve", "需预留班级数"),
    "peak_shortage_range": ("peak shortage (5%-95% of draws)", "最大缺口（5%-95%分位）"),
    "peak_shortage_p5": ("peak shortage, 5% of draws", "最大缺口（5%分位）"),
    "peak_shortage_p95": ("peak shortage, 95% of draws", "最大缺口（95%分位）"),
    "population": ("population", "人口"),
    "peak_year": ("in", "出现年份"),
    "spending": ("capital + recurrent spending", "资本与经常性支出合计"),
    "cost_of_places_to_build": ("cost of the places still to build", "待建学位成本"),
    "peak_teachers_needed": ("peak teachers needed", "教师需求峰值"),
    "action": ("action", "措施"),
    "name": ("name", "名称"),
    "details": ("details", "内容"),
    "build": ("build", "新建"),
    "budget_per_year": ("yearly budget", "年度预算"),
    "expand": ("expand", "扩建"),
    "close": ("close", "撤并"),
    "convert": ("convert to public", "民转公"),
    "buy": ("buy places", "购买学位"),
    "share": ("place pupils next door", "跨区就读"),
    "arrows_next_door": (
        "arrows: pupils placed in a neighbouring area's public schools, the most in any year",
        "箭头：安排到相邻区县公办学校就读的学生（年度最多人数）",
    ),
    "headline": ("Headline figures", "主要数据"),
    "indicators": ("The plan's indicators against its targets", "主要指标完成情况"),
    "gap_maps": ("Place gaps", "学位缺口分布"),
    "sheet": ("Place gap by area and year", "分区县分年度学位缺口"),
    "short_areas": ("Areas in shortage: places needed against places available", "缺口区县：学位需求与供给"),
    "crowded_schools": ("Over-full and oversized schools", "超员与大班额学校"),
    "comparison": ("Policy options compared", "方案比较"),
    "difference_maps": ("Each option minus the reference", "各方案与基准方案之差"),
    "inputs": ("Scenario and inputs", "方案与输入数据"),
    "made_by": ("made by placeplan", "由 placeplan 生成"),
    "file": ("file", "文件"),
    "sha256": ("SHA-256", "SHA-256 校验值"),
    "version": ("placeplan version", "placeplan 版本"),
    "made_on": ("made on", "生成日期"),
    "currency": ("currency", "货币"),
    "none_short": ("No area is short of public places in any year.", "各区县各年度均无学位缺口。"),
    "none_crowded": ("No school is over-full or oversized.", "无超员或大班额学校。"),
    "no_targets": ("The scenario sets no targets.", "本方案未设定指标目标。"),
    "areas_met": ("areas meeting it / areas · places short", "达标区县数 / 区县数 · 差额学位"),
    "more_schools": ("and {} more schools in report.xlsx", "另有 {} 所学校，见 report.xlsx"),
    "ger": ("gross enrolment (入园率 / 毛入学率)", "毛入园（学）率"),
    "public_share": ("public share (公办率)", "公办率"),
    "inclusive_share": ("inclusive share (普惠率)", "普惠率"),
    "general_share": ("general share of senior secondary (普职比)", "普职比（普通高中占比）"),
    "oversized_class_share": ("share of classes oversized (大班额比例)", "大班额比例"),
    "largest_school": ("largest school, pupils", "最大学校规模（人）"),
    "sheet_indicators": ("Indicators", "主要指标"),
    "sheet_gaps": ("Place gaps", "学位缺口"),
    "sheet_schools": ("Schools", "学校"),
    "sheet_spending": ("Spending by year", "分年度支出"),
    "sheet_actions": ("Actions", "措施"),
    "sheet_options": ("Options compared", "方案比较"),
}
"""Every word placeplan shows a person, in English and Chinese: pictures, the report and the workbook."""


def whole_ticks() -> Any:
    """A tick locator for counts and money: ticks at whole numbers only, where matplotlib would put them (a scale
    of 0 to 1 place would otherwise read 0, 0, 0, 1, 1, 1)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)


UNITS = {"zh": ((1e8, "亿", 1), (1e4, "万", 1)), "en": ((1e9, "bn", 1), (1e6, "M", 1), (1e3, "k", 10))}
"""Per language: each unit's size, its suffix, and from how many of it a number is written in it (whole
thousands below 10,000: 1,505 classes, not 1.5k)."""


def compact(value: float, lang: str = "en") -> str:
    """A large number as people read it: 1,505, 12.3k, 4.5M, 6.7bn; in Chinese 1,505, 1.2万, 3.4亿."""
    for size, suffix, least in UNITS[lang]:
        if abs(value) >= least * size:
            scaled = value / size
            return f"{scaled:,.0f}{suffix}" if abs(scaled) >= 100 else f"{scaled:.3g}{suffix}"
    return f"{value:,.0f}"


def one_unit_axis(lang: str = "en") -> Any:
    """A tick formatter writing every tick of an axis in one unit, with the decimals its steps need: 0, 0.4亿 ...
    1.6亿, not 8,000万 beside 1.2亿; thousands stay whole below 10,000 (1,600 classes, not 1.6k)."""
    from matplotlib.ticker import Formatter

    class OneUnit(Formatter):
        def __call__(self, value: float, pos: int | None = None) -> str:
            return compact(value, lang)

        def format_ticks(self, values: Any) -> list[str]:
            largest = max((abs(float(v)) for v in values), default=0.0)
            size, suffix = next(((size, suf) for size, suf, least in UNITS[lang] if largest >= least * size), (1.0, ""))
            scaled = [float(v) / size for v in values]
            digits = next(
                d for d in range(4) if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in scaled) or d == 3
            )
            return [f"{v:,.{digits}f}{suffix}" if v else "0" for v in scaled]

    return OneUnit()


def wrap(text: str, width: int) -> str:
    """``text`` in lines of ``width`` columns (a Chinese character takes two), keeping numbers and words whole."""
    import re
    import unicodedata

    lines, line, used = [], "", 0
    for token in re.findall(r"[A-Za-z0-9.,:%'’-]+ ?|\s+|.", text):
        size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), size
        else:
            line, used = line + token, used + size
    return "\n".join([*lines, line.rstrip()])


def listed(lang: str, *parts: str) -> str:
    """Parts of a heading, separated as ``lang`` writes them: "primary, 2025" or "小学，2025年"."""
    return ("，" if lang == "zh" else ", ").join(parts)


def joined(lang: str, head: str, *parts: str) -> str:
    """A heading, punctuated as ``lang`` writes it: "Title: what, stage" or "标题：内容，学段"."""
    return head + ("：" if lang == "zh" else ": ") + listed(lang, *parts)


def year_label(year: int, lang: str) -> str:
    """A year as ``lang`` writes it in a heading: 2025, 2025年."""
    return f"{year}年" if lang == "zh" else str(year)


def in_unit(text: str, unit: str, lang: str) -> str:
    """``text (unit)``, with full-width brackets in Chinese: 资本支出（元）."""
    return f"{text}（{unit}）" if lang == "zh" else f"{text} ({unit})"


def money_unit(currency: str, lang: str) -> str:
    """The currency as a reader of ``lang`` writes it (元 for CNY in Chinese)."""
    return "元" if lang == "zh" and currency in ("CNY", "RMB") else currency


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
    """The scenario's title in ``lang`` (its one title, or its name, where it has no other)."""
    chosen = result.attrs.get("title_zh") if lang == "zh" else None
    return str(chosen or result.attrs.get("title") or result.attrs.get("scenario"))


def figure_values(result: xr.Dataset, figure: str) -> xr.DataArray:
    """A mappable figure ``[stage, area, year]`` read or derived from the Result (never re-modelled)."""
    if figure == "gap_per_1000":
        return 1000 * result["gap"] / result["enrolment"].where(result["enrolment"] > 0)
    return result[figure]
