"""Scenario files: schema, loading with ``extends:``/``options:``, tables and checks.

>>> from placeplan.scenarios import load, read_inputs
>>> inputs = read_inputs(load("taiyuan"))  # doctest: +SKIP
"""

from .errors import ScenarioError
from .inputs import Inputs, read_inputs
from .load import Loaded, load

__all__ = ["Inputs", "Loaded", "ScenarioError", "load", "read_inputs"]
