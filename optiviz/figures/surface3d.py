"""The 3-D view: the loss surface with each run's path and ball.

Python builds the static figure (the lit surface, each run's path at z = its loss, each
ball at step 0) and ``motion``: which traces are each run's path and ball, the frame
steps and the lifts. The chart's JavaScript (``optiviz/ui/chart/scene3d.js``) builds the
frames from the paths' own arrays, draws Play, Pause and the step under the graph, and
swaps α and k family members in. 3-D traces only animate with a WebGL redraw, slow
without GPU rendering, so this view plays few frames (``MAX_FRAMES_3D``). The mesh is
fine enough (``MESH_SIDE``) that each staircase riser is a clean step, the surface is lit
from above, the camera stands behind the start looking towards the nearest minimum, and
balls float a little above the surface so it never hides them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.figures import style
from optiviz.figures.runs import Run, frame_steps
from optiviz.figures.typed import encode_array
from optiviz.scenes import grids
from optiviz.scenes.grids import Grid

MAX_FRAMES_3D = 30
MESH_SIDE = 161
"""Mesh points per side: 7 inside each staircase riser (half-width 0.15 over a 6.5 wide box)."""

PATH_LIFT = 0.012
BALL_LIFT = 0.04
"""Heights of paths and balls above the surface, as fractions of the drawn z range."""

LIGHTING = {"ambient": 0.45, "diffuse": 0.85, "specular": 0.15, "roughness": 0.55, "fresnel": 0.1}
LIGHT_POSITION = {"x": -1e4, "y": -2e4, "z": 5e4}
"""A light high above and in front of the default camera, so slopes shade by steepness."""

ASPECT = {"x": 1.5, "y": 1.1, "z": 0.6}
EYE_DISTANCE = 1.95
EYE_HEIGHT = 1.2
EYE_TURN = 35.0
"""The camera: horizontal distance from the scene's centre, height (scene units), and how
many degrees it stands off the line of travel, so drops along the valley show in profile."""

CENTER_Z = -0.3
"""Where the camera looks, below the scene's middle: the scene sits higher in the frame, so
the front axis's last labels (y's −2) are not cut off at the bottom."""

BALL_SIZE_3D = 14

FRAME_MS_3D = 120
"""Milliseconds per frame of Play (each frame is a WebGL redraw)."""

CLIP_PERCENTILE = 97.0
"""Surface heights above this percentile are capped there, so a steep rim cannot flatten
the valley; paths above the cap are not drawn."""


def _ceiling(z: np.ndarray) -> float:
    finite = z[np.isfinite(z)]
    return float(np.percentile(finite, CLIP_PERCENTILE)) if finite.size else 1.0


def _lift(losses: np.ndarray, ceiling: float, lift: float) -> np.ndarray:
    """Heights above the loss by ``lift``, NaN above the cut (drawn as a gap)."""
    z = losses + lift
    return np.where(losses <= ceiling, z, np.nan)


def camera(surface: Surface) -> dict:
    """The default camera: behind the start, looking down the valley towards the nearest
    minimum.

    In scene units (each axis scaled to ASPECT), the eye sits EYE_DISTANCE from the
    centre opposite the direction d of travel turned by EYE_TURN degrees, at EYE_HEIGHT;
    without a known minimum (or when the start is one) d is the diagonal (1, 1).
    """
    (x0, x1), (y0, y1) = surface.bounds
    start = np.asarray(surface.start, float)
    spans = np.array([(x1 - x0) / ASPECT["x"], (y1 - y0) / ASPECT["y"]])
    d = np.array([1.0, 1.0])
    if surface.minima:
        minima = np.asarray(surface.minima, float)
        nearest = minima[np.argmin(np.linalg.norm((minima - start) / spans, axis=1))]
        if np.linalg.norm((nearest - start) / spans) > 1e-6:
            d = (nearest - start) / spans
    turn = np.radians(EYE_TURN)
    rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    d = rotate @ (d / np.linalg.norm(d))
    eye = {"x": float(-EYE_DISTANCE * d[0]), "y": float(-EYE_DISTANCE * d[1]), "z": EYE_HEIGHT}
    return {"eye": eye, "center": {"x": 0.0, "y": 0.0, "z": CENTER_Z}}


def _mesh(surface: Surface, grid: Grid) -> Grid:
    return grid if grid.z.shape[0] >= MESH_SIDE else grids.surface_grid(surface, MESH_SIDE)


def _surface_trace(grid: Grid, ceiling: float, spread: float) -> dict:
    # Capped, not cut: a NaN hole's edge is drawn as a saw of dropped quads.
    z = np.minimum(grid.z, ceiling).astype(np.float32)
    low = float(np.nanmin(z))
    return {
        "type": "surface",
        "x": grid.axes[0],
        "y": grid.axes[1],
        "z": encode_array(z),
        "colorscale": style.LANDSCAPE_SCALE,
        # The palest colours sit above the cap: lit treads would otherwise wash out white.
        "cmin": low,
        "cmax": low + 1.25 * spread,
        "showscale": False,
        "hoverinfo": "skip",
        "lighting": LIGHTING,
        "lightposition": LIGHT_POSITION,
        "contours": {"z": {"show": True, "usecolormap": False, "color": "rgba(0,0,0,0.25)"}},
    }


def surface_figure(runs: Sequence[Run], surface: Surface, grid: Grid) -> dict:
    """A Plotly figure dict without frames: the lit surface (from ``grid``, or a MESH_SIDE
    grid where that is coarser), each run's path, then each run's ball at step 0."""
    if surface.dim != 2:
        raise ValueError("the 3-D view needs a 2-parameter surface")
    grid = _mesh(surface, grid)
    ceiling, low = _ceiling(grid.z), float(np.nanmin(grid.z))
    spread = ceiling - low
    data = [_surface_trace(grid, ceiling, spread)]
    lift, ball_lift = PATH_LIFT * spread, BALL_LIFT * spread
    data += [_path(run, ceiling, lift) for run in runs]
    data += [_ball_trace(run, _ball(run, 0, ceiling, ball_lift)) for run in runs]
    return {"data": data, "layout": _layout(surface, _z_axis(low, ceiling))}


def motion(runs: Sequence[Run], surface: Surface, grid: Grid, frame_ms: int = FRAME_MS_3D) -> dict:
    """What the chart needs to move ``surface_figure``'s balls and swap its paths: per run
    its ``path`` and ``ball`` trace indices, the frame ``steps``, ``frame_ms`` per frame,
    and the heights: a path point is at z = loss + ``path_lift`` where loss <= ``ceiling``
    (a gap above it), a ball ``ball_lift`` higher than its path's point at its step."""
    z = _mesh(surface, grid).z
    ceiling = _ceiling(z)
    spread = ceiling - float(np.nanmin(z))
    n = len(runs)
    return {
        "steps": [int(t) for t in frame_steps(len(runs[0].trajectory.lrs), MAX_FRAMES_3D)],
        "frame_ms": frame_ms,
        "ceiling": ceiling,
        "path_lift": PATH_LIFT * spread,
        "ball_lift": (BALL_LIFT - PATH_LIFT) * spread,
        "runs": [
            {"name": run.name, "colour": run.colour, "path": 1 + i, "ball": 1 + n + i}
            for i, run in enumerate(runs)
        ],
    }


