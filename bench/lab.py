"""Time the hyperparameter lab: the 128 x 128 (alpha, k) landscape and searches.

For each case: the first landscape call (compile + run), the cached call (median of
``--repeats``), a 20-trial Bayesian search (first, then cached), and grid/random searches
for scale; ``--side`` and ``--steps`` shrink it for a quick check. Ratios are against the
cached landscape in the same process. Targets (issue 4): cached landscape < 1 s, 20-trial
Bayesian search < 3 s. Run from the repository root with ``.venv/bin/python -m bench.lab``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import optiviz
from optiviz.analysis.search import LANDSCAPE_SIDE, default_grid
from optiviz.devtools.cpu import machine

BUDGET = 20
CASES = (
    ("rosenbrock", "adam", (1e-4, 1.0), (1e-4, 1e-1)),
    ("staircase", "sgd", (1e-3, 10.0), (1e-4, 1e-1)),
)


def timed(fn: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_case(case: tuple, side: int = LANDSCAPE_SIDE, steps: int = 500, repeats: int = 5) -> None:
    """Print the timings for one (surface, optimizer, α range, k range), exponential
    schedule."""
    surface, optimizer, alpha_range, k_range = case
    alphas, ks = default_grid(alpha_range, k_range, side)
    common = {"schedule": "exponential", "steps": steps}

    def land():
        return optiviz.landscape(surface, optimizer, alphas=alphas, ks=ks, **common)

    def run(strategy: str, seed: int = 0):
        return optiviz.search(
            strategy,
            budget=BUDGET,
            alpha_range=alpha_range,
            k_range=k_range,
            seed=seed,
            surface=surface,
            optimizer=optimizer,
            **common,
        )

    first = timed(land)
    cached = statistics.median(timed(land) for _ in range(repeats))
    bayes_first = timed(lambda: run("bayes"))
    bayes = statistics.median(timed(lambda s=s: run("bayes", s)) for s in range(1, repeats + 1))
    grid, rand = timed(lambda: run("grid")), timed(lambda: run("random"))
    print(f"{surface} / {optimizer}, {len(alphas)}x{len(ks)} cells x {steps} steps")
    print(f"  landscape first (compile) {first:7.3f} s")
    print(f"  landscape cached          {cached:7.3f} s   target < 1 s: {cached < 1}")
    print(f"  bayes {BUDGET} trials first    {bayes_first:7.3f} s   (includes the search compile)")
    print(f"  bayes {BUDGET} trials cached   {bayes:7.3f} s   target < 3 s: {bayes < 3}")
    print(f"  grid / random {BUDGET}         {grid:7.3f} / {rand:.3f} s")
    print(f"  ratios: compile/cached {first / cached:.1f}x, bayes/landscape {bayes / cached:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=LANDSCAPE_SIDE, help="cells per side")
    parser.add_argument("--steps", type=int, default=500, help="steps per run")
    parser.add_argument("--repeats", type=int, default=5, help="cached calls (median kept)")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    for case in CASES:
        bench_case(case, args.side, args.steps, args.repeats)


if __name__ == "__main__":
    main()
