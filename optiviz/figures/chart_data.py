"""What the in-place chart component is sent: compact, JSON-ready data for one scene.

The static layers (paths, click grid, data samples, cloud, axes, background, 3-D mesh)
come from the figure builders. Arrays travel as little-endian float32 (or int32) in
base64, ``{"dtype": "f4", "bdata": ..., "shape": [...]}``, Plotly's typed-array spec.
The top view's animation frames are not sent: the component builds them from each
run's arrays (``animation``), which is a small fraction of a full figure's size.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping

import numpy as np

from optiviz.figures import style
from optiviz.figures.animation import animation_parts
from optiviz.figures.surface3d import surface_figure
from optiviz.grids import Grid
from optiviz.scenes import Scene


def encode_array(values) -> dict:
    """A typed-array spec: float arrays as float32, integer and bool arrays as int32."""
    a = np.asarray(values)
    name = "i4" if a.dtype.kind in "iub" else "f4"
    data = np.ascontiguousarray(a, dtype="<" + name)
    spec = {"dtype": name, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = list(a.shape)
    return spec


def decode_array(spec: Mapping) -> np.ndarray:
    """The inverse of ``encode_array`` (also reads Plotly's own "rows, cols" shape)."""
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])
    shape = spec.get("shape", a.shape)
    if isinstance(shape, str):
        shape = [int(n) for n in shape.split(",")]
    return a.reshape(shape)


def encode(value):
    """``value`` as strict JSON: arrays as typed-array specs, NumPy scalars as Python
    numbers, non-finite floats as None (a gap), tuples as lists."""
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _run_arrays(run, ids: dict[str, int], steps: np.ndarray) -> dict:
    """What a frame needs beyond the run's static traces: |gradient|, step lengths,
    the model curve at each frame step (data surfaces), and the readout's labels."""
    tr = run.trajectory
    out = {
        "name": run.name,
        "label": tr.label,
        **ids,
        "grad": np.linalg.norm(tr.grads.reshape(len(tr.grads), -1), axis=1),
        "step": tr.step_lengths,
    }
    if run.model is not None:
        out["model"] = np.asarray(run.model)[steps]
    return out


CONTROLS_MARGIN = 64
"""Bottom margin (px) of the top view in the component: the x tick labels and the axis
titles; the component's own controls sit under the graph."""


def map_chart(
    scene: Scene,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    frame_ms: int = style.FRAME_MS,
) -> dict:
    """The animated top view's data: the figure without frames, and ``animation``: the
    frame steps, the milliseconds per frame, the moving traces' indices, and per run the
    arrays the frames are cut from (map x and y, loss and alpha_t are read from the run's
    static traces). The component draws Play, Pause and the step slider itself, so the
    layout has no Plotly slider or buttons, and the bottom margin holds only the axes.

    Frame i shows, per run, the trail of the last ``tail`` steps, the ball, the loss and
    alpha_t markers and the model, then the readout, exactly as ``path_animation``.
    """
    parts = animation_parts(
        scene.runs,
        scene.surface,
        grid,
        max_frames=max_frames,
        frame_ms=frame_ms,
        cloud=scene.cloud,
        model_x=scene.model_x,
        with_click_grid=False,  # the component reads a click's position on the map itself
    )
    layout = {k: v for k, v in parts.layout.items() if k not in ("sliders", "updatemenus")}
    layout["uirevision"] = f"map:{scene.surface.name}"
    layout["margin"] = {**layout["margin"], "b": CONTROLS_MARGIN}
    layout["height"] -= parts.layout["margin"]["b"] - CONTROLS_MARGIN
    n_static = len(parts.static)
    animation = {
        "steps": [int(t) for t in parts.steps],
        "frame_ms": frame_ms,
        "tail": tail,
        "ids": list(range(n_static, n_static + len(parts.moving))),
        "runs": [
            _run_arrays(run, ids, parts.steps)
            for run, ids in zip(scene.runs, parts.run_ids, strict=True)
        ],
        "model_x": scene.model_x,
    }
    figure = {"data": parts.static + parts.moving, "layout": layout}
    return encode(
        {"kind": "map", "figure": figure, "animation": animation, "outline": style.OUTLINE}
    )


def surface_chart(scene: Scene, grid: Grid) -> dict:
    """The 3-D view's data: ``surface_figure`` as it is (its frames are few and small)."""
    figure = surface_figure(scene.runs, scene.surface, grid)
    figure["layout"]["uirevision"] = f"3d:{scene.surface.name}"
    return encode({"kind": "3d", "figure": figure, "animation": None})
