"""Time a 128 x 128 (alpha, k) sweep of 500-step Adam runs on Rosenbrock, against baselines.

In one process, interleaved, best of ``--repeats``: a NumPy loop over trajectories
(timed on a subset of cells and scaled per trajectory), vectorised NumPy over the
whole grid (float32, and float64 as NumPy defaults to), vectorised PyTorch (skipped
where torch is missing) and ``optiviz.sweep``. For each: the time, the ratio to
optiviz, trajectory-steps per second and the fraction of the machine's peak flop rate
(``peak``; flops per step in ``baselines.FLOPS_PER_STEP``), and the CPU time
(all threads), which a loaded machine disturbs less than the wall time. Then the lab's
landscapes and a 1024 x 1024 landscape in blocks (``optiviz.core.sweeps``). Run from the
repository root with ``.venv/bin/python -m bench.sweep grid``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable

import jax
import numpy as np

import optiviz
from bench.sweep import baselines as base
from optiviz.analysis.search import default_grid
from optiviz.core import sweeps

LAB_RANGES = ((1e-4, 1.0), (1e-4, 1e-1))
"""The lab's (alpha, k) ranges in ``bench.lab`` for Rosenbrock / Adam."""


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
        "rosenbrock",
        "adam",
        alphas=alphas,
        ks=ks,
        schedule="exponential",
        steps=base.STEPS,
        start=base.START,  # the baselines' start, not the surface's default
    )


def implementations(alphas, ks) -> dict[str, Callable[[], np.ndarray]]:
    """Name -> a call computing the whole grid's final losses."""
    out = {
        "optiviz.sweep": lambda: optiviz_sweep(alphas, ks),
        "NumPy vectorised, float32": lambda: base.numpy_grid(alphas, ks, np.float32),
        "NumPy vectorised, float64": lambda: base.numpy_grid(alphas, ks, np.float64),
    }
    # GNU OpenMP threads otherwise spin after each torch op, on the cores (and in the CPU
    # time) of whatever is timed next in this process.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: its baseline is skipped")
        return out
    torch.set_num_threads(2)
    out["PyTorch vectorised, 2 threads"] = lambda: base.torch_grid(alphas, ks)
    return out


