"""What the in-place chart component is sent: compact, JSON-ready data for one scene.

The static layers (paths, click grid, data samples, cloud, axes, background, 3-D mesh)
come from the figure builders. Arrays travel as little-endian float32 (or int32) in
base64, ``{"dtype": "f4", "bdata": ..., "shape": "rows, cols"}``, Plotly's typed-array spec
(``optiviz.figures.typed``).
The top view's animation frames are not sent: the component builds them from each
run's arrays (``animation``), which is a small fraction of a full figure's size.
The sliders' families of members are ``chart_sliders``'s, in ``packing``'s codes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.figures import arrows, layout, style
from optiviz.figures.animation import animation_parts, exit_trace
from optiviz.figures.notes import notes
from optiviz.figures.runs import Exit
from optiviz.figures.surface3d import motion, surface_figure
from optiviz.figures.typed import encode_array
from optiviz.scenes import Scene
from optiviz.scenes.grids import Grid

_PLAIN = (str, int, bool, type(None))


def encode(value):
    """``value`` as strict JSON: arrays as typed-array specs, NumPy scalars as Python
    numbers, non-finite floats as None (a gap), tuples as lists. The exact built-in types
    are tried first, by ``type``: a figure holds thousands of them, and ``isinstance``
    against ``Mapping`` costs an ABC check each (most of a top view's encoding)."""
    kind = type(value)
    if kind is dict:
        return {str(k): encode(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [encode(v) for v in value]
    if kind is float:
        return value if math.isfinite(value) else None
    if kind in _PLAIN:
        return value
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


def _run_arrays(run, ids: dict[str, int], steps: np.ndarray, surface: Surface) -> dict:
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
    parts = arrows.run_parts(run, surface)  # "Inside a step": ui/chart/arrows.js draws them
    return out | ({"parts": parts} if parts else {})


CONTROLS_MARGIN = 64
"""Bottom margin (px) of the top view in the component: the x tick labels and the axis
titles; the component's own controls sit under the graph."""

COMPONENT_DRAWS = ("xaxis4", "yaxis4")
"""Layout parts the component draws as HTML: the readout's band (it draws its controls
too, which ``animation_parts`` leaves out)."""


def component_layout(full: dict) -> dict:
    """``animation_parts``' layout less ``COMPONENT_DRAWS``, the panels' pixel sizes kept:
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


def _unseen(data: list[dict], runs: list[dict], moving: list[int], latent: int) -> None:
    """Run ``latent``'s traces made invisible: its path, loss and α_t lines, exit arrow, own
    threshold line and ball (the moving traces hold per run its ball, then its model where
    it has one)."""
    ball = sum(1 + ("model" in run) for run in runs[:latent])
    ids = runs[latent]
    for i in [
        ids["path"],
        ids["loss"],
        ids["rate"],
        ids.get("exit"),
        ids.get("edge"),
        moving[ball],
    ]:
        if i is not None:
            data[i] = {**data[i], "visible": False}


def _exit_slots(scene: Scene, run_ids: list[dict], follows, at: int) -> list[dict]:
    """An empty exit arrow for each following run whose own path has none (its index
    written into ``run_ids``), so that a member that leaves the map can show one."""
    slots = []
    for i in follows:
        if "exit" not in run_ids[i]:
            run_ids[i]["exit"] = at + len(slots)
            slots.append(exit_trace(scene.runs[i], Exit(0, math.nan, math.nan, "right")))
    return slots


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
    follows: tuple[int, ...] = (),
    latent: int | None = None,
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

    The runs ``follows`` names (indices) follow a slider: each has an exit arrow trace,
    empty where its own path stays on the map, for a member that leaves it. Run
    ``latent`` is drawn only once the slider moves ("my α" before it races).

    "Inside a step" (``figures.arrows``): the arrows' traces lie under the balls, their
    indices in ``animation["arrows"]``, the key in ``animation["arrow_key"]``, and each
    run's ``parts``; the chart fills them at every frame.
    """
    parts = animation_parts(
        scene.runs,
        scene.surface,
        grid,
        max_frames=max_frames,
        tail=tail,
        cloud=scene.cloud,
        model_x=scene.model_x,
    )
    view = component_layout(parts.layout) | {"uirevision": f"map:{scene.surface.name}"}
    moving = [_unlisted(t) for t in parts.moving[:-1]]  # the readout, last, is HTML
    static = parts.static + _exit_slots(scene, parts.run_ids, follows, len(parts.static))
    static, shafts = static + arrows.traces(scene.runs), len(static)  # under the balls
    n_static = len(static)
    runs = [
        _run_arrays(run, ids, parts.steps, scene.surface)
        for run, ids in zip(scene.runs, parts.run_ids, strict=True)
    ]
    if latent is not None:
        runs[latent]["latent"] = True
    animation = {
        "steps": [int(t) for t in parts.steps],
        "frame_ms": frame_ms,
        "tail": tail,
        "ids": list(range(n_static, n_static + len(moving))),
        "runs": runs,
        "model_x": scene.model_x,
        "arrows": list(range(shafts, n_static)),
        "arrow_key": arrows.key(list(scene.runs)),
        "arrow_min": arrows.shortest(map_box(view)),
    }
    figure = {"data": static + moving, "layout": view}
    if latent is not None:
        _unseen(figure["data"], runs, animation["ids"], latent)
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


def surface_chart(scene: Scene, grid: Grid, latent: int | None = None) -> dict:
    """The 3-D view's data: ``surface_figure`` (no frames), the runs' ``notes``, and
    ``scene3d`` (``surface3d.motion``): the chart builds the frames, Play, Pause and the
    step from the paths' arrays, in JavaScript. The balls have no legend entries: the
    notes list the runs, with the member's name while a slider moves. Run ``latent``'s
    path and ball are drawn only once α's slider moves ("my α" before it races), as in
    the top view."""
    figure = surface_figure(scene.runs, scene.surface, grid)
    figure["layout"]["uirevision"] = f"3d:{scene.surface.name}"
    scene3d = motion(scene.runs, scene.surface, grid)
    for ids in scene3d["runs"]:  # the notes under the graph list the runs (a swap renames one)
        figure["data"][ids["ball"]] = {**figure["data"][ids["ball"]], "showlegend": False}
    if latent is not None:
        ids = scene3d["runs"][latent]
        ids["latent"] = True
        for i in (ids["path"], ids["ball"]):
            figure["data"][i] = {**figure["data"][i], "visible": False}
    view = {"kind": "3d", "figure": figure, "animation": None, "scene3d": scene3d}
    return encode(view | {"notes": notes(scene.runs, scene.surface)})


def map_box(view_layout: dict) -> list[list[float]]:
    """The view's box: the map's x and y ranges."""
    return [list(map(float, view_layout[a]["range"])) for a in ("xaxis", "yaxis")]
