"""The engine's run paths, this checkout against another: ``simulate``, ``simulate_many``,
α families (engine alone, and packed for the chart as a settled view sends them) and a
sweep, in CPU seconds (median of the rounds, the two checkouts' processes alternating so
the machine's load hits them alike).

Every trajectory goes through one compiled program, ``simulate``'s, a loop over runs
(``engine.each_run``), so that a family member or a run of ``simulate_many`` is the run
``simulate`` returns, bit for bit. ``--reference`` times the same calls in another
checkout (say, one that called the single run once per member), in its own processes.
The "packed" rows are what the explore page's sliders compute for a settled view on the
staircase (``optiviz.scenes.family`` and ``chart_sliders.family_chart``, without Streamlit's
caches): the race's α family, the single run's α and k families with exponential decay
at 150 and 2,000 steps (a window of stops), and Compare optimizers' three.

    .venv/bin/python -m bench.sweep runs                          # this checkout alone
    .venv/bin/python -m bench.sweep runs --reference /tmp/old     # and the ratio to another
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys, time
import numpy as np
import optiviz
from optiviz.scenes import family, params

stops = params.alpha_options()
rosen = stops[family.window(len(stops), stops.index(0.0042), 500)]
calls = {
    "simulate staircase sgd 150": lambda: optiviz.simulate("staircase", "sgd", alpha=0.8),
    "simulate rosenbrock adam 500": lambda: optiviz.simulate("rosenbrock", "adam", alpha=0.01),
    "simulate logistic_regression sgd 150": lambda: optiviz.simulate(
        "logistic_regression", "sgd", alpha=0.5
    ),
    "simulate_many staircase 4 rates": lambda: optiviz.simulate_many(
        "staircase", "sgd", alphas=[0.055, 0.8, 2.8, 0.8]
    ),
    "simulate_many staircase 50 seeds": lambda: optiviz.simulate_many(
        "staircase", "sgd", alphas=[0.8] * 50, noise=0.3, seeds=list(range(50))
    ),
    f"family staircase sgd {len(stops)} stops": lambda: family.family(
        "staircase", "sgd", "alpha", stops, alpha=0.0
    ),
    f"family rosenbrock sgd {len(rosen)} stops x 500": lambda: family.family(
        "rosenbrock", "sgd", "alpha", rosen, alpha=0.0
    ),
    "packed: race α family (sgd)": lambda: packed([("sgd", "alpha", {})]),
    "packed: single run α + k families, exponential": lambda: packed(EXPONENTIAL),
    "packed: single run α + k families, exponential, 2000 steps": lambda: packed(
        EXPONENTIAL, 2000
    ),
    "packed: Compare optimizers α families (sgd, momentum, adam)": lambda: packed(
        [(name, "alpha", {}) for name in ("sgd", "momentum", "adam")]
    ),
    "sweep rosenbrock adam 128x128 x 500": lambda: optiviz.sweep(
        "rosenbrock", "adam", alphas=np.geomspace(1e-3, 0.1, 128),
        ks=np.linspace(0, 0.02, 128), schedule="exponential", start=[-1.5, 2.0], steps=500,
    ),
}
from optiviz.core import surfaces
from optiviz.figures import chart_sliders

staircase = surfaces.get("staircase")
box = [list(b) for b in staircase.bounds]
EXPONENTIAL = [("sgd", key, {"schedule": "exponential", "k": 0.01}) for key in ("alpha", "k")]


# Each (optimizer, slider, keywords) family of the staircase at α = 0.8 from (0.3, 1.0),
# over the stops the sliders send around the view's value (family.window), packed.
def packed(families, steps=150):
    for optimizer, key, kw in families:
        kw = {"alpha": 0.8, "k": 0.0, **kw}
        options = params.PARAMS[key].options()
        at = family.window(len(options), chart_sliders.nearest_index(options, kw[key]), steps)
        fam = family.family(
            staircase, optimizer, key, options[at], start=(0.3, 1.0), steps=steps, **kw
        )
        chart_sliders.family_chart(fam, 0, ["run"] * len(fam), staircase, box)


repeats = int(sys.argv[1])
out = {}
for name, call in calls.items():
    call()
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        samples.append(time.process_time() - start)
    out[name] = sorted(samples)[len(samples) // 2]
print(json.dumps(out))
"""


def _child(tree: Path, repeats: int) -> dict[str, float]:
    """One process in ``tree``: each call's median CPU seconds."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OPTIVIZ_WARMUP": "0"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(repeats)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, help="another checkout to time alike")
    parser.add_argument("--rounds", type=int, default=3, help="processes per checkout")
    parser.add_argument("--repeats", type=int, default=9, help="timed calls per process")
    args = parser.parse_args()
    trees = {"this": ROOT, **({"reference": args.reference} if args.reference else {})}
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            samples[name].append(_child(tree, args.repeats))
    medians = {
        name: {call: statistics.median(r[call] for r in runs) for call in runs[0]}
        for name, runs in samples.items()
    }
    head = "| call | this (ms CPU) |"
    head += " reference (ms CPU) | this / reference |" if args.reference else ""
    print(head)
    print("|---|---|" + ("---|---|" if args.reference else ""))
    for call, ours in medians["this"].items():
        row = f"| {call} | {1e3 * ours:.2f} |"
        if args.reference:
            theirs = medians["reference"][call]
            row += f" {1e3 * theirs:.2f} | {ours / theirs:.2f} |"
        print(row)


if __name__ == "__main__":
    main()
