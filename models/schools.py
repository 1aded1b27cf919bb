"""Schools: an area's pupils shared among its schools, and each school's class figures (MODEL.md, "Schools").

Arrays are ``[year, school]``; a *group* is the schools of one stage, area
and sector, and ``group[year, school]`` says which group a school is in that
year (``-1`` when it is not open). Pupils are shared by *weights* that start
at each school's base-year pupils (its places where they are not known) and
move with the events of each year:

- a school that closes passes its weight to the school named to take its
  pupils, else to the nearest open school of its group (where positions are
  known), else to every open school of its group in proportion to theirs;
- a school that opens, is converted into the group, or adds places takes a
  share of the group equal to its added places' share of the group's places
  (a school that others close into takes the larger of the two);
- a school-level forecast replaces a school's weight in the years it has one.

A group's pupils are then shared by weight. In a *capped* group (the private
sector) no school takes more than its places; the rest go to the others.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Index = NDArray[np.intp]

SUPER_OVERSIZED = 66.0
"""A class of more than 66 pupils is super-oversized (超大班额)."""


def allocate(
    total: Array,
    group: Index,
    places: Array,
    added: Array,
    start: Array,
    into: Index,
    position: Array,
    forecast: Array,
    capped: NDArray[np.bool_],
) -> Array:
    """Pupils ``[year, school]`` of every open school; each group's schools sum to ``total[year, group]``.

    ``places`` and ``added`` (places added that year by expansions) are
    ``[year, school]``; ``start`` the first year's weights; ``into`` the school
    taking a closing school's pupils (``-1`` none); ``position`` ``[school, 2]``
    longitude and latitude (NaN unknown); ``forecast`` ``[year, school]`` pupils
    that replace the weight where finite; ``capped`` ``[group]``. A group with
    pupils and no open school leaves them unplaced. After each year a school's
    weight is its pupils, so a school that changes sector brings them along.
    """
    years, _ = group.shape
    weight = np.where(group[0] >= 0, start, 0.0)
    pupils = np.zeros(group.shape)
    for t in range(years):
        if t:
            weight = carry(weight, group[t - 1], group[t], places[t], added[t], into, position)
        used = np.where(np.isfinite(forecast[t]), forecast[t], weight)
        pupils[t] = share(total[t], group[t], used, places[t], capped)
        weight = np.where((group[t] >= 0) & (total[t][np.maximum(group[t], 0)] > 0), pupils[t], weight)
    return pupils


def carry(weight: Array, before: Index, now: Index, places: Array, added: Array, into: Index, position: Array) -> Array:
    """Weights after one year's closures, openings, conversions and expansions."""
    groups = max(int(before.max(initial=-1)), int(now.max(initial=-1)), 0) + 1
    stays = (before >= 0) & (now == before)
    opened = (now >= 0) & (before < 0)
    moved = (now >= 0) & (before >= 0) & (now != before)  # converted: brings its pupils
    new_places = np.where(opened, places, np.where(stays, added, 0.0))
    targeted, spread = _passed(weight, before, now, now >= 0, into, position)
    out = np.where(stays | moved, weight, 0.0)
    here = now >= 0
    kept = np.bincount(now[here], out[here], minlength=groups)
    room = np.bincount(now[here], places[here], minlength=groups)
    grown = np.bincount(now[here], new_places[here], minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where((kept > 0) & (room > grown), kept / (room - grown), 1.0)
    gained = new_places * scale[np.maximum(now, 0)] * here
    return out + np.maximum(gained, targeted) + spread


def _passed(
    weight: Array, before: Index, now: Index, open_now: NDArray[np.bool_], into: Index, position: Array
) -> tuple[Array, Array]:
    """Weight passed by closing schools: to a named or nearest school (``targeted``), or spread in proportion."""
    targeted, spread = np.zeros_like(weight), np.zeros_like(weight)
    for school in np.flatnonzero((before >= 0) & (now < 0) & (weight > 0)):
        peers = np.flatnonzero(open_now & (now == before[school]))
        if not len(peers):
            continue
        target = into[school] if into[school] in peers else _nearest(int(school), peers, position)
        if target >= 0:
            targeted[target] += weight[school]
            continue
        base = np.where(before == now, weight, 0.0)[peers]
        spread[peers] += weight[school] * (base / base.sum() if base.sum() > 0 else 1.0 / len(peers))
    return targeted, spread


def _nearest(school: int, peers: Index, position: Array) -> int:
    """The peer nearest ``school`` by longitude and latitude, or -1 when positions are not known."""
    known = peers[~np.isnan(position[peers]).any(axis=1)]
    if np.isnan(position[school]).any() or not len(known):
        return -1
    lon, lat = position[school]
    dx = (position[known, 0] - lon) * np.cos(np.radians(lat))  # a degree of longitude is shorter
    dy = position[known, 1] - lat
    return int(known[np.argmin(dx**2 + dy**2)])


def share(total: Array, group: Index, weight: Array, places: Array, capped: NDArray[np.bool_]) -> Array:
    """One year: each group's ``total`` shared by weight; capped groups' schools take at most their places."""
    open_ = group >= 0
    g = np.maximum(group, 0)
    groups = len(total)
    left = total.astype(float).copy()
    active = open_.copy()
    out = np.zeros(len(weight))
    for _ in range(len(weight) + 1):
        mass = np.bincount(g[active], weight[active], minlength=groups)
        room = np.bincount(g[active], places[active], minlength=groups)
        count = np.bincount(g[active], minlength=groups).astype(float)
        by_places, evenly = (mass[g] <= 0) & (room[g] > 0), (mass[g] <= 0) & (room[g] <= 0)
        used = np.where(by_places, places, np.where(evenly, 1.0, weight))  # no weight left: by places, else evenly
        denominator = np.where(by_places, room[g], np.where(evenly, count[g], mass[g]))
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(active & (denominator > 0), left[g] * used / denominator, 0.0)
        over = active & capped[g] & (part > places * (1 + 1e-12))
        if not over.any():
            return np.where(active, part, out)
        out[over] = places[over]
        left -= np.bincount(g[over], places[over], minlength=groups)
        active &= ~over
    return out


def classes_in_use(pupils: Array, classes: Array, class_size: Array, grades: int) -> Array:
    """Classes a school runs: its pupils in standard classes, but at least one a grade while it has the rooms.

    ``max(ceil(pupils / class_size), min(classes, grades))`` for a school with
    pupils: a village school of 60 pupils in six grades runs six classes.
    """
    full = np.ceil(pupils / class_size - 1e-9)
    return np.where(pupils > 0, np.maximum(full, np.minimum(classes, grades)), 0.0)


def classes_short(pupils: Array, classes: Array, class_size: Array) -> Array:
    """Classrooms missing to seat the pupils in standard classes: ``max(0, ceil(pupils / class_size) - classes)``."""
    return np.maximum(np.ceil(pupils / class_size - 1e-9) - classes, 0.0)


def mean_class_size(pupils: Array, classes: Array) -> Array:
    """``pupils / classes``; NaN for a school without classes."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(classes > 0, pupils / classes, np.nan)


def over_size_cap(pupils: Array, cap: Array) -> Array:
    """Pupils above the school-size cap, ``max(0, pupils - cap)`` (NaN where there is no cap)."""
    return np.maximum(pupils - cap, 0.0)
