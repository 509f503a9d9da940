"""Time ``optiviz.sharpness`` along a 2,000-step path, once compiled, against baselines.

The path: plain GD on Rosenbrock at alpha = 0.0018 from (-1.2, 1), 2,001 positions (and,
for the record, the staircase and the degree-15 polynomial model, 16 parameters). In one
process, interleaved, best and median of ``--repeats`` calls each:

- ``optiviz.sharpness`` (vmapped Hessian, closed-form 2 x 2 eigenvalues, compiled once);
- NumPy: Rosenbrock's Hessian written out by hand, batched ``np.linalg.eigvalsh``;
- a per-position loop of a jitted ``jax.hessian`` and ``np.linalg.eigvalsh`` (what one
  writes first).

Every baseline's values agree with optiviz's (rtol 1e-4), or the bench exits with an
error. The first call's time (tracing and compiling) is printed apart. Target: at most
20 ms once compiled. Run from the repository root with
``.venv/bin/python -m bench.sweep sharpness``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import optiviz
from optiviz.core import stability, surfaces
from optiviz.devtools.cpu import machine

TARGET_MS = 20.0
STEPS = 2000


def rosenbrock_hessians(p: np.ndarray) -> np.ndarray:
    """Rosenbrock's Hessian at each row: [[2 - 400 (y - 3x^2), -400x], [-400x, 200]]."""
    x, y = p[:, 0], p[:, 1]
    h = np.empty((len(p), 2, 2))
    h[:, 0, 0] = 2 - 400 * (y - 3 * x**2)
    h[:, 0, 1] = h[:, 1, 0] = -400 * x
    h[:, 1, 1] = 200.0
    return h


def numpy_sharpness(p: np.ndarray) -> np.ndarray:
    """The hand-written NumPy baseline (Rosenbrock only)."""
    return np.linalg.eigvalsh(rosenbrock_hessians(p))[:, -1]


def loop_sharpness(surface: surfaces.Surface) -> Callable[[np.ndarray], np.ndarray]:
    """One jitted jax.hessian per position, eigvalsh in NumPy."""
    hessian = jax.jit(jax.hessian(surface.f))

    def run(p: np.ndarray) -> np.ndarray:
        return np.array([np.linalg.eigvalsh(np.asarray(hessian(jnp.asarray(x))))[-1] for x in p])

    return run


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def path(surface: surfaces.Surface, alpha: float, steps: int) -> np.ndarray:
    run = optiviz.simulate(surface, "sgd", alpha=alpha, steps=steps)
    return run.positions[np.all(np.isfinite(run.positions), axis=1)]


def first_call_ms(surface: surfaces.Surface, positions: np.ndarray) -> float:
    t = time.perf_counter()
    optiviz.sharpness(surface, positions)
    return 1e3 * (time.perf_counter() - t)


def bench_rosenbrock(repeats: int) -> None:
    surface = surfaces.get("rosenbrock")
    p = path(surface, 0.0018, STEPS)
    compile_ms = first_call_ms(surface, p)
    ours, numpy_, loop = optiviz.sharpness(surface, p), numpy_sharpness(p), None
    looped = loop_sharpness(surface)
    loop = looped(p)
    for name, other in (("NumPy", numpy_), ("loop", loop)):
        if not np.allclose(other, ours, rtol=1e-4):
            raise SystemExit(f"{name} disagrees with optiviz.sharpness")
    times = {"optiviz.sharpness": [], "NumPy, Hessian by hand": [], "loop of jax.hessian": []}
    calls = {
        "optiviz.sharpness": lambda: optiviz.sharpness(surface, p),
        "NumPy, Hessian by hand": lambda: numpy_sharpness(p),
        "loop of jax.hessian": lambda: looped(p),
    }
    for _ in range(repeats):  # interleaved, so load spikes hit every implementation alike
        for name, call in calls.items():
            times[name] += timed(call, 1 if name.startswith("loop") else 3)
    best = min(times["optiviz.sharpness"])
    print(f"Rosenbrock, GD alpha 0.0018, {len(p)} positions; first call {compile_ms:.0f} ms")
    print("| implementation | best | median | x optiviz |")
    print("|---|---|---|---|")
    for name, ts in times.items():
        ratio = min(ts) / best
        print(
            f"| {name} | {1e3 * min(ts):.2f} ms | {1e3 * statistics.median(ts):.2f} ms |"
            f" {ratio:.1f}x |"
        )
    verdict = "met" if 1e3 * best <= TARGET_MS else "NOT met"
    print(f"target <= {TARGET_MS:.0f} ms once compiled: {verdict} ({1e3 * best:.2f} ms)\n")


def bench_other(name: str, surface: surfaces.Surface, alpha: float, steps: int, repeats: int):
    p = path(surface, alpha, steps)
    compile_ms = first_call_ms(surface, p)
    ts = timed(lambda: optiviz.sharpness(surface, p), 3 * repeats)
    print(
        f"{name} ({surface.dim} parameters, {len(p)} positions): best {1e3 * min(ts):.2f} ms,"
        f" median {1e3 * statistics.median(ts):.2f} ms, first call {compile_ms:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}; JAX {jax.__version__}\n")
    bench_rosenbrock(args.repeats)
    bench_other("staircase", surfaces.get("staircase"), 0.055, STEPS, args.repeats)
    bench_other("polynomial model", surfaces.polynomial_regression(15), 0.1, 1500, args.repeats)
    print(f"compilations: {stability.TRACES['extremes']}")


if __name__ == "__main__":
    main()
