"""Time a 128 x 128 (alpha, k) sweep of 500-step Adam runs on Rosenbrock.

The baseline is a plain NumPy loop, one trajectory at a time, with the same
Adam rule and exponential schedule, timed in this process on a subset of the
grid and scaled per trajectory. Run from the repository root with
``.venv/bin/python -m bench.bench_sweep``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import jax
import numpy as np

import optiviz

STEPS = 500
START = (-1.5, 2.0)
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def grid(side: int) -> tuple[np.ndarray, np.ndarray]:
    """The (alpha, k) axes: alpha in [1e-3, 0.1] (log), k in [0, 0.02]."""
    return np.geomspace(1e-3, 0.1, side), np.linspace(0.0, 0.02, side)


def rosenbrock(p: np.ndarray) -> float:
    """(1 - x)^2 + 100 (y - x^2)^2."""
    return float((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2)


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    """Its gradient, in closed form."""
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def numpy_adam(alpha: float, k: float, steps: int = STEPS) -> float:
    """Final loss of one Adam run with alpha_t = alpha e^(-k t), inf if it diverges."""
    p = np.array(START, np.float64)
    m, v = np.zeros(2), np.zeros(2)
    for t in range(steps):
        g = rosenbrock_grad(p)
        m = BETA1 * m + (1 - BETA1) * g
        v = BETA2 * v + (1 - BETA2) * g * g
        m_hat, v_hat = m / (1 - BETA1 ** (t + 1)), v / (1 - BETA2 ** (t + 1))
        p = p - alpha * np.exp(-k * t) * m_hat / (np.sqrt(v_hat) + EPS)
        if not np.all(np.isfinite(p)):
            return float("inf")
    return rosenbrock(p)


def time_sweep(alphas: np.ndarray, ks: np.ndarray, repeats: int) -> tuple[float, float, np.ndarray]:
    """Seconds of the first (compiling) call, best of ``repeats`` cached calls, the losses."""

    def call() -> np.ndarray:
        return optiviz.sweep(
            "rosenbrock", "adam", alphas=alphas, ks=ks, schedule="exponential", steps=STEPS
        )

    optiviz.surfaces.get("rosenbrock")  # load the registry and start the backend untimed
    t0 = time.perf_counter()
    losses = call()
    first = time.perf_counter() - t0
    cached = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        cached.append(time.perf_counter() - t0)
    return first, min(cached), losses


def time_numpy(alphas: np.ndarray, ks: np.ndarray, n: int) -> tuple[float, list, list]:
    """Seconds per trajectory of the NumPy loop over ``n`` cells spread over the grid."""
    rng = np.random.default_rng(0)
    cells = [tuple(c) for c in rng.integers(0, [len(alphas), len(ks)], size=(n, 2))]
    t0 = time.perf_counter()
    out = [numpy_adam(alphas[i], ks[j]) for i, j in cells]
    return (time.perf_counter() - t0) / n, cells, out


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform's guess)."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=128, help="cells per side of the grid")
    parser.add_argument("--baseline", type=int, default=32, help="NumPy trajectories to time")
    parser.add_argument("--repeats", type=int, default=5, help="cached calls (best is kept)")
    args = parser.parse_args()

    alphas, ks = grid(args.side)
    first, cached, losses = time_sweep(alphas, ks, args.repeats)
    per_traj, cells, reference = time_numpy(alphas, ks, args.baseline)
    ours = np.array([losses[c] for c in cells])
    agree = np.allclose(ours, reference, rtol=1e-2, atol=1e-4)

    n = losses.size
    numpy_total = per_traj * n
    device = jax.devices()[0].platform
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, jax {jax.__version__} on {device}")
    print(
        f"sweep: {args.side}x{args.side} Adam runs x {STEPS} steps, Rosenbrock, exponential decay"
    )
    print(f"  first call (compile + run): {first:8.3f} s")
    print(f"  cached call:                {cached:8.3f} s")
    print(f"  trajectory-steps per second: {n * STEPS / cached:.3g}")
    print(f"numpy loop: {per_traj * 1e3:.2f} ms per trajectory ({args.baseline} timed)")
    print(f"  scaled to {n} trajectories:   {numpy_total:8.1f} s")
    print(f"  trajectory-steps per second: {STEPS / per_traj:.3g}")
    print(f"ratio (numpy / cached sweep):  {numpy_total / cached:8.0f}x")
    print(f"ratio (numpy / first call):    {numpy_total / first:8.0f}x")
    print(f"final losses agree with NumPy on the timed cells (rtol 1e-2): {agree}")


if __name__ == "__main__":
    main()
