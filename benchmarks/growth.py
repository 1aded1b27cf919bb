"""How the projection's cost grows with districts, years and draws: a log-log plot.

    python -m benchmarks.growth [--out docs/images/performance.png]

prints one JSON line per size and the fitted exponent of each dimension.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from .scale import projection

BASE = {"districts": 300, "years": 10, "draws": 50}
SWEEPS = {"districts": [100, 300, 1000, 2900], "years": [5, 10, 20, 30], "draws": [10, 50, 200, 500]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs/images/performance.png"))
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    for dimension, sizes in SWEEPS.items():
        seconds = []
        for size in sizes:
            line = {**BASE, dimension: size}
            measured = projection(line["districts"], line["years"], line["draws"])
            seconds.append(measured["projection_seconds"])
            print(json.dumps({**line, **measured}))
        slope = np.polyfit(np.log(sizes), np.log(seconds), 1)[0]
        print(json.dumps({"dimension": dimension, "exponent": round(float(slope), 2)}))
        relative = np.array(sizes) / BASE[dimension]
        ax.loglog(relative, seconds, marker="o", label=f"{dimension} (exponent {slope:.2f})")
    ax.set_xlabel("size relative to 300 districts x 10 years x 50 draws")
    ax.set_ylabel("projection seconds")
    ax.set_title("placeplan projection cost (2 cores)")
    ax.grid(which="both", alpha=0.3)
    ax.legend(frameon=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=150)


if __name__ == "__main__":
    main()
