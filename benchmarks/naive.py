"""The naive reference: one cohort-component step per draw, district and year, in plain Python and pandas."""

import numpy as np
import pandas as pd


def step(
    population: pd.DataFrame,
    survival: pd.Series,
    fertility: pd.Series,
    tfr: float,
    newborn_share: pd.Series,
    migrants: pd.DataFrame,
) -> tuple[pd.DataFrame, float]:
    """One district one year: ``population`` has columns female, male indexed by age."""
    top = population.index.max()
    births = sum(fertility[a] * tfr * population.loc[15 + a, "female"] for a in range(35))
    nxt = pd.DataFrame(0.0, index=population.index, columns=population.columns)
    for sex in population.columns:
        for age in population.index:
            if age == 0:
                aged = births * newborn_share[sex]
            elif age == top:
                aged = (
                    population.loc[age - 1, sex] * survival[(sex, age - 1)]
                    + population.loc[age, sex] * survival[(sex, age)]
                )
            else:
                aged = population.loc[age - 1, sex] * survival[(sex, age - 1)]
            nxt.loc[age, sex] = max(aged + migrants.loc[age, sex], 0.0)
    return nxt, births


def project(
    base: np.ndarray,
    survival: np.ndarray,
    fertility: np.ndarray,
    tfr: np.ndarray,
    newborn_share: np.ndarray,
    counts: np.ndarray,
    scale: np.ndarray,
    years: int,
) -> np.ndarray:
    """``[year, draw, district, sex, age]`` by looping over draws, districts and years."""
    sexes = ["female", "male"]
    ages = range(base.shape[-1])
    out = np.zeros((years, len(tfr), *base.shape))
    for n in range(len(tfr)):
        for d in range(base.shape[0]):
            population = pd.DataFrame(base[d].T, index=ages, columns=sexes)
            out[0, n, d] = population.to_numpy().T
            for t in range(years - 1):
                s = pd.Series({(sex, a): survival[t, d, i, a] for i, sex in enumerate(sexes) for a in ages})
                migrants = pd.DataFrame(counts[t + 1, d].T * scale[n], index=ages, columns=sexes)
                share = pd.Series(newborn_share[t, d], index=sexes)
                population, _ = step(population, s, pd.Series(fertility[t, d]), tfr[n], share, migrants)
                out[t + 1, n, d] = population.to_numpy().T
    return out
