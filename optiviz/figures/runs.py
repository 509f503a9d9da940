"""What a figure needs to know about a run, and small helpers shared by the figures."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from optiviz.dynamics import Trajectory
from optiviz.figures import style
from optiviz.scenes import Run
from optiviz.surfaces import Surface

__all__ = ["Run", "compact", "frame_steps", "map_xy", "readout", "readouts"]


def frame_steps(steps: int, max_frames: int = style.MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: all of 0..steps, or an even subsample ending at steps."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, max_frames).round().astype(int))


def map_xy(tr: Trajectory, surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """A run's map coordinates at every step: (x, y) on surfaces, (x, f(x)) on curves."""
    p = tr.positions
    return (p[:, 0], p[:, 1]) if surface.dim == 2 else (p[:, 0], tr.losses)


def compact(values) -> list:
    """Short JSON: floats rounded to 5 significant digits; NaN becomes None (a gap)."""
    # Formatting Python floats is several times faster than formatting NumPy scalars.
    flat = np.ravel(np.asarray(values, dtype=np.float64)).tolist()
    return [float(f"{v:.5g}") if math.isfinite(v) else None for v in flat]


def readout(run: Run, t: int) -> str:
    """'|gradient| 1.5 × α_t 0.01 → step 0.015 · loss 2.3' for step t of a run."""
    return readouts(run, [t])[0]


def readouts(run: Run, steps: Iterable[int]) -> list[str]:
    """``readout(run, t)`` for each t in ``steps``; the norms are computed once for all."""
    tr = run.trajectory
    losses, lrs = tr.losses.tolist(), tr.lrs.tolist()
    grads = np.linalg.norm(tr.grads.reshape(len(tr.grads), -1), axis=1).tolist()
    lengths = tr.step_lengths.tolist()
    out = []
    for t in steps:
        if t >= len(lrs) or not math.isfinite(losses[t]):
            last = losses[min(t, len(losses) - 1)]
            text = f"loss {last:.4g}" if math.isfinite(last) else tr.label
            out.append(f"{run.name}: {text}")
            continue
        out.append(
            f"{run.name}: |gradient| {grads[t]:.3g} × α<sub>t</sub> {lrs[t]:.3g} → step "
            f"{lengths[t]:.3g} · loss {losses[t]:.4g}"
        )
    return out
