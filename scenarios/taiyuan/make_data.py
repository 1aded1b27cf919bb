"""Write the illustrative tables of the Taiyuan default scenario.

Boundaries are real (see extract_boundaries.py); everything written here is
**illustrative**: plausible numbers for a city of 5.3 million, calibrated to
the planning record for Xinghualing (杏花岭区) in 2020 (see README.md). Seeded,
so running it again writes the same files.

Run: ``python scenarios/taiyuan/make_data.py``
"""

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
BASE_YEAR, TOP = 2020, 100
XINGHUALING = "140107"
KINDERGARTEN_PUPILS, PRESCHOOL_GER, PRIMARY_PUPILS = 16_760, 0.985, 48_550
URBAN = ("市区", "Urban districts")

# code, name, English name, population 2020 (thousands), net migrants a year (thousands)
DISTRICTS = [
    ("140105", "小店区", "Xiaodian", 1264, 6.0),
    ("140106", "迎泽区", "Yingze", 700, 1.0),
    ("140107", "杏花岭区", "Xinghualing", 710, 1.5),
    ("140108", "尖草坪区", "Jiancaoping", 530, 1.5),
    ("140109", "万柏林区", "Wanbailin", 880, 2.5),
    ("140110", "晋源区", "Jinyuan", 330, 1.5),
    ("140121", "清徐县", "Qingxu", 345, -0.8),
    ("140122", "阳曲县", "Yangqu", 132, -0.6),
    ("140123", "娄烦县", "Loufan", 96, -0.5),
    ("140181", "古交市", "Gujiao", 200, -1.2),
]
COUNTIES = {"140121", "140122", "140123", "140181"}
GROWTH_DISTRICT, GROWTH_LAG = "140105", 0.8
"""Xiaodian grows fastest; its public schools hold about 80% of its 2020 demand."""


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(HERE / name, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def age_shape() -> np.ndarray:
    """Persons by single age, China-2020-like: small young cohorts, a large middle, a shrinking top."""
    age = np.arange(TOP + 1)
    shape = np.interp(
        age,
        [0, 4, 8, 14, 20, 25, 33, 40, 50, 55, 60, 70, 80, 90, 100],
        [0.75, 0.95, 1.05, 1.0, 1.05, 1.2, 1.45, 1.25, 1.45, 1.4, 1.15, 0.85, 0.4, 0.1, 0.01],
    )
    return shape / shape.sum()


def population(rng: np.random.Generator) -> list[list[object]]:
    rows = []
    shape = age_shape()
    for code, _, _, thousands, _ in DISTRICTS:
        counts = thousands * 1000 * shape * rng.uniform(0.95, 1.05, shape.size)
        if code == XINGHUALING:  # the planning record: children in kindergarten and primary pupils in 2020
            counts[3:6] *= KINDERGARTEN_PUPILS / PRESCHOOL_GER / counts[3:6].sum()
            counts[6:12] *= PRIMARY_PUPILS / counts[6:12].sum()
        for sex, share in (("female", 0.49), ("male", 0.51)):
            rows += [[code, sex, age, round(n * share, 3)] for age, n in enumerate(counts)]
    return rows


def survival() -> list[list[object]]:
    """Gompertz-Makeham survival giving a life expectancy near 80 (female) and 76 (male)."""
    rows = []
    age = np.arange(TOP + 1) + 0.5
    for sex, level in (("female", 0.00002), ("male", 0.00004)):
        hazard = 0.0003 + level * np.exp(0.098 * age)
        hazard[0] += 0.003
        rate = np.exp(-hazard).clip(0.0, 1.0)
        rate[TOP] = 0.6
        rows += [[sex, a, round(float(s), 6)] for a, s in enumerate(rate)]
    return rows


def fertility_shape() -> list[list[object]]:
    age = np.arange(15, 50)
    weight = np.exp(-0.5 * ((age - 29.5) / 5.0) ** 2)
    return [[a, round(float(w), 5)] for a, w in zip(age, weight, strict=True)]


BIRTH_RATES = {  # births per 1,000 (illustrative): steady, the two-child bump of 2016-2017, then the fall
    **{year: 10.5 for year in range(1998, 2014)},
    **{2014: 11.0, 2015: 10.8, 2016: 12.5, 2017: 12.3, 2018: 10.6, 2019: 9.6},
    **{2020: 8.5, 2021: 7.6, 2022: 6.9, 2023: 6.5},
}


def births() -> list[list[object]]:
    """Births 1998-2023 by district (illustrative); 2020-2023 also replace the fertility model."""
    return [
        [code, year, round(thousands * rate, 1)]
        for code, _, _, thousands, _ in DISTRICTS
        for year, rate in BIRTH_RATES.items()
    ]


def primary_history(people: list[list[object]]) -> list[list[object]]:
    """Primary pupils by grade 2010-2020 from known ratios plus noise, scaled to each district's 2020 population."""
    rng = np.random.default_rng(2010)
    rows = []
    for code, _, _, thousands, migrants in DISTRICTS:
        entry = 1.0 + 0.02 * migrants + rng.normal(0, 0.01)  # migrant families lift entry in growing districts
        progression = 1.0 + 0.004 * migrants + rng.normal(0, 0.003, 5)
        grades = np.array([thousands * BIRTH_RATES[2004 - g] * entry * np.prod(progression[:g]) for g in range(6)])
        history = []
        for year in range(2010, 2021):
            if year > 2010:
                grades = np.concatenate([[thousands * BIRTH_RATES[year - 6] * entry], grades[:-1] * progression])
            history.append(grades * rng.normal(1, 0.004, 6))
        target = sum(float(n) for c, _, age, n in people if c == code and 6 <= int(age) <= 11)
        scale = target / history[-1].sum()
        rows += [
            [code, g + 1, 2010 + t, round(float(n * scale), 1)]
            for t, by_grade in enumerate(history)
            for g, n in enumerate(by_grade)
        ]
    return rows


def migration() -> list[list[object]]:
    """Net migrants a year by age: young adults, with their children, into the city or out of the counties."""
    age = np.arange(TOP + 1)
    profile = np.exp(-0.5 * ((age - 24) / 6.0) ** 2) + 0.25 * np.exp(-0.5 * ((age - 4) / 3.0) ** 2)
    profile /= profile.sum()
    rows = []
    for code, _, _, _, thousands in DISTRICTS:
        for sex in ("female", "male"):
            rows += [[code, sex, a, round(thousands * 500 * p, 2)] for a, p in enumerate(profile) if p > 1e-5]
    return rows


def housing_profile() -> list[list[object]]:
    """Ages of people moving into new estates: young families."""
    age = np.arange(TOP + 1)
    share = np.exp(-0.5 * ((age - 33) / 8.0) ** 2) + 0.45 * np.exp(-0.5 * ((age - 5) / 4.0) ** 2)
    share[share < 1e-4] = 0.0
    share /= share.sum()
    rounded = np.round(share, 6)
    rounded[33] += 1.0 - rounded.sum()
    return [[a, f"{s:.6f}"] for a, s in enumerate(rounded) if s > 0]


STAGES = {  # stage: (ages, enrolment ratio, public share, class size as run, pupils per teacher, kind, Chinese kind)
    "preschool": ((3, 5), 0.95, 0.45, 30, 15.0, "K", "幼儿园"),
    "primary": ((6, 11), 1.0, 0.94, 50, 19.0, "P", "小学"),
    "junior": ((12, 14), 1.0, 0.95, 55, 13.5, "J", "初中"),
    "senior_general": ((15, 17), 0.55, 0.9, 50, 12.5, "G", "普通高中"),
    "senior_vocational": ((15, 17), 0.35, 0.9, 45, 20.0, "V", "中职学校"),
}
SPARE_PRIVATE = {("140108", "primary"): 1.6}
"""Private sectors with more places than families choosing them (most are full): places x this."""
LOUFAN, LOUFAN_CENTRE = "140123", (111.77, 38.04)
VILLAGES = 8
"""Small village primary schools (村小) in Loufan, one class per grade: the rural consolidation option closes them."""
SCHOOL_COLUMNS = [
    "id",
    "name",
    "district",
    "stage",
    "sector",
    "classes",
    "places",
    "pupils",
    "inclusive",
    "opens",
    "closes",
    "teachers",
    "max_classes",
    "lon",
    "lat",
    "convertible",
]
CONVERTIBLE = {"K": 8, "P": 2}
"""In each urban district, the first private kindergartens and primary schools the plan may convert (民转公)."""


def schools(rng: np.random.Generator, people: list[list[object]]) -> list[list[object]]:
    """Schools sized to about the 2020 public and private demand of each district, with their 2020 pupils.

    Private schools take pupils up to their places (full where families choosing private outnumber
    them); public schools take the rest, shared in proportion to their classes with some spread.
    """
    by_age: dict[str, np.ndarray] = {}
    for code, _, age, n in people:
        by_age.setdefault(str(code), np.zeros(TOP + 1))[int(age)] += float(n)
    pupils_rng = np.random.default_rng(2021)  # pupils, staff and places apart, so the classes stay as they were
    rows = []
    for code, name, _, _, _ in DISTRICTS:
        for stage, ((lo, hi), ger, public_share, class_size, ratio, kind, label) in STAGES.items():
            pupils = by_age[code][lo : hi + 1].sum() * ger
            if code == XINGHUALING and stage == "preschool":
                public, private = xinghualing_kindergartens(rng)
            elif code == XINGHUALING and stage == "primary":
                public, private = [int(c) for c in split(900, 49, rng)], [24, 22]
            else:
                size = {"K": 7, "P": 20, "J": 18, "G": 30, "V": 24}[kind]
                lag = GROWTH_LAG if code == GROWTH_DISTRICT else 1.0
                villages = VILLAGES * 2 if code == LOUFAN and stage == "primary" else 0  # 2 classes' worth each
                public_classes = pupils * public_share / class_size * rng.uniform(0.9, 1.05) * lag - villages
                private_classes = pupils * (1 - public_share) / class_size * SPARE_PRIVATE.get((code, stage), 1.0)
                public = [int(c) for c in split(public_classes, max(1, round(public_classes / size)), rng)]
                private = [int(c) for c in split(private_classes, max(0, round(private_classes / size)), rng)]
            public, private = [max(c, 1) for c in public], [max(c, 1) for c in private]
            private_pupils = _private_pupils(pupils_rng, pupils * (1 - public_share), private, class_size)
            public_total = pupils - private_pupils.sum()
            if code == LOUFAN and stage == "primary":
                rows += villages_of_loufan(pupils_rng, name)
                public_total -= sum(row[7] for row in rows[-VILLAGES:])
            weights = np.array(public) * pupils_rng.uniform(0.85, 1.15, len(public))
            public_pupils = public_total * weights / weights.sum()
            for sector, counts, enrolled in (("public", public, public_pupils), ("private", private, private_pupils)):
                tag = "公办" if sector == "public" else "民办"
                for i, (classes, n) in enumerate(zip(counts, enrolled, strict=True), 1):
                    inclusive = ""
                    if kind == "K" and sector == "private":
                        inclusive = ("yes" if i <= 45 else "no") if code == XINGHUALING else _inclusive(i, counts)
                    here = sector == "public" and code == LOUFAN
                    rows.append(
                        [
                            f"{code}-{kind}{'U' if sector == 'public' else 'R'}{i:03d}",
                            f"{name}{tag}{label}{i}",
                            code,
                            stage,
                            sector,
                            classes,
                            "",
                            round(float(n)),
                            inclusive,
                            "",
                            "",
                            round(float(n) / ratio * pupils_rng.uniform(0.92, 1.08)) if sector == "public" else "",
                            classes + int(pupils_rng.integers(0, 7)) if sector == "public" else "",
                            *(_near_loufan(pupils_rng, 0.05) if here else ("", "")),
                            "yes"
                            if sector == "private" and code not in COUNTIES and i <= CONVERTIBLE.get(kind, 0)
                            else "",
                        ]
                    )
    return rows


def _inclusive(i: int, counts: list[int]) -> str:
    return "yes" if i <= 0.75 * len(counts) else ""


def _private_pupils(rng: np.random.Generator, choosing: float, classes: list[int], class_size: int) -> np.ndarray:
    """Pupils of each private school: full when families choosing private outnumber the places, else some empty."""
    places = np.array(classes, dtype=float) * class_size
    if choosing >= places.sum():
        return places
    filled = places * rng.uniform(0.5, 1.0, len(places))
    return np.minimum(filled * choosing / filled.sum(), places)


def _near_loufan(rng: np.random.Generator, spread: float) -> tuple[float, float]:
    """A point within ``spread`` degrees of latitude (twice that of longitude) of Loufan's centre."""
    lon, lat = LOUFAN_CENTRE
    return round(lon + rng.uniform(-2, 2) * spread, 4), round(lat + rng.uniform(-1, 1) * spread, 4)


def villages_of_loufan(rng: np.random.Generator, name: str) -> list[list[object]]:
    """Eight village schools of six small classes (one per grade), 40-90 pupils, seven to nine teachers."""
    rows = []
    for i in range(1, VILLAGES + 1):
        pupils = int(rng.integers(40, 91))
        rows.append(
            [
                f"{LOUFAN}-PV{i:03d}",
                f"{name}村小{i}",
                LOUFAN,
                "primary",
                "public",
                6,
                120,
                pupils,
                "",
                "",
                "",
                int(rng.integers(7, 10)),
                6,
                *_near_loufan(rng, 0.1),
                "",
            ]
        )
    return rows


def split(total: float, parts: int, rng: np.random.Generator) -> np.ndarray:
    """``total`` classes in ``parts`` schools of varied size, in whole classes."""
    if parts == 0:
        return np.zeros(0)
    weights = rng.uniform(0.6, 1.4, parts)
    classes = np.floor(total * weights / weights.sum())
    classes[: int(round(total - classes.sum()))] += 1
    return classes


def xinghualing_kindergartens(rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """100 kindergartens: 40 public (about 47.7% of the 16,760 children) and 60 private, 45 of them inclusive."""
    return [int(c) for c in split(266, 40, rng)], [int(c) for c in split(300, 60, rng)]


def sites() -> list[list[object]]:
    """Where the plan may build: in each district, a few sites per stage; land dearer in the city (illustrative)."""
    rows = []
    for code, name, _, _, _ in DISTRICTS:
        urban = code not in COUNTIES
        for stage, (*_, kind, label) in STAGES.items():
            most = (3 if urban else 2) if kind in "KPJ" else (2 if urban else 1)
            land = {"K": 10, "P": 30, "J": 30, "G": 50, "V": 40}[kind] * (1_000_000 if urban else 300_000)
            rows.append([code, stage, most, land, f"{name}{label}新址"])
    return rows


def main() -> None:
    rng = np.random.default_rng(2020)
    write(
        "districts.csv",
        ["code", "name", "name_en", "senior_area", "senior_area_name", "senior_area_name_en"],
        [
            [
                c,
                n,
                e,
                c if c in COUNTIES else "140100",
                n if c in COUNTIES else URBAN[0],
                e if c in COUNTIES else URBAN[1],
            ]
            for c, n, e, _, _ in DISTRICTS
        ],
    )
    people = population(rng)
    write("population_2020.csv", ["district", "sex", "age", "population"], people)
    write("survival.csv", ["sex", "age", "survival"], survival())
    write("fertility_shape.csv", ["age", "weight"], fertility_shape())
    write("births.csv", ["district", "year", "births"], births())
    write("migration.csv", ["district", "sex", "age", "net_migrants"], migration())
    write("housing_age_profile.csv", ["age", "share"], housing_profile())
    write("schools.csv", SCHOOL_COLUMNS, schools(rng, people))
    write("primary_history.csv", ["district", "grade", "year", "pupils"], primary_history(people))
    write("sites.csv", ["district", "stage", "most", "land_cost", "name"], sites())


if __name__ == "__main__":
    main()
