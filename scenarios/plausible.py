"""Values that are legal but far from any real school system (a typo such as 0.45 for 45): warnings.

A run goes on with them (a planner may model an extreme on purpose); ``--strict`` makes them errors.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .loading import Loaded

Array = NDArray[np.float64]
STANDARDS = {
    "class_size": (10.0, 70.0, "pupils a class", "school systems"),
    "max_class_size": (10.0, 80.0, "pupils a class", "school systems"),
    "pupil_teacher_ratio": (3.0, 40.0, "pupils a teacher", "school systems"),
    "gross_enrolment": (0.05, 1.5, "enrolled per child of school age", "school systems"),
}
"""A stage's standards and the span real school systems keep them in (China's norms lie well inside:
kindergarten classes of 25-35, a 56-pupil class is oversized, 11-19 pupils a teacher)."""
TFR = (0.3, 8.0, "children per woman", "populations")
"""Children per woman that populations have had."""
HOUSEHOLD = (1.0, 8.0, "persons a dwelling", "households")
"""Persons per dwelling."""


def unlikely(loaded: Loaded, stages: list[Any], fertility: Array | None) -> list[str]:
    """A warning for each stage standard, TFR and household size outside what school systems and populations show."""
    found = []
    for stage in stages:
        for key, span in STANDARDS.items():
            found += _outside(loaded.where("stages", stage.name, key), getattr(stage, key), *span)
    if fertility is not None:  # the TFR each district and year comes to, however the rates were given
        where = loaded.where("population", "fertility")
        found += _outside(where, fertility.sum(axis=-1), *TFR)
    for name, development in loaded.scenario.housing.developments.items() if loaded.scenario.housing else ():
        where = loaded.where("housing", "developments", name, "persons_per_dwelling")
        found += _outside(where, np.array([development.persons_per_dwelling]), *HOUSEHOLD)
    return found


def _outside(where: str, values: Array, least: float, most: float, unit: str, seen_in: str) -> list[str]:
    far = values[(values < least) | (values > most)]
    if not far.size:
        return []
    return [f"{where}: {far.flat[0]:g} {unit} is far outside what {seen_in} show ({least:g} to {most:g}); check it"]
