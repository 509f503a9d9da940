"""What a figure needs to know about a run, and small helpers shared by the figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optiviz.dynamics import Trajectory
from optiviz.figures import style


@dataclass(frozen=True)
class Run:
    """One trajectory as drawn: its legend name and colour, and on data-defined
    surfaces its validation loss per step and its model's curve per step
    (shape (steps + 1, len(model_x)))."""

    name: str
    trajectory: Trajectory
    colour: str
    validation: np.ndarray | None = None
    model: np.ndarray | None = None

    @property
    def legend(self) -> str:
        """Name and verdict: 'good α=0.8 · converged'."""
        return f"{self.name} · {self.trajectory.label}"


def frame_steps(steps: int, max_frames: int = style.MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: all of 0..steps, or an even subsample ending at steps."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, max_frames).round().astype(int))


def compact(values) -> list:
    """Short JSON: floats rounded to 5 significant digits; NaN becomes None (a gap)."""
    return [None if not np.isfinite(v) else float(f"{v:.5g}") for v in np.ravel(values)]


def readout(run: Run, t: int) -> str:
    """'|gradient| 1.5 × α_t 0.01 → step 0.015 · loss 2.3' for step t of a run."""
    tr = run.trajectory
    if t >= len(tr.lrs) or not np.isfinite(tr.losses[t]):
        last = tr.losses[min(t, len(tr.losses) - 1)]
        return f"{run.name}: loss {last:.4g}" if np.isfinite(last) else f"{run.name}: {tr.label}"
    g = float(np.linalg.norm(tr.grads[t]))
    return (
        f"{run.name}: |gradient| {g:.3g} × α<sub>t</sub> {tr.lrs[t]:.3g} → step "
        f"{tr.step_lengths[t]:.3g} · loss {tr.losses[t]:.4g}"
    )
