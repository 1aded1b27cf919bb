"""The plan's sites table: where new schools may go, how many, and what the land costs."""

import math
from dataclasses import dataclass

from .loading import Loaded
from .tables import Table


@dataclass(frozen=True)
class SiteRow:
    """A site for new schools of a stage in a district."""

    district: str
    stage: str
    most: float
    """Most schools built on it over the plan (``inf``: no limit)."""
    land_cost: float
    """Cost of the land of each school built there."""
    name: str


def read_sites(loaded: Loaded, codes: list[str], stages: list[str], warnings: list[str]) -> list[SiteRow]:
    """The rows of ``plan: sites`` (none when the scenario gives no table; sites of stages the scenario does not
    plan left out, with a warning)."""
    path = loaded.scenario.plan.sites
    if path is None:
        return []
    table = Table.read(path, "plan.sites", columns=("district", "stage", "most", "land_cost", "name"))
    table.require("district", "stage")
    table.of_stages(stages, warnings, "sites")
    districts = table.codes("district", codes)
    stage = table.codes("stage", stages, what="stage of the scenario")
    most = table.numbers("most", "whole", default=math.inf)
    land = table.numbers("land_cost", "count", default=0.0)
    names = [str(v) for v in table.text("name")] if "name" in table.frame else [""] * len(districts)
    table.unique("district", "stage")
    return [SiteRow(*row) for row in zip(districts, stage, most, land, names, strict=True)]
