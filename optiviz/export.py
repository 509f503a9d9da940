"""Runs as CSV: one row per run and step, for spreadsheets and notebooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from optiviz.dynamics import Trajectory

COORDS = ("x", "y")


def coordinates(dim: int) -> tuple[str, ...]:
    """Column names of a position: x[, y], or p0..p{dim-1} for models with more."""
    return COORDS[:dim] if dim <= len(COORDS) else tuple(f"p{i}" for i in range(dim))


def trajectories_csv(runs: Sequence[tuple[str, Trajectory]]) -> str:
    """CSV with columns run, step, x[, y], loss[, validation_loss], alpha_t, grad_x[, grad_y].

    Step t's row holds the position and loss (the data loss, without any weight-decay
    penalty) at step t and the rate and gradient used to leave it; the last row of a
    run (t = steps) has empty rate and gradient. ``validation_loss`` appears when the
    runs have validation losses (data surfaces).
    """
    if not runs:
        raise ValueError("no runs to export")
    names = coordinates(runs[0][1].positions.shape[1])
    held_out = runs[0][1].validation_losses is not None
    header = ["run", "step", *names, "loss", *(["validation_loss"] if held_out else [])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "alpha_t", *(f"grad_{c}" for c in names)])
    for name, tr in runs:
        for t in range(len(tr.losses)):
            moving = t < len(tr.lrs)
            rate = [_num(tr.lrs[t])] if moving else [""]
            grad = [_num(g) for g in tr.grads[t]] if moving else [""] * len(names)
            val = [_num(tr.validation_losses[t])] if held_out else []
            position = [_num(v) for v in tr.positions[t]]
            writer.writerow([name, t, *position, _num(tr.losses[t]), *val, *rate, *grad])
    return out.getvalue()


def _num(value: float) -> str:
    return "" if not np.isfinite(value) else repr(float(value))
