"""The examples in the models' docstrings run and give what they say."""

import doctest
import importlib
import pkgutil

import pytest

import placeplan.models

MODULES = [m.name for m in pkgutil.iter_modules(placeplan.models.__path__) if m.name != "ensemble"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"placeplan.models.{name}")
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
