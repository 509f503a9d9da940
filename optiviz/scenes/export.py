"""Runs and landscapes as CSV, for spreadsheets and notebooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from optiviz.core.dynamics import Trajectory

COORDS = ("x", "y")


def coordinates(dim: int) -> tuple[str, ...]:
    """Column names of a position: x[, y], or p0..p{dim-1} for models with more."""
    return COORDS[:dim] if dim <= len(COORDS) else tuple(f"p{i}" for i in range(dim))


def trajectories_csv(runs: Sequence[tuple[str, Trajectory]]) -> str:
    """CSV with columns run, step, x[, y], loss[, validation_loss], alpha_t, grad_x[, grad_y].

    Step t's row holds the position and loss (the data loss, without any weight-decay
    penalty) at step t and the rate and gradient used to leave it; the last row of a
    run (t = steps) has empty rate and gradient. ``validation_loss`` appears when the
    runs have validation losses (data surfaces). Numbers are written by :func:`shortest`.
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


def landscape_csv(
    alphas: Sequence[float], ks: Sequence[float], final: np.ndarray, first: np.ndarray, steps: int
) -> str:
    """CSV with columns alpha, k, final_loss, steps_to_min: one row per cell of
    ``optiviz.landscape``'s (final, first) grids, alpha-major. ``final_loss`` is ``inf``
    where the run diverged; ``steps_to_min`` is empty where it never came within the
    tolerance (first > steps). Losses are written by :func:`shortest`."""
    final, first = np.asarray(final, np.float64), np.asarray(first)
    if final.shape != (len(alphas), len(ks)) or first.shape != final.shape:
        raise ValueError(f"grids of shape {final.shape} do not match {len(alphas)} x {len(ks)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alpha", "k", "final_loss", "steps_to_min"])
    for i, alpha in enumerate(alphas):
        for j, k in enumerate(ks):
            reached = int(first[i, j]) if first[i, j] <= steps else ""
            writer.writerow([repr(float(alpha)), repr(float(k)), shortest(final[i, j]), reached])
    return out.getvalue()


def shortest(value: float) -> str:
    """The shortest text that reads back to ``value``. A float32 (the engine's numbers)
    gets the fewest digits that give it back through float32 ("0.3", not
    "0.30000001192092896"); any other float gets Python's repr; inf and nan stay "inf",
    "-inf" and "nan"."""
    value = float(value)
    single = np.float32(value)
    if float(single) != value or not np.isfinite(single):
        return repr(value)
    forms = (
        np.format_float_positional(single, unique=True, trim="-"),
        np.format_float_scientific(single, unique=True, trim="-"),
    )
    return min(forms, key=len)


def _num(value: float) -> str:
    return "" if not np.isfinite(value) else shortest(value)
