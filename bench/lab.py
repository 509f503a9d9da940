"""Time the hyperparameter lab: the 128 x 128 (alpha, k) landscape and searches.

For each case: the first landscape call (compile + run), the cached call (median of
REPEATS), a 20-trial Bayesian search (first, then cached), and grid/random searches for
scale. Ratios are against the cached landscape in the same process. Targets (issue 4):
cached landscape < 1 s, 20-trial Bayesian search < 3 s. Run from the repository root with
``.venv/bin/python -m bench.lab``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import optiviz
from optiviz.analysis.search import default_grid

REPEATS = 5
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


def bench_case(surface: str, optimizer: str, alpha_range, k_range) -> None:
    """Print the timings for one surface and optimizer, 500 steps, exponential schedule."""
    alphas, ks = default_grid(alpha_range, k_range)
    common = {"schedule": "exponential", "steps": 500}

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
    cached = statistics.median(timed(land) for _ in range(REPEATS))
    bayes_first = timed(lambda: run("bayes"))
    bayes = statistics.median(timed(lambda s=s: run("bayes", s)) for s in range(1, REPEATS + 1))
    grid, rand = timed(lambda: run("grid")), timed(lambda: run("random"))
    print(f"{surface} / {optimizer}, {len(alphas)}x{len(ks)} cells x 500 steps")
    print(f"  landscape first (compile) {first:7.3f} s")
    print(f"  landscape cached          {cached:7.3f} s   target < 1 s: {cached < 1}")
    print(f"  bayes {BUDGET} trials first    {bayes_first:7.3f} s   (includes the search compile)")
    print(f"  bayes {BUDGET} trials cached   {bayes:7.3f} s   target < 3 s: {bayes < 3}")
    print(f"  grid / random {BUDGET}         {grid:7.3f} / {rand:.3f} s")
    print(f"  ratios: compile/cached {first / cached:.1f}x, bayes/landscape {bayes / cached:.2f}x")


def main() -> None:
    print(f"{os.cpu_count()} CPUs")
    for case in CASES:
        bench_case(*case)


if __name__ == "__main__":
    main()