def best_times(calls: dict[str, Callable], repeats: int) -> tuple[dict, dict, dict, float]:
    """Best wall and best CPU seconds of each call over interleaved repeats after one
    untimed warm-up call, its result, and the first (compiling) optiviz call."""
    t0 = time.perf_counter()
    results = {"optiviz.sweep": calls["optiviz.sweep"]()}
    first = time.perf_counter() - t0
    for name, call in calls.items():
        if name != "optiviz.sweep":
            call()  # warm up: torch starts its thread pool on the first call
    wall, cpu = {name: np.inf for name in calls}, {name: np.inf for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            t0, c0 = time.perf_counter(), time.process_time()
            results[name] = call()
            cpu[name] = min(cpu[name], time.process_time() - c0)
            wall[name] = min(wall[name], time.perf_counter() - t0)
    return wall, cpu, results, first


def agree(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Fraction of cells where both diverged or both are finite within 1e-2 relative."""
    both_inf = np.isinf(ours) & np.isinf(theirs)
    close = np.isclose(ours, theirs, rtol=1e-2, atol=1e-6)
    return float(np.mean(both_inf | close))


def loop_baseline(alphas, ks, n: int, losses: np.ndarray) -> tuple[float, float, float]:
    """Wall and CPU seconds per trajectory of the NumPy loop on ``n`` random cells, and
    its agreement with ``losses``."""
    rng = np.random.default_rng(0)
    cells = [tuple(c) for c in rng.integers(0, [len(alphas), len(ks)], size=(n, 2))]
    t0, c0 = time.perf_counter(), time.process_time()
    out = np.array([base.loop_adam(alphas[i], ks[j]) for i, j in cells])
    wall, cpu = (time.perf_counter() - t0) / n, (time.process_time() - c0) / n
    return wall, cpu, agree(np.array([losses[c] for c in cells]), out)


def report(wall: dict, cpu: dict, n_cells: int, peak_flops: float) -> None:
    """One row per implementation: wall time, its ratio, rate and share of peak; CPU time
    and its ratio."""
    ours, ours_cpu = wall["optiviz.sweep"], cpu["optiviz.sweep"]
    head = f"{'time':>9} {'x optiviz':>10} {'traj-steps/s':>13} {'% of peak':>10}"
    print(f"{'':32} {head} {'CPU time':>9} {'x optiviz':>10}")
    for name, seconds in wall.items():
        rate = n_cells * base.STEPS / seconds
        share = 100 * rate * base.FLOPS_PER_STEP / peak_flops
        row = f"{seconds:8.3f}s {seconds / ours:9.1f}x {rate:13.3g} {share:9.2f}%"
        c = cpu.get(name, np.nan)
        print(f"  {name:30} {row} {c:8.3f}s {c / ours_cpu:9.1f}x")


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


def big_landscape(side: int) -> None:
    """One side x side landscape of the sweep's runs, in blocks: seconds and memory."""
    alphas, ks = grid(side)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    final, _ = optiviz.landscape(
        "rosenbrock", "adam", alphas=alphas, ks=ks, schedule="exponential", steps=base.STEPS
    )
    seconds = time.perf_counter() - t0
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    rate = side * side * base.STEPS / seconds
    print(f"  landscape {side}x{side} in blocks of {sweeps.BLOCK_CELLS} cells: {seconds:.2f} s")
    print(f"    {rate:.3g} trajectory-steps/s; peak RSS grew {grown:.0f} MB")
    print(f"    finite cells: {np.isfinite(final).mean():.3f}")


def _timed(call: Callable) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=128, help="cells per side of the grid")
    parser.add_argument("--baseline", type=int, default=32, help="NumPy-loop trajectories")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved calls (best kept)")
    parser.add_argument("--big", type=int, default=1024, help="side of the chunked landscape")
    args = parser.parse_args()

    info, (peak_flops, how) = cpuinfo(), peak()
    print(f"machine: {info.get('model name', platform.processor())}, {os.cpu_count()} cores")
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}")
    print(f"peak: {how} = {peak_flops / 1e9:.0f} GFLOP/s")
    print(f"flops per trajectory-step: {base.FLOPS_PER_STEP} (see bench/sweep/baselines.py)")
    alphas, ks = grid(args.side)
    n = args.side**2
    print(f"sweep: {args.side}x{args.side} Adam runs x {base.STEPS} steps, Rosenbrock, exp decay")
    optiviz.core.surfaces.get("rosenbrock")  # load the registry and start the backend untimed
    wall, cpu, results, first = best_times(implementations(alphas, ks), args.repeats)
    loop_wall, loop_cpu, loop_agrees = loop_baseline(
        alphas, ks, args.baseline, results["optiviz.sweep"]
    )
    wall["NumPy loop over trajectories"] = loop_wall * n
    cpu["NumPy loop over trajectories"] = loop_cpu * n
    report(wall, cpu, n, peak_flops)
    print(f"  optiviz first call (compile + run): {first:.3f} s")
    print(f"  NumPy loop timed on {args.baseline} cells and scaled to {n}")
    print("final losses agree with optiviz (rtol 1e-2, inf where both diverge):")
    print(f"  NumPy loop, on its {args.baseline} cells: {100 * loop_agrees:.1f}%")
    shares = [loop_agrees]
    for name, losses in results.items():
        if name != "optiviz.sweep":
            shares.append(agree(results["optiviz.sweep"], losses))
            print(f"  {name}: {100 * shares[-1]:.1f}% of cells")
    lab_landscapes((128, 256), args.repeats)
    big_landscape(args.big)
    if min(shares) < 1.0:
        raise SystemExit(
            "the baselines and optiviz computed different sweeps: the ratios mean nothing"
        )


if __name__ == "__main__":
    main()
