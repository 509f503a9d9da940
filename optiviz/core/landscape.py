"""The (alpha, k) grid of one optimizer: ``landscape`` (final loss and steps to reach
f <= f_min + tol on every cell) and ``sweep`` (the final losses alone).

Both check their arguments as ``simulate`` does (``dynamics.prepare``), then run the grid
in blocks through ``sweeps``; they return NumPy arrays of shape (len(alphas), len(ks)).
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import numpy as np

from optiviz.core import limits, run_inputs, sweeps
from optiviz.core.dynamics import f_min, prepare, start_point
from optiviz.core.surfaces import Surface


def landscape(
    surface: str | Surface,
    optimizer: str,
    *,
    alphas: Sequence[float],
    ks: Sequence[float],
    schedule: str = "constant",
    start: Sequence[float] | None = None,
    steps: int | None = None,
    tol: float = 1e-3,
    noise: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    block_cells: int = sweeps.BLOCK_CELLS,
    devices: Sequence[jax.Device] | int | None = None,
    **hyper,
) -> tuple[np.ndarray, np.ndarray]:
    """Final loss (inf where diverged) and steps to reach f <= f_min + ``tol``
    (steps + 1 where never), each of shape (len(alphas), len(ks)).

    The grid runs in blocks of about ``block_cells`` cells (see ``sweeps``); memory
    grows with the block, not the grid. ``devices`` (default: every local device of
    JAX's default backend; an int n for the first n, or a list of devices) share the
    blocks through ``jax.sharding`` in one compiled program; on one device the blocks
    run on every core. The cells are the same whatever the devices.
    """
    grid = {"schedule": schedule, "start": start, "steps": steps}
    grid |= {"block_cells": block_cells, "devices": devices}
    draws = {"noise": noise, "batch_size": batch_size, "seed": seed}
    return _grid(surface, optimizer, (alphas, ks), tol, **grid, **draws, hyper=hyper)


def sweep(
    surface: str | Surface,
    optimizer: str,
    *,
    alphas: Sequence[float],
    ks: Sequence[float],
    schedule: str = "constant",
    start: Sequence[float] | None = None,
    steps: int | None = None,
    noise: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    block_cells: int = sweeps.BLOCK_CELLS,
    devices: Sequence[jax.Device] | int | None = None,
    **hyper,
) -> np.ndarray:
    """Final losses over the alphas x ks grid, shape (len(alphas), len(ks)); inf = diverged.

    ``landscape``'s final losses, without counting steps to a tolerance; ``devices``
    as there."""
    grid = {"schedule": schedule, "start": start, "steps": steps}
    grid |= {"block_cells": block_cells, "devices": devices}
    draws = {"noise": noise, "batch_size": batch_size, "seed": seed}
    final, _ = _grid(surface, optimizer, (alphas, ks), None, **grid, **draws, hyper=hyper)
    return final


def _grid(
    surface,
    optimizer,
    axes,
    tol,
    *,
    schedule,
    start,
    steps,
    noise,
    batch_size,
    seed,
    block_cells,
    devices,
    hyper,
) -> tuple[np.ndarray, np.ndarray]:
    """``landscape``; with ``tol`` None the steps-to-tolerance count is skipped (all
    steps + 1)."""
    surface, steps, length, batch, hyper = prepare(
        surface, optimizer, schedule, steps, batch_size, hyper
    )
    limits.check("landscape cells", len(axes[0]) * len(axes[1]), limits.MAX_LANDSCAPE_CELLS)
    limits.check("block_cells", block_cells, limits.MAX_LANDSCAPE_CELLS)
    h = run_inputs.make_hyper(
        alpha=0.0, schedule=schedule, steps=steps, noise=noise, batch_size=batch, **hyper
    )
    level = None if tol is None else np.float32(f_min(surface) + tol)
    x0 = start_point(surface, start)
    final, first = sweeps.run_grid(
        surface, optimizer, length, h, axes, x0, seed, level, block_cells, devices
    )
    return np.asarray(final, np.float64), np.minimum(first, steps + 1)
