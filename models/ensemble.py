"""The cohort-component step for many draws at once, fused into one pass per year (numba).

Arrays are ``[draw, district, sex, age]``. One call of :func:`advance` does
steps 1-4 of the cohort-component method (MODEL.md) for every draw and
district, reading each cell once and writing it once, so a year costs about
what copying the population costs. :func:`project_draws` loops it over the
years; it agrees with :func:`placeplan.models.population.cohort_component`.
"""

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from .population import Projection

Array = NDArray[np.float64]


@njit(parallel=True, cache=True)
def advance(
    now: Array,
    nxt: Array,
    survival: Array,
    fertility: Array,
    tfr: Array,
    newborn_share: Array,
    counts: Array,
    rates: Array,
    fixed: Array,
    extra: Array,
    observed: Array,
    scale: Array,
    out: Array,
) -> None:
    """One year for all draws: ``nxt`` from ``now``; ``out[:, :, 0..3]`` = births, deaths, net migration, clipped.

    ``survival``, ``counts``, ``rates``, ``fixed`` are ``[district, sex, age]``
    (``counts`` and ``rates`` are scaled by ``scale[draw]``, ``fixed`` is not);
    ``fertility`` is ``[district, 35]`` scaled by ``tfr[draw]``; ``newborn_share``
    ``[district, sex]`` is the sex share times infant survival; ``extra`` is
    ``[draw, district, sex, age]`` or empty; ``observed`` ``[district]`` births
    replace the model where not NaN.
    """
    draws, districts, sexes, ages = now.shape
    top = ages - 1
    has_extra = extra.shape[0] > 0
    for cell in prange(draws * districts):
        n, d = cell // districts, cell % districts
        born = observed[d]
        if np.isnan(born):
            born = 0.0
            for a in range(35):
                born += fertility[d, a] * now[n, d, 0, 15 + a]
            born *= tfr[n]
        before, aged_total, moved, clipped = 0.0, 0.0, 0.0, 0.0
        for s in range(sexes):
            for a in range(ages):
                before += now[n, d, s, a]
                if a == 0:
                    aged = born * newborn_share[d, s]
                elif a == top:
                    aged = now[n, d, s, a - 1] * survival[d, s, a - 1] + now[n, d, s, a] * survival[d, s, a]
                else:
                    aged = now[n, d, s, a - 1] * survival[d, s, a - 1]
                aged_total += aged
                migrants = scale[n] * (counts[d, s, a] + rates[d, s, a] * aged) + fixed[d, s, a]
                if has_extra:
                    migrants += extra[n, d, s, a]
                value = aged + migrants
                if value < 0.0:
                    clipped -= value
                    value = 0.0
                nxt[n, d, s, a] = value
                moved += migrants
        out[n, d, 0] = born
        out[n, d, 1] = before + born - aged_total
        out[n, d, 2] = moved + clipped
        out[n, d, 3] = clipped


def project_draws(
    base: Array,
    survival: Array,
    fertility: Array,
    tfr: Array,
    newborn_share: Array,
    counts: Array,
    rates: Array,
    fixed: Array,
    observed: Array,
    scale: Array,
    extra: Array | None = None,
) -> Projection:
    """Project ``base`` ``[district, sex, age]`` for every draw: population ``[year, draw, district, sex, age]``.

    Year-indexed inputs are ``[year, ...]`` as in ``cohort_component``
    (migration counted in ``year``, rates by year, the rest applied from
    ``year`` to ``year + 1``); ``tfr`` and ``scale`` are ``[draw]`` multipliers;
    ``extra`` ``[year, draw, district, sex, age]`` adds migrants per draw.
    """
    years, draws = counts.shape[0], len(tfr)
    population = np.empty((years, draws, *base.shape))
    population[0] = base
    totals = np.zeros((years, draws, base.shape[0], 4))
    none = np.zeros((0, 1, 1, 1))
    for t in range(years - 1):
        advance(
            population[t],
            population[t + 1],
            survival[t],
            fertility[t],
            tfr,
            newborn_share[t],
            counts[t + 1],
            rates[t + 1],
            fixed[t + 1],
            none if extra is None else np.ascontiguousarray(extra[t + 1]),
            observed[t],
            scale,
            totals[t],
        )
    born, died, moved, clipped = np.moveaxis(totals, -1, 0)
    return Projection(population, born, died, moved, clipped)
