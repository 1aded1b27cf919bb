"""Ensemble draws: seeded perturbations of the uncertain inputs, one generator per draw.

Draw ``d`` of seed ``s`` always uses ``numpy.random.default_rng([s, d])``, so a
draw is the same whatever the number of draws, chunks or workers.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..scenarios.schema import Uncertainty

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Draws:
    """The perturbation of each draw ``[draw]``."""

    tfr: Array
    """TFR multiplier, ``exp(sd * z)``."""
    migration: Array
    """Net-migration multiplier, ``max(0, 1 + sd * z)``."""
    housing: Array
    """Multiplier of the dwellings delivered, ``max(0, 1 + sd * z)``."""
    delay: NDArray[np.intp]
    """Years every development is late, ``0..housing_delay``."""
    past: Array
    """Uniform in [0, 1): which past origin's forecast errors a grade-progression stage replays."""


def draw(uncertainty: Uncertainty, draws: int, seed: int, first: int = 0) -> Draws:
    """Draws ``first .. first + draws - 1`` of ``seed``."""
    numbers = np.empty((draws, 5))
    for i in range(draws):
        rng = np.random.default_rng([seed, first + i])
        numbers[i, :3] = rng.standard_normal(3)
        numbers[i, 3] = rng.integers(0, uncertainty.housing_delay + 1)
        numbers[i, 4] = rng.random()
    return Draws(
        tfr=np.exp(uncertainty.tfr * numbers[:, 0]),
        migration=np.maximum(0.0, 1.0 + uncertainty.migration_scale * numbers[:, 1]),
        housing=np.maximum(0.0, 1.0 + uncertainty.housing_delivery * numbers[:, 2]),
        delay=numbers[:, 3].astype(np.intp),
        past=numbers[:, 4],
    )
