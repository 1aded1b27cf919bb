"""placeplan: enrolment and school-place planning.

Population projections by district and single year of age feed a capacity
model that computes the public school places needed by district (or planning
area), stage and year. See ``docs/methods.md``.
"""

__version__ = "0.1.0"
