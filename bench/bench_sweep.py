"""Time a 128 x 128 (alpha, k) sweep of 500-step Adam runs on Rosenbrock, against baselines.

In one process, interleaved, best of ``--repeats``: a NumPy loop over trajectories
(timed on a subset of cells and scaled per trajectory), vectorised NumPy over the
whole grid (float32, and float64 as NumPy defaults to), vectorised PyTorch (skipped
where torch is missing) and ``optiviz.sweep``. For each: the time, the ratio to
optiviz, trajectory-steps per second and the fraction of the machine's peak flop rate
(``peak``; flops per step in ``sweep_baselines.FLOPS_PER_STEP``). Then the lab's
landscapes and a 1024 x 1024 landscape in chunks. Run from the repository root with
``.venv/bin/python -m bench.bench_sweep``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import jax
import numpy as np

import optiviz
from bench import sweep_baselines as base
from optiviz.search import default_grid

LAB_RANGES = ((1e-4, 1.0), (1e-4, 1e-1))
"""The lab's (alpha, k) ranges in ``bench.bench_lab`` for Rosenbrock / Adam."""


def grid(side: int) -> tuple[np.ndarray, np.ndarray]:
    """The (alpha, k) axes: alpha in [1e-3, 0.1] (log), k in [0, 0.02]."""
    return np.geomspace(1e-3, 0.1, side), np.linspace(0.0, 0.02, side)


def cpuinfo() -> dict[str, str]:
    """The first processor's fields in /proc/cpuinfo (empty where unreadable)."""
    try:
        with open("/proc/cpuinfo") as fh:
            text = fh.read().split("\n\n")[0]
    except OSError:
        return {}
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def peak() -> tuple[float, str]:
    """Peak float32 flop/s = cores x GHz x SIMD lanes x FMA units x 2, and how it was found.

    Lanes come from the widest vector flag; AMD family 25 with AVX-512 (Zen 4) runs a
    512-bit op as two 256-bit halves, so it counts 8 lanes. Two FMA units are assumed
    (Zen 2-4 and server Intel cores since Haswell have two).
    """
    info = cpuinfo()
    flags = set(info.get("flags", "").split())
    ghz = float(info.get("cpu MHz", "0") or 0) / 1e3
    lanes = 16 if "avx512f" in flags else 8 if "avx" in flags else 4
    note = ""
    if lanes == 16 and info.get("vendor_id") == "AuthenticAMD" and info.get("cpu family") == "25":
        lanes, note = 8, " (Zen 4: 512-bit ops run as two 256-bit halves)"
    fma = 2 if "fma" in flags else 1
    cores = os.cpu_count() or 1
    flops = cores * ghz * 1e9 * lanes * fma * 2
    how = f"{cores} cores x {ghz:.2f} GHz x {lanes} fp32 lanes{note} x {fma} FMA units x 2"
    return flops, how


