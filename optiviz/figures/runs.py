"""What a figure needs to know about a run, and small helpers shared by the figures."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from optiviz.core.dynamics import Trajectory
from optiviz.core.surfaces import Surface
from optiviz.figures import style
from optiviz.scenes import Run

__all__ = ["Exit", "Run", "compact", "frame_steps", "map_exit", "map_xy", "readouts"]


def frame_steps(steps: int, max_frames: int = style.MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: all of 0..steps, or an even subsample ending at steps."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, max_frames).round().astype(int))


def map_xy(tr: Trajectory, surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """A run's map coordinates at every step: (x, y) on surfaces, (x, f(x)) on curves."""
    p = tr.positions
    return (p[:, 0], p[:, 1]) if surface.dim == 2 else (p[:, 0], tr.losses)


class Exit(NamedTuple):
    """Where a path leaves the map: the first ``step`` outside the plot box, and the point
    ``x``, ``y`` where its last segment crosses the box's edge (``edge``: "left", "right",
    "bottom" or "top")."""

    step: int
    x: float
    y: float
    edge: str


def map_exit(tr: Trajectory, surface: Surface) -> Exit | None:
    """Where the run's path first leaves ``surface``'s plot box (x only on a curve), or
    None if it stays inside (or is undefined first). A diverged run's leap is cut at the
    edge too, however far it flies."""
    x, y = map_xy(tr, surface)
    box = np.asarray(surface.bounds[: surface.dim], dtype=np.float64)
    points = np.stack([x, y], axis=1)[:, : surface.dim].astype(np.float64)
    finite = np.all(np.isfinite(points), axis=1)
    with np.errstate(invalid="ignore"):
        inside = np.all((points >= box[:, 0]) & (points <= box[:, 1]), axis=1)
    stops = np.flatnonzero(~(finite & inside)[1:]) + 1  # the first step not on the map
    if not finite[0] or not stops.size or not finite[stops[0]]:
        return None  # undefined before it leaves, or never leaves
    t = int(stops[0])
    share, edge = _crossing(points[t - 1], points[t], box)
    return Exit(
        t,
        float(x[t - 1] + share * (x[t] - x[t - 1])),
        float(y[t - 1] + share * (y[t] - y[t - 1])),
        edge,
    )


EDGES = (("left", "right"), ("bottom", "top"))


def _crossing(a: np.ndarray, b: np.ndarray, box: np.ndarray) -> tuple[float, str]:
    """The share of the segment a -> b at which it first crosses the box's edge, and that edge."""
    best, edge = 1.0, EDGES[0][0]
    for axis, (low, high) in enumerate(box):
        for side, bound in ((0, low), (1, high)):
            outside = b[axis] < bound if side == 0 else b[axis] > bound
            if outside and b[axis] != a[axis]:
                share = float(np.clip((bound - a[axis]) / (b[axis] - a[axis]), 0.0, 1.0))
                if share <= best:
                    best, edge = share, EDGES[axis][side]
    return best, edge


def compact(values) -> list:
    """Short JSON: floats rounded to 5 significant digits; NaN becomes None (a gap)."""
    # Formatting Python floats is several times faster than formatting NumPy scalars.
    flat = np.ravel(np.asarray(values, dtype=np.float64)).tolist()
    return [float(f"{v:.5g}") if math.isfinite(v) else None for v in flat]


def readouts(run: Run, steps: Iterable[int]) -> list[str]:
    """'|gradient| 1.5 × α_t 0.01 → step 0.015 · loss 2.3' for each step t in ``steps`` of a
    run; the norms are computed once for all."""
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
