"""The performance suite: ``python -m benchmarks.scale``, ``python -m benchmarks.sweep``, ``python -m benchmarks.growth``."""