def optiviz_sweep(alphas: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """The sweep under test."""
    return optiviz.sweep(
        "rosenbrock", "adam", alphas=alphas, ks=ks, schedule="exponential", steps=base.STEPS
    )


def implementations(alphas, ks) -> dict[str, Callable[[], np.ndarray]]:
    """Name -> a call computing the whole grid's final losses."""
    out = {
        "optiviz.sweep": lambda: optiviz_sweep(alphas, ks),
        "NumPy vectorised, float32": lambda: base.numpy_grid(alphas, ks, np.float32),
        "NumPy vectorised, float64": lambda: base.numpy_grid(alphas, ks, np.float64),
    }
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: its baseline is skipped")
        return out
    torch.set_num_threads(2)
    out["PyTorch vectorised, 2 threads"] = lambda: base.torch_grid(alphas, ks)
    return out


def best_times(calls: dict[str, Callable], repeats: int) -> tuple[dict, dict, float]:
    """Best wall seconds of each call over interleaved repeats after one untimed warm-up
    call, its result, and the first (compiling) optiviz call."""
    t0 = time.perf_counter()
    results = {"optiviz.sweep": calls["optiviz.sweep"]()}
    first = time.perf_counter() - t0
    for name, call in calls.items():
        if name != "optiviz.sweep":
            call()  # warm up: torch starts its thread pool on the first call
    times = {name: np.inf for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            t0 = time.perf_counter()
            results[name] = call()
            times[name] = min(times[name], time.perf_counter() - t0)
    return times, results, first


def agree(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Fraction of cells where both diverged or both are finite within 1e-2 relative."""
    both_inf = np.isinf(ours) & np.isinf(theirs)
    close = np.isclose(ours, theirs, rtol=1e-2, atol=1e-6)
    return float(np.mean(both_inf | close))


def loop_baseline(alphas, ks, n: int, losses: np.ndarray) -> tuple[float, float]:
    """Seconds per trajectory of the NumPy loop on ``n`` random cells, and its agreement."""
    rng = np.random.default_rng(0)
    cells = [tuple(c) for c in rng.integers(0, [len(alphas), len(ks)], size=(n, 2))]
    t0 = time.perf_counter()
    out = np.array([base.loop_adam(alphas[i], ks[j]) for i, j in cells])
    per_trajectory = (time.perf_counter() - t0) / n
    return per_trajectory, agree(np.array([losses[c] for c in cells]), out)


def report(times: dict, n_cells: int, peak_flops: float) -> None:
    """One row per implementation."""
    ours = times["optiviz.sweep"]
    print(f"{'':32} {'time':>9} {'x optiviz':>10} {'traj-steps/s':>13} {'% of peak':>10}")
    for name, seconds in times.items():
        rate = n_cells * base.STEPS / seconds
        share = 100 * rate * base.FLOPS_PER_STEP / peak_flops
        row = f"{seconds:8.3f}s {seconds / ours:9.1f}x {rate:13.3g} {share:9.2f}%"
        print(f"  {name:30} {row}")


def lab_landscapes(sides: tuple[int, ...], repeats: int) -> None:
    """First and best cached ``optiviz.landscape`` call on the lab's default grid."""
    for side in sides:
        alphas, ks = default_grid(*LAB_RANGES, side)

        def call(alphas=alphas, ks=ks):
            kwargs = {"schedule": "exponential", "steps": base.STEPS}
            return optiviz.landscape("rosenbrock", "adam", alphas=alphas, ks=ks, **kwargs)

        t0 = time.perf_counter()
        call()
        first = time.perf_counter() - t0
        cached = min(_timed(call) for _ in range(repeats))
        print(f"  lab landscape {side}x{side}: first {first:.3f} s, cached {cached:.3f} s")


def _timed(call: Callable) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=128, help="cells per side of the grid")
    parser.add_argument("--baseline", type=int, default=32, help="NumPy-loop trajectories")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved calls (best kept)")
    args = parser.parse_args()

    info, (peak_flops, how) = cpuinfo(), peak()
    print(f"machine: {info.get('model name', platform.processor())}, {os.cpu_count()} cores")
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}")
    print(f"peak: {how} = {peak_flops / 1e9:.0f} GFLOP/s")
    print(f"flops per trajectory-step: {base.FLOPS_PER_STEP} (see sweep_baselines)")
    alphas, ks = grid(args.side)
    n = args.side**2
    print(f"sweep: {args.side}x{args.side} Adam runs x {base.STEPS} steps, Rosenbrock, exp decay")
    optiviz.surfaces.get("rosenbrock")  # load the registry and start the backend untimed
    times, results, first = best_times(implementations(alphas, ks), args.repeats)
    per_trajectory, loop_agrees = loop_baseline(alphas, ks, args.baseline, results["optiviz.sweep"])
    times["NumPy loop over trajectories"] = per_trajectory * n
    report(times, n, peak_flops)
    print(f"  optiviz first call (compile + run): {first:.3f} s")
    print(f"  NumPy loop timed on {args.baseline} cells and scaled to {n}")
    print("final losses agree with optiviz (rtol 1e-2, inf where both diverge):")
    print(f"  NumPy loop, on its {args.baseline} cells: {100 * loop_agrees:.1f}%")
    for name, losses in results.items():
        if name != "optiviz.sweep":
            print(f"  {name}: {100 * agree(results['optiviz.sweep'], losses):.1f}% of cells")
    lab_landscapes((128, 256), args.repeats)


if __name__ == "__main__":
    main()
