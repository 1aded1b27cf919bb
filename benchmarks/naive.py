"""The naive reference: the cohort-component step written as a plain Python loop, as fast as pure Python goes.

One draw, one district, one year at a time, over lists of floats: no NumPy, no pandas in the loop. It reads
the same inputs as the ensemble (net migrants and rates scaled by draw, housing delivered and late by draw,
moves between districts), so the benchmark can check both agree and time them on the same work.
"""

import numpy as np

from placeplan.models.population import Flows


def project(
    base: np.ndarray,
    survival: np.ndarray,
    fertility: np.ndarray,
    tfr: np.ndarray,
    newborn_share: np.ndarray,
    counts: np.ndarray,
    rates: np.ndarray,
    scale: np.ndarray,
    housing: tuple[np.ndarray, np.ndarray, np.ndarray],
    flows: Flows,
) -> np.ndarray:
    """``[year, draw, district, sex, age]``, draw by draw, year by year, district by district."""
    years, draws = counts.shape[0], len(tfr)
    districts, sexes, ages = base.shape
    planned, delivered, delay = housing
    lists = {name: array.tolist() for name, array in (("survival", survival), ("fertility", fertility))}
    lists.update(share=newborn_share.tolist(), counts=counts.tolist(), rates=rates.tolist(), planned=planned.tolist())
    persons, origin, destination = flows.persons.tolist(), flows.origin.tolist(), flows.destination.tolist()
    out = np.zeros((years, draws, *base.shape))
    for n in range(draws):
        population = base.tolist()
        out[0, n] = population
        late, got = int(delay[n]), float(delivered[n])
        for t in range(years - 1):
            for d in range(districts):
                population[d] = _step(population[d], d, t, lists, float(tfr[n]), float(scale[n]), late, got)
            _move(population, origin, destination, persons[t + 1])
            out[t + 1, n] = population
    return out


def _step(now: list, d: int, t: int, lists: dict, tfr: float, scale: float, late: int, got: float) -> list:
    """One district one year: age, bear, migrate, clip."""
    alive, rates, counts = lists["survival"][t][d], lists["rates"][t + 1][d], lists["counts"][t + 1][d]
    housing = lists["planned"][t + 1 - late][d] if t + 1 - late >= 0 else None
    born = tfr * sum(f * w for f, w in zip(lists["fertility"][t][d], now[0][15:50], strict=True))
    nxt = []
    for s, (here, survive) in enumerate(zip(now, alive, strict=True)):
        top = len(here) - 1
        aged = [born * lists["share"][t][d][s]]
        aged += [here[a - 1] * survive[a - 1] for a in range(1, top)]
        aged.append(here[top - 1] * survive[top - 1] + here[top] * survive[top])
        row = []
        for a, value in enumerate(aged):
            migrants = (counts[s][a] + rates[s][a] * value) * scale
            if housing is not None:
                migrants += housing[s][a] * got
            row.append(max(value + migrants, 0.0))
        nxt.append(row)
    return nxt


def _move(population: list, origin: list, destination: list, persons: list) -> None:
    """Moves between districts: an origin gives at most what it has, each flow out cut in proportion."""
    asked: dict = {}
    for p, o in enumerate(origin):
        cells = asked.setdefault(o, [[0.0] * len(row) for row in population[o]])
        for s, row in enumerate(persons[p]):
            for a, value in enumerate(row):
                cells[s][a] += value
    given = {
        o: [
            [have / want if want > have else 1.0 for have, want in zip(*rows, strict=True)]
            for rows in zip(population[o], cells, strict=True)
        ]
        for o, cells in asked.items()
    }
    for o, cells in asked.items():
        for s, row in enumerate(cells):
            for a, want in enumerate(row):
                population[o][s][a] = max(population[o][s][a] - want * given[o][s][a], 0.0)
    for p, (o, d) in enumerate(zip(origin, destination, strict=True)):
        for s, row in enumerate(persons[p]):
            for a, value in enumerate(row):
                population[d][s][a] += value * given[o][s][a]
