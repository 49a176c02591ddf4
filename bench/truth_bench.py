"""Attribution against known truth: how far each model's split of credit is from the causal one.

    python bench/truth_bench.py                          # as in bench/README.md: 1e5 and 1e6
    python bench/truth_bench.py --sizes 100000 --generators additive,recency   # a quick one

The journeys come from `accord.attribution.synthetic` (a fixed seed): each generator states the
chance a journey converts from its touches, so each channel's true credit, the expected
conversions lost when its touches are removed from every journey, is worked out exactly. Every
model runs on the same unique paths (with their segments and each touch's age); the distance is
the total-variation distance between the model's shares of conversions over channels and the
true shares (negative credit counts as none), in points: 0 is the truth, 100 is all credit on
the wrong channels. Each generator and size runs in its own process: times are per model, wall
clock and CPU (both cores count), and the peak memory is the process's, journeys included.
OpenBLAS runs on one thread unless OPENBLAS_NUM_THREADS says otherwise: on a shared machine its
idle threads spin, which costs more CPU than the counterfactual's small matrix products save.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

MODELS = [
    ("first touch", "first_touch", {}),
    ("last touch", "last_touch", {}),
    ("linear", "linear", {}),
    ("time decay", "time_decay", {}),
    ("position", "position_based", {}),
    ("Markov 1", "markov", {"order": 1}),
    ("Markov 2", "markov", {"order": 2}),
    ("Markov 3", "markov", {"order": 3}),
    ("Shapley", "shapley", {}),
    ("counterfactual", "counterfactual", {}),
]
GENERATORS = ["additive", "interactions", "recency", "confounded", "saturation"]


def distance(credit: np.ndarray, truth: np.ndarray) -> float:
    """Total-variation distance between two splits over channels, in points."""
    a, b = np.clip(credit, 0, None), np.clip(truth, 0, None)
    return float(50 * np.abs(a / a.sum() - b / b.sum()).sum())


def measure(generator: str, size: int) -> dict:
    from accord.attribution import attribute
    from accord.attribution.synthetic import generate

    known = generate(generator, size)
    rows = {}
    for label, model, options in MODELS:
        wall, cpu = time.perf_counter(), time.process_time()
        credit = attribute(known.paths, model, **options)
        rows[label] = {
            "distance": distance(credit.conversions, known.truth),
            "seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu,
        }
        if model == "counterfactual":
            fit = credit.details["fit"].row(0, named=True)
            rows[label] |= {"learner": fit["learner"], "auc": fit["held_out_auc"]}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"generator": generator, "size": size, "paths": known.paths.n_paths,
            "peak_mb": peak, "models": rows}  # fmt: skip


def table(results: list[dict]) -> str:
    lines = []
    for size in sorted({r["size"] for r in results}):
        these = [r for r in results if r["size"] == size]
        lines.append(f"\n{size:,} journeys: distance to the truth, points (lower is better)\n")
        lines.append("| model | " + " | ".join(r["generator"] for r in these) + " |")
        lines.append("| --- |" + " ---: |" * len(these))
        for label, _, _ in MODELS:
            cells = [f"{r['models'][label]['distance']:.1f}" for r in these]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        best = []
        for r in these:
            paths = min(v["distance"] for k, v in r["models"].items() if k != "counterfactual")
            best.append(f"{paths / max(r['models']['counterfactual']['distance'], 1e-9):.1f}x")
        lines.append("| best path model / counterfactual | " + " | ".join(best) + " |")
        lines.append(f"\n{size:,} journeys: seconds, wall (CPU)\n")
        lines.append("| model | " + " | ".join(r["generator"] for r in these) + " |")
        lines.append("| --- |" + " ---: |" * len(these))
        for label, _, _ in MODELS:
            cells = [
                f"{r['models'][label]['seconds']:.2f} ({r['models'][label]['cpu_seconds']:.2f})"
                for r in these
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append(
            "| peak memory, MB | " + " | ".join(f"{r['peak_mb']:.0f}" for r in these) + " |"
        )
        lines.append("| distinct paths | " + " | ".join(f"{r['paths']:,}" for r in these) + " |")
        fits = [
            f"{r['models']['counterfactual']['learner'].removeprefix('logistic regression, ')}, "
            f"AUC {r['models']['counterfactual']['auc']:.3f}"
            for r in these
        ]
        lines.append("| counterfactual's learner | " + " | ".join(fits) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--generators", default=",".join(GENERATORS))
    parser.add_argument("--measure", nargs=2, metavar=("GENERATOR", "SIZE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure[0], int(options.measure[1]))))
        return
    results = []
    for size in map(int, options.sizes.split(",")):
        for generator in options.generators.split(","):
            child = subprocess.run(
                [sys.executable, __file__, "--measure", generator, str(size)],
                check=True,
                capture_output=True,
                text=True,
                env={"OPENBLAS_NUM_THREADS": "1"} | dict(os.environ),
            )
            results.append(json.loads(child.stdout))
            print(f"{generator} {size}: done", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
