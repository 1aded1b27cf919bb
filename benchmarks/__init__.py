"""The performance suite: ``python -m benchmarks.scale``, ``benchmarks.sweep`` and ``benchmarks.growth``."""
