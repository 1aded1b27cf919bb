"""The model math: pure functions on numpy arrays (no files, no plotting).

Axis order, used by every module here:

- population arrays: ``[year, ..., sex, age]`` where ``...`` is usually
  ``district`` (and ``draw, district`` in ensembles); sex index 0 is female,
  1 is male; age is completed years ``0..A`` with ``A`` the open top group.
- district figures: ``[year, ...]``; school figures: ``[year, school]``.
"""

FEMALE, MALE = 0, 1
SEXES = ("female", "male")
PROVEN = 1e-9
"""The build plan's relative optimality gap that counts as proven: below it, a gap is rounding in sums of ~1e10."""
