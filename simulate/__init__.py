"""The engine: run a validated scenario, return the Result, write its files; the CLI lives here."""

from .api import prepare, run_scenario, simulate
from .engine import run

__all__ = ["prepare", "run", "run_scenario", "simulate"]
