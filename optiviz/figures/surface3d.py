"""The 3-D view: the loss surface with each run's path and ball.

3-D traces only animate with ``redraw: true``, which is slow without GPU
rendering, so this view uses a coarse surface and few frames (``MAX_FRAMES_3D``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optiviz.figures import style
from optiviz.figures.runs import Run, compact, frame_steps
from optiviz.grids import Grid
from optiviz.surfaces import Surface

MAX_FRAMES_3D = 30
CLIP_PERCENTILE = 97.0
"""Surface heights above this percentile are cut, so a steep rim cannot flatten the valley."""


def _ceiling(z: np.ndarray) -> float:
    finite = z[np.isfinite(z)]
    return float(np.percentile(finite, CLIP_PERCENTILE)) if finite.size else 1.0


def _lift(losses: np.ndarray, ceiling: float, lift: float) -> np.ndarray:
    """Path heights: the loss plus a small lift, NaN above the cut (drawn as a gap)."""
    z = losses + lift
    return np.where(losses <= ceiling, z, np.nan)


def surface_figure(runs: Sequence[Run], surface: Surface, grid: Grid) -> dict:
    """A Plotly figure dict: the surface, each run's path, and an animated ball (few frames)."""
    if surface.dim != 2:
        raise ValueError("the 3-D view needs a 2-parameter surface")
    ceiling = _ceiling(grid.z)
    z = np.where(grid.z <= ceiling, grid.z, np.nan).astype(np.float32)
    lift = 0.01 * (ceiling - float(np.nanmin(grid.z)))
    data = [
        {
            "type": "surface",
            "x": grid.axes[0],
            "y": grid.axes[1],
            "z": z,
            "colorscale": style.LANDSCAPE_SCALE,
            "showscale": False,
            "opacity": 0.92,
            "hoverinfo": "skip",
            "contours": {"z": {"show": True, "usecolormap": True, "project": {"z": False}}},
        }
    ]
    for run in runs:
        p, heights = run.trajectory.positions, _lift(run.trajectory.losses, ceiling, lift)
        data.append(
            {
                "type": "scatter3d",
                "x": p[:, 0].astype(np.float32),
                "y": p[:, 1].astype(np.float32),
                "z": heights.astype(np.float32),
                "mode": "lines",
                "line": {"color": run.colour, "width": 5},
                "name": run.legend,
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    balls = [_ball(run, 0, ceiling, lift) for run in runs]
    first = len(data)
    for run, ball in zip(runs, balls, strict=True):
        data.append(
            {
                "type": "scatter3d",
                "mode": "markers",
                "name": run.legend,
                "marker": {"color": run.colour, "size": 7, "line": {"color": "white", "width": 2}},
                **ball,
            }
        )
    steps = frame_steps(len(runs[0].trajectory.lrs), MAX_FRAMES_3D)
    ids = list(range(first, first + len(runs)))
    frames = [
        {
            "name": str(int(t)),
            "traces": ids,
            "data": [_ball(run, int(t), ceiling, lift) for run in runs],
        }
        for t in steps
    ]
    return {"data": data, "frames": frames, "layout": _layout(surface, steps)}


def _ball(run: Run, t: int, ceiling: float, lift: float) -> dict:
    p = run.trajectory.positions[t]
    z = _lift(np.array([run.trajectory.losses[t]]), ceiling, lift)
    return {"type": "scatter3d", "x": compact(p[:1]), "y": compact(p[1:2]), "z": compact(z)}


def _layout(surface: Surface, steps: np.ndarray) -> dict:
    names = surface.extras.get("parameters", ("x", "y"))
    (x0, x1), (y0, y1) = surface.bounds
    play = {
        "frame": {"duration": 120, "redraw": True},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    still = {
        "frame": {"duration": 0, "redraw": True},
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    return {
        "height": style.HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 40},
        "font": style.FONT,
        "legend": {"orientation": "h", "y": 1.0},
        "scene": {
            "xaxis": {"title": {"text": names[0]}, "range": [x0, x1]},
            "yaxis": {"title": {"text": names[1]}, "range": [y0, y1]},
            "zaxis": {"title": {"text": "loss"}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1.4, "y": 1.0, "z": 0.6},
            "camera": {"eye": {"x": -1.3, "y": -1.5, "z": 1.1}},
        },
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        "sliders": [
            {
                "x": 0.16,
                "len": 0.84,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 0},
                "currentvalue": {"prefix": "step ", "xanchor": "right"},
                "steps": [
                    {"label": str(int(t)), "method": "animate", "args": [[str(int(t))], still]}
                    for t in steps
                ],
            }
        ],
    }
