"""Capacity lines as figures by district and year: places by sector, bought places, staff and what actions add.

These do not depend on the population, so ensembles compute them once.
"""

import numpy as np
from numpy.typing import NDArray

from ..models import capacity as cap
from ..models.population import Array
from ..scenarios.capacity import NEVER, Lines
from ..scenarios.inputs import Inputs, StageInputs


def line_places(
    stage: StageInputs, lines: Lines, mine: NDArray[np.intp], codes: list[str], years: NDArray[np.int64]
) -> Array:
    """Places ``[year, line]`` of the stage's lines ``mine`` in the years they are open."""
    district = lines.districts_of(mine, codes)
    open_ = cap.is_open(lines.opens[mine], lines.closing()[mine], years)
    return cap.school_places(lines.classes[mine], lines.places[mine], stage.class_size[:, district]) * open_


def line_classes(stage: StageInputs, lines: Lines, mine: NDArray[np.intp], codes: list[str], places: Array) -> Array:
    """Classes ``[year, line]``: ``classes`` where given, else places over the standard class size."""
    district = lines.districts_of(mine, codes)
    given = lines.classes[mine]
    return np.where(np.isnan(given), places / stage.class_size[:, district], given) * (places > 0)


def district_capacity(stage: StageInputs, lines: Lines, inputs: Inputs) -> dict[str, Array]:
    """Figures ``[year, district]`` of one stage's lines.

    ``public_capacity`` (public places plus bought places), ``private_capacity``
    (private places not bought), ``bought_places``, ``inclusive_capacity``
    (public places plus the inclusive private places left), ``teachers`` (staff
    of open public schools, NaN where one of them has no count; only when the
    table gives counts), and what actions add in the year they take effect:
    ``new_places``, ``new_classes`` (built or expanded) and ``converted_places``.
    """
    codes, years = inputs.districts.codes, inputs.years
    mine = np.flatnonzero(np.array(lines.stage) == stage.name)
    district = lines.districts_of(mine, codes)
    parent = lines.parent[mine]
    kind = np.array(lines.kind, dtype=object)[mine]
    places = line_places(stage, lines, mine, codes, years)
    open_ = cap.is_open(lines.opens[mine], lines.closing()[mine], years)
    public = years[:, None] >= lines.public_from[parent][None, :]
    bought = kind == "buy"

    def by_district(values: Array) -> Array:
        return cap.area_totals(values, district, len(codes))

    public_places = by_district(places * (public & ~bought))
    private_places = by_district(places * ~public)
    purchased = by_district(places * bought)
    inclusive_private = by_district(places * (~public & lines.inclusive[parent]))
    starts = years[:, None] == lines.opens[mine][None, :]
    new = places * starts * np.isin(kind, ["build", "expand"])
    converting = years[:, None] == lines.public_from[parent][None, :]
    out = {
        "public_capacity": public_places + purchased,
        "private_capacity": private_places - purchased,
        "bought_places": purchased,
        "inclusive_capacity": public_places
        + purchased
        + cap.inclusive_private(inclusive_private, private_places, purchased),
        "new_places": by_district(new),
        "new_classes": by_district(line_classes(stage, lines, mine, codes, places) * (new > 0)),
        "converted_places": by_district(places * converting),
        "land_cost": by_district(np.nan_to_num(lines.land_cost[mine]) * starts * (kind == "build")),
    }
    staff = lines.teachers[mine]
    if not np.isnan(staff[kind == "school"]).all():
        converted = np.abs(lines.public_from[parent]) < NEVER  # a private school made public brings the staff
        staff = np.where(converted & np.isnan(staff), 0.0, staff)  # its row gives: none when blank (all to take on)
        counted = open_ & public & ~bought
        unknown = by_district((counted & np.isnan(staff)).astype(float)) > 0
        out["teachers"] = np.where(unknown, np.nan, by_district(np.nan_to_num(staff) * counted))
    return out


def capacities(inputs: Inputs) -> list[dict[str, Array]]:
    """Each stage's capacity figures ``[year, district]`` (they do not vary between draws)."""
    return [district_capacity(stage, inputs.lines, inputs) for stage in inputs.stages]
