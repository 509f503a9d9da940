"""Runs and landscapes as CSV, for spreadsheets and notebooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from optiviz.dynamics import Trajectory

COORDS = ("x", "y")


def trajectories_csv(runs: Sequence[tuple[str, Trajectory]]) -> str:
    """CSV with columns run, step, x[, y], loss, alpha_t, grad_x[, grad_y].

    Step t's row holds the position and loss at step t and the rate and gradient
    used to leave it; the last row of a run (t = steps) has empty rate and gradient.
    """
    if not runs:
        raise ValueError("no runs to export")
    dim = runs[0][1].positions.shape[1]
    header = ["run", "step", *COORDS[:dim], "loss", "alpha_t", *(f"grad_{c}" for c in COORDS[:dim])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for name, tr in runs:
        for t in range(len(tr.losses)):
            moving = t < len(tr.lrs)
            rate = [_num(tr.lrs[t])] if moving else [""]
            grad = [_num(g) for g in tr.grads[t]] if moving else [""] * dim
            writer.writerow(
                [name, t, *(_num(v) for v in tr.positions[t]), _num(tr.losses[t]), *rate, *grad]
            )
    return out.getvalue()


def landscape_csv(
    alphas: Sequence[float], ks: Sequence[float], final: np.ndarray, first: np.ndarray, steps: int
) -> str:
    """CSV with columns alpha, k, final_loss, steps_to_min: one row per cell of
    ``optiviz.landscape``'s (final, first) grids, alpha-major. ``final_loss`` is ``inf``
    where the run diverged; ``steps_to_min`` is empty where it never came within the
    tolerance (first > steps)."""
    final, first = np.asarray(final, np.float64), np.asarray(first)
    if final.shape != (len(alphas), len(ks)) or first.shape != final.shape:
        raise ValueError(f"grids of shape {final.shape} do not match {len(alphas)} x {len(ks)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alpha", "k", "final_loss", "steps_to_min"])
    for i, alpha in enumerate(alphas):
        for j, k in enumerate(ks):
            reached = int(first[i, j]) if first[i, j] <= steps else ""
            writer.writerow([repr(float(alpha)), repr(float(k)), repr(float(final[i, j])), reached])
    return out.getvalue()


def _num(value: float) -> str:
    return "" if not np.isfinite(value) else repr(float(value))