def _z_axis(low: float, ceiling: float) -> dict:
    """The loss axis from Z_FLOOR below the surface's lowest point to Z_HEADROOM above its
    ceiling, ticks from the lowest point up."""
    spread = max(ceiling - low, 1e-12)
    return {
        "title": {"text": "loss"},
        "range": [low - Z_FLOOR * spread, ceiling + Z_HEADROOM * spread],
        "tickmode": "array",
        "tickvals": z_ticks(low, ceiling),
    }


def _path(run: Run, ceiling: float, lift: float) -> dict:
    p, heights = run.trajectory.positions, _lift(run.trajectory.losses, ceiling, lift)
    return {
        "type": "scatter3d",
        "x": p[:, 0].astype(np.float32),
        "y": p[:, 1].astype(np.float32),
        "z": heights.astype(np.float32),
        "mode": "lines",
        "line": {"color": run.colour, "width": 6},
        "name": run.legend,
        "showlegend": False,
        "hoverinfo": "skip",
    }


def _ball_trace(run: Run, ball: dict) -> dict:
    marker = {"color": run.colour, "size": BALL_SIZE_3D, "line": {"color": "white", "width": 2}}
    return {"type": "scatter3d", "mode": "markers", "name": run.legend, "marker": marker, **ball}


def _ball(run: Run, t: int, ceiling: float, lift: float) -> dict:
    p = run.trajectory.positions[t].astype(np.float32)
    z = _lift(np.array([run.trajectory.losses[t]]), ceiling, lift).astype(np.float32)
    return {"type": "scatter3d", "x": p[:1], "y": p[1:2], "z": z}


Z_FLOOR = 0.2
"""The z axis starts this share of the surface's spread below its lowest point, so its
lowest label stands clear of the corner where the y axis's last label ends."""
Z_HEADROOM = 0.25
"""And ends this share above the ceiling, over the lifted paths and balls."""
BOTTOM_ROOM = 40
"""Bottom margin (px) under the scene's lowest tick labels; the chart draws Play, Pause,
the step and the sliders under the graph, in HTML."""


def z_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2 or 5 times a power of ten apart) from ``lo``
    to ``hi``: none below the surface's lowest point, where the z axis's corner is."""
    raw = max(hi - lo, 1e-12) / count
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = np.ceil(lo / step - 1e-9) * step
    return [float(v) for v in np.arange(first, hi + 1e-9 * step, step)]


def _layout(surface: Surface, z_axis: dict) -> dict:
    names = surface.extras.get("parameters", ("x", "y"))
    (x0, x1), (y0, y1) = surface.bounds
    return {
        "height": style.HEIGHT + 100,
        "autosize": True,
        "margin": {"l": 0, "r": 0, "t": 10, "b": BOTTOM_ROOM},
        "font": style.FONT,
        "legend": {"orientation": "h", "y": 1.0},
        "scene": {
            "xaxis": {"title": {"text": names[0]}, "range": [x0, x1]},
            "yaxis": {"title": {"text": names[1]}, "range": [y0, y1]},
            "zaxis": z_axis,
            "aspectmode": "manual",
            "aspectratio": ASPECT,
            "camera": camera(surface),
        },
    }
