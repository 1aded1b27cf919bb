"""Synthetic national-scale inputs, generated in the benchmark (2,900 districts is China's county count).

Realistic in what the ensemble step reads: net migrants, out-migration rates, a new estate in one district
in ten (delivered and late by draw), and moves from one district in ten to its neighbour.
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from placeplan.models.population import Flows

AGES = 101
EVERY = 10
PROFILE = np.exp(-0.5 * ((np.arange(AGES) - 25) / 6) ** 2)
"""Ages of those who move: migrants, movers between districts and new residents."""
"""One district in ``EVERY`` has new housing, and one in ``EVERY`` sends people to the next."""


@dataclass
class Arrays:
    """Inputs of ``project_draws`` for ``districts`` and ``years``."""

    base: np.ndarray
    survival: np.ndarray
    fertility: np.ndarray
    newborn_share: np.ndarray
    counts: np.ndarray
    observed: np.ndarray
    rates: np.ndarray
    """Net migration rates (out-migration, negative) ``[year, district, sex, age]``."""
    housing: np.ndarray
    """Residents of new housing ``[year, district, sex, age]``."""
    flows: Flows


def arrays(districts: int, years: int, seed: int = 0) -> Arrays:
    """Plausible populations (10k-1M per district), Gompertz survival, a fertility hump, small net migration."""
    rng = np.random.default_rng(seed)
    age = np.arange(AGES)
    shape = np.interp(age, [0, 20, 35, 55, 70, 90, 100], [0.8, 1.0, 1.4, 1.3, 0.8, 0.15, 0.01])
    size = rng.lognormal(np.log(150_000), 0.8, districts)
    base = np.repeat((size[:, None] * shape / shape.sum())[:, None, :] / 2, 2, axis=1)
    hazard = 0.0005 + 0.00003 * np.exp(0.095 * (age + 0.5))
    survival = np.broadcast_to(np.exp(-hazard).clip(0, 1), (years, districts, 2, AGES))
    weight = np.exp(-0.5 * ((np.arange(15, 50) - 29.5) / 5) ** 2)
    fertility = np.broadcast_to(1.1 * weight / weight.sum(), (years, districts, 35))
    profile = PROFILE
    counts = rng.normal(0, 0.002, (1, districts, 1, 1)) * size[None, :, None, None] * profile / profile.sum()
    counts = np.broadcast_to(counts, (years, districts, 2, AGES))
    share = np.broadcast_to(np.array([1 / 2.11, 1.11 / 2.11]) * 0.995, (years, districts, 2))
    observed = np.full((years, districts), np.nan)
    rates = np.broadcast_to(-0.01 * profile / profile.max(), (years, districts, 2, AGES))
    housing = np.zeros((years, districts, 2, AGES))
    housing[1:, ::EVERY] = 5_000 * 2.8 / 3 * profile / profile.sum() / 2  # 5,000 dwellings over 3 years
    origin = np.arange(0, districts - 1, EVERY)
    persons = np.broadcast_to(0.001 * size[origin, None, None] * profile / profile.sum(), (years, len(origin), 2, AGES))
    flows = Flows(origin, origin + 1, np.ascontiguousarray(persons))
    return Arrays(base, survival, fertility, share, counts, observed, rates, housing, flows)


def scenario(districts: int, years: int, folder: Path, seed: int = 0) -> Path:
    """A scenario folder for the same synthetic country: tables, five stages, one school per district and stage."""
    data = arrays(districts, 2, seed)
    codes = [f"D{i:05d}" for i in range(districts)]
    rows = [
        f"{code},{name},{a},{value:.3f}\n"
        for i, code in enumerate(codes)
        for s, name in enumerate(("female", "male"))
        for a, value in enumerate(data.base[i, s])
    ]
    (folder / "population.csv").write_text("district,sex,age,population\n" + "".join(rows))
    (folder / "districts.csv").write_text("code,name\n" + "".join(f"{c},{c}\n" for c in codes))
    survival = data.survival[0, 0]
    (folder / "survival.csv").write_text(
        "sex,age,survival\n"
        + "".join(f"{n},{a},{survival[s, a]:.6f}\n" for s, n in enumerate(("female", "male")) for a in range(AGES))
    )
    (folder / "shape.csv").write_text(
        "age,weight\n" + "".join(f"{15 + a},{w:.6f}\n" for a, w in enumerate(data.fertility[0, 0]))
    )
    _by_district_sex_age(folder / "migration.csv", "net_migrants", codes, data.counts[0], 4)
    _by_district_sex_age(folder / "out_rates.csv", "rate", codes, -data.rates[0], 6)  # as official projections
    (folder / "age_profile.csv").write_text(
        "age,share\n" + "".join(f"{a},{w!r}\n" for a, w in enumerate((PROFILE / PROFILE.sum()).tolist()))
    )
    flows = data.flows
    (folder / "flows.csv").write_text(
        "origin,destination,sex,age,persons\n"
        + "".join(
            f"{codes[o]},{codes[d]},{n},{a},{flows.persons[0, p, s, a]:.4f}\n"
            for p, (o, d) in enumerate(zip(flows.origin, flows.destination, strict=True))
            for s, n in enumerate(("female", "male"))
            for a in range(15, 40)
        )
    )
    developments = {
        f"estate_{code}": {"district": code, "dwellings": 5000, "completion_year": 2027, "occupancy_years": 3}
        for code in codes[::EVERY]
    }
    stages = {"preschool": 45, "primary": 300, "junior": 150, "senior_general": 80, "senior_vocational": 50}
    schools = [
        f"{code}-{stage},{code} {stage},{code},{stage},public,{classes}\n"
        for code in codes
        for stage, classes in stages.items()
    ]
    (folder / "schools.csv").write_text("id,name,district,stage,sector,classes\n" + "".join(schools))
    spec = {
        "name": "synthetic",
        "base_year": 2025,
        "end_year": 2025 + years,
        "districts": "districts.csv",
        "population": {
            "base": "population.csv",
            "survival": "survival.csv",
            "fertility": {"tfr": 1.1, "shape": "shape.csv"},
            "migration": {"table": "migration.csv"},
            "gross_migration": {"out_rates": "out_rates.csv"},
            "flows": "flows.csv",
        },
        "housing": {"age_profile": "age_profile.csv", "developments": developments},
        "stages": {
            "preschool": {"gross_enrolment": 0.9, "public_share": 0.5},
            "primary": {"public_share": 0.95},
            "junior": {"public_share": 0.95},
            "senior_general": {"gross_enrolment": 0.55, "public_share": 0.9},
            "senior_vocational": {"gross_enrolment": 0.35, "public_share": 0.9},
        },
        "schools": "schools.csv",
        "uncertainty": {"tfr": 0.1, "migration_scale": 0.3, "housing_delivery": 0.2, "housing_delay": 2},
    }
    path = folder / "synthetic.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def _by_district_sex_age(path: Path, column: str, codes: list[str], values: np.ndarray, digits: int) -> None:
    """A ``district, sex, age, column`` table of ``values`` ``[district, sex, age]`` at the ages migrants move."""
    sexes = ("female", "male")
    rows = (
        f"{code},{n},{a},{values[i, s, a]:.{digits}f}\n"
        for i, code in enumerate(codes)
        for s, n in enumerate(sexes)
        for a in range(15, 40)
    )
    path.write_text(f"district,sex,age,{column}\n" + "".join(rows))


class TemporaryScenario:
    """A synthetic scenario in a temporary folder, removed afterwards."""

    def __init__(self, districts: int, years: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="placeplan-bench-"))
        self.path = scenario(districts, years, self.folder)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
