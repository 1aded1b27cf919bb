"""How long a planner waits for each command: wall-clock medians of whole processes, as a user runs them.

    python -m benchmarks.commands [--repeat 7] [--only help,run]

prints one JSON line per command: the median and fastest of ``--repeat`` runs,
and the median of a bare ``python -c pass`` (the floor no command can beat).
Runs are made as without the optional ``[cluster]`` extra (Dask unimportable,
the plain ``pip install``) and, with ``--with-dask``, also as with it.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WITHOUT_DASK = "import sys; sys.modules['dask'] = None; from placeplan.simulate.cli import main; main()"
WITH_DASK = "from placeplan.simulate.cli import main; main()"
BAD = "name: bad\nbase_yaer: 2020\n"


def commands(folder: Path) -> dict[str, list[str]]:
    """The commands timed, by name."""
    out = str(folder / "out")
    return {
        "help": ["--help"],
        "version": ["--version"],
        "validate_bad_file": ["validate", str(folder / "bad.yaml")],
        "validate_taiyuan": ["validate", "taiyuan"],
        "run_taiyuan_no_maps": ["run", "taiyuan", "-q", "--no-maps", "--out", out],
        "run_taiyuan": ["run", "taiyuan", "-q", "--out", out],
        "report_taiyuan": ["report", out, "--out", str(folder / "report")],  # of the run above
    }


USER = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""The environment a user runs in: Python keeps compiled modules (a sandbox that sets PYTHONDONTWRITEBYTECODE
would compile every placeplan module again on every run, 50 ms of an editable install's start)."""


def timed(argv: list[str], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` runs of ``argv``."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=USER)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", help="comma-separated command names (default: all)")
    parser.add_argument("--with-dask", action="store_true", help="also time runs with Dask importable")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "bad.yaml").write_text(BAD, encoding="utf-8")
        floor = statistics.median(timed([sys.executable, "-c", "pass"], args.repeat))
        chosen = commands(folder)
        if args.only:
            chosen = {name: argv for name, argv in chosen.items() if name in args.only.split(",")}
        setups = {"without_dask": WITHOUT_DASK, **({"with_dask": WITH_DASK} if args.with_dask else {})}
        for setup, code in setups.items():
            for name, argv in chosen.items():
                seconds = timed([sys.executable, "-c", code, *argv], args.repeat)
                line = {
                    "command": name,
                    "setup": setup,
                    "median_s": round(statistics.median(seconds), 3),
                    "fastest_s": round(min(seconds), 3),
                    "python_floor_s": round(floor, 3),
                    "repeat": args.repeat,
                }
                print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
