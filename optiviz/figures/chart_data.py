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

from optiviz.figures import layout, style
from optiviz.figures.animation import animation_parts
from optiviz.figures.notes import notes
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
        "colour": run.colour,
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

COMPONENT_DRAWS = ("sliders", "updatemenus", "xaxis4", "yaxis4")
"""Layout parts the component draws as HTML: the controls, and the readout's band."""


def component_layout(full: dict) -> dict:
    """``path_animation``'s layout less ``COMPONENT_DRAWS``, the panels' pixel sizes kept:
    the y domains and the legend stretch over the readout's band, and the figure is that
    band and the controls' margin shorter."""
    keep = layout.READOUT_DOMAIN[0]
    margin = full["margin"]
    out = {k: v for k, v in full.items() if k not in COMPONENT_DRAWS}
    for name, axis in out.items():
        if name.startswith("yaxis"):
            out[name] = {**axis, "domain": [min(1.0, d / keep) for d in axis["domain"]]}
    out["legend"] = {**full["legend"], "y": min(1.0, full["legend"]["y"] / keep)}
    plot = full["height"] - margin["t"] - margin["b"]
    out["margin"] = {**margin, "b": CONTROLS_MARGIN}
    out["height"] = round(plot * keep) + margin["t"] + CONTROLS_MARGIN
    return out


def _unlisted(trace: dict) -> dict:
    """A ball's trace without its legend entry: the component lists the runs under the
    graph with their verdicts (``notes``), where a click hides or shows one; the legend
    keeps only what the lines and dots of a data surface are."""
    return {**trace, "showlegend": False} if trace.get("meta") == "ball" else trace


def map_chart(
    scene: Scene,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    frame_ms: int = style.FRAME_MS,
) -> dict:
    """The animated top view's data: the figure without frames, the runs' ``notes``
    (verdicts and first steps, drawn under the graph), and ``animation``: the
    frame steps, the milliseconds per frame, the moving traces' indices, and per run the
    arrays the frames are cut from (map x and y, loss and alpha_t are read from the run's
    static traces). The component draws the readout, Play, Pause and the step slider
    itself, in HTML (``component_layout``), and lists the runs under the graph rather
    than in the legend.

    Frame i shows, per run, the ball and the trail of the last ``tail`` steps and the
    model, then all runs' loss and alpha_t markers, then the readout, exactly as
    ``path_animation``.
    """
    parts = animation_parts(
        scene.runs,
        scene.surface,
        grid,
        max_frames=max_frames,
        tail=tail,
        frame_ms=frame_ms,
        cloud=scene.cloud,
        model_x=scene.model_x,
        with_click_grid=False,  # the component reads a click's position on the map itself
    )
    view = component_layout(parts.layout) | {"uirevision": f"map:{scene.surface.name}"}
    moving = [_unlisted(t) for t in parts.moving[:-1]]  # the readout, last, is HTML
    n_static = len(parts.static)
    animation = {
        "steps": [int(t) for t in parts.steps],
        "frame_ms": frame_ms,
        "tail": tail,
        "ids": list(range(n_static, n_static + len(moving))),
        "runs": [
            _run_arrays(run, ids, parts.steps)
            for run, ids in zip(scene.runs, parts.run_ids, strict=True)
        ],
        "model_x": scene.model_x,
    }
    figure = {"data": parts.static + moving, "layout": view}
    return encode(
        {
            "kind": "map",
            "figure": figure,
            "animation": animation,
            "outline": style.OUTLINE,
            "notes": notes(scene.runs, scene.surface),
            "narrow": layout.narrow(scene.surface.n_samples is not None),
            "narrow_px": layout.NARROW_PX,
        }
    )


def surface_chart(scene: Scene, grid: Grid) -> dict:
    """The 3-D view's data: ``surface_figure`` as it is (its frames are few and small),
    and the runs' ``notes``."""
    figure = surface_figure(scene.runs, scene.surface, grid)
    figure["layout"]["uirevision"] = f"3d:{scene.surface.name}"
    view = {"kind": "3d", "figure": figure, "animation": None}
    return encode(view | {"notes": notes(scene.runs, scene.surface)})
