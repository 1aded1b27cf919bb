"""Ten Taiyuan scenarios as one sweep against ten separate ``placeplan run`` calls.

    python -m benchmarks.sweep [--workers 2]

prints one JSON line: the seconds of each way and their ratio.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time

SCENARIOS = [
    f"taiyuan/{name}"
    for name in (
        "baseline",
        "public_kindergarten",
        "migrant_pupils",
        "senior_95",
        "class_size",
        "housing_on_time",
        "housing_late",
        "low_growth",
        "fertility_rebound",
        "all_policies",
    )
]
PLACEPLAN = [sys.executable, "-m", "placeplan.simulate.cli"]


def timed(commands: list[list[str]], folder: str) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, help="run the sweep on a local Dask cluster of N workers")
    args = parser.parse_args()
    workers = ["--workers", str(args.workers)] if args.workers else []
    with tempfile.TemporaryDirectory() as separate, tempfile.TemporaryDirectory() as together:
        separate_seconds = timed([[*PLACEPLAN, "run", "-q", scenario] for scenario in SCENARIOS], separate)
        sweep_seconds = timed([[*PLACEPLAN, "run", "-q", *workers, *SCENARIOS]], together)
    print(
        json.dumps(
            {
                "scenarios": len(SCENARIOS),
                "workers": args.workers,
                "separate_seconds": separate_seconds,
                "sweep_seconds": sweep_seconds,
                "sweep_speedup": separate_seconds / sweep_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
