"""The one error a planner sees for bad input: which file, which key or row, what is wrong."""


class ScenarioError(ValueError):
    """Bad input in a scenario file or one of its tables (the CLI exits with code 2)."""
