"""A grid spread over several devices against the same grid on one, in one process.

On a CPU the devices are XLA's forced host devices
(``--xla_force_host_platform_device_count``, set here by re-running this script in a
child process), which share the machine's cores, so the target is parity: the sharded
program no slower than 1.2x the one-device path (blocks on every core's thread). On a
GPU host ``--devices`` compares however many GPUs there are.

    .venv/bin/python -m bench.sweep sharding                 # 4 host devices, 128^2 and 1024^2
    .venv/bin/python -m bench.sweep sharding --side 1024 --steps 1000 --block-cells 1048576
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

FLAG = "--xla_force_host_platform_device_count"


def _interleaved(calls: dict, repeats: int) -> dict[str, float]:
    """Median seconds of each call, the calls alternating so load hits them alike."""
    for call in calls.values():
        call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def measure(side: int, steps: int, block_cells: int, repeats: int) -> None:
    import jax
    import numpy as np

    import optiviz

    alphas, ks = np.geomspace(1e-4, 1.0, side), np.geomspace(1e-4, 0.1, side)
    grid = {"alphas": alphas, "ks": ks, "schedule": "exponential", "steps": steps}
    grid |= {"start": (-1.5, 2.0), "block_cells": block_cells}
    devices = jax.devices()

    def run(chosen):
        return lambda: optiviz.landscape("rosenbrock", "adam", devices=chosen, **grid)

    times = _interleaved({"one": run(1), "every": run(None)}, repeats)
    one, every = times["one"], times["every"]
    same = all(np.array_equal(a, b) for a, b in zip(run(1)(), run(None)(), strict=True))
    label = f"{side}x{side} x {steps} steps, Adam on Rosenbrock, blocks of {block_cells}"
    print(f"{label}: 1 {devices[0].platform} device {one * 1e3:.1f} ms, ", end="")
    print(f"{len(devices)} devices {every * 1e3:.1f} ms ({every / one:.2f}x); same cells: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=4, help="forced host devices on a CPU")
    parser.add_argument("--side", type=int, nargs="+", default=[128, 1024])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--block-cells", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if (
        FLAG not in os.environ.get("XLA_FLAGS", "")
        and os.environ.get("JAX_PLATFORMS", "cpu") == "cpu"
    ):
        env = {
            **os.environ,
            "XLA_FLAGS": f"{os.environ.get('XLA_FLAGS', '')} {FLAG}={args.devices}",
        }
        sys.exit(
            subprocess.run(
                [sys.executable, "-m", "bench.sweep", "sharding", *sys.argv[1:]], env=env
            ).returncode
        )
    from optiviz.core import sweeps

    block_cells = args.block_cells or sweeps.BLOCK_CELLS
    for side in args.side:
        measure(side, args.steps, block_cells, args.repeats if side <= 256 else 3)


if __name__ == "__main__":
    main()
