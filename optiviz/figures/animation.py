"""The animated main view: the ball on the surface, with loss and alpha_t panels beside it.

The panels: the map (a 2-D surface seen from above, or a 1-D curve), the loss per step,
the learning rate per step and, on data-defined surfaces, the data with each run's
current model. ``animation_parts`` builds what the app's chart draws once (the static
traces, the moving traces' templates, the layout); the chart's JavaScript
(``optiviz/ui/chart``, fed by ``chart_data.map_chart``) builds its frames, readout and
controls, in the app and in its HTML download alike.

``path_animation`` is the notebook's builder (``optiviz.figures.animate``): a Plotly
figure that plays on its own in Jupyter, so its frames, readout and Play / Pause menus
(``layout.controls``) are built here. Its payload grows linearly with the number of
frames: each frame carries only each ball, its short trail, the step markers and the
readout. The 2-D background is a PNG in ``layout.images``, so frames animate with
``redraw: false``. The moving traces (balls, trails, markers) are built in ``balls``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from optiviz.core.dynamics import Trajectory
from optiviz.core.surfaces import Surface
from optiviz.figures import balls, data_panel, edges, layout, style
from optiviz.figures.layout import LOSS, MAP, RATE, TEXT
from optiviz.figures.runs import Exit, Run, frame_steps, map_exit, map_xy, readouts
from optiviz.scenes.grids import Grid

FAINT = "rgba(100,116,139,0.35)"

READOUT_TEMPLATE = {
    "type": "scatter",
    **TEXT,
    "mode": "text",
    "textposition": "bottom right",
    "showlegend": False,
    "hoverinfo": "skip",
    "textfont": {"size": 12},
}
"""The per-step readout: a text trace, so frames update it without a redraw."""


def _f32(a) -> np.ndarray:
    return np.asarray(a, np.float32)


def _line(axes: dict, x, y, colour: str, **extra) -> dict:
    return {
        "type": "scatter",
        **axes,
        "x": _f32(x),
        "y": _f32(y),
        "mode": "lines",
        "showlegend": False,
        "line": {"color": colour, "width": 2},
        **extra,
    }


def _outline(runs: Sequence[Run], surface: Surface) -> dict:
    """Every run's whole path as one wide line in ``style.OUTLINE``'s colour, drawn under
    every path so that each path stays visible on map bands of its own colour. The paths
    follow one another in run order, each ended by a NaN (a break in the line)."""
    width = style.PATH_WIDTH + 2 * style.PATH_OUTLINE
    line = {"color": style.OUTLINE["light"], "width": width}
    gap = np.full(1, np.nan, np.float32)
    xs, ys = zip(*(map_xy(run.trajectory, surface) for run in runs), strict=True)
    x, y = (np.concatenate([a for v in vs for a in (_f32(v), gap)]) for vs in (xs, ys))
    return _line(MAP, x, y, line["color"], hoverinfo="skip", meta="outline", line=line)


def _run_traces(run: Run, surface: Surface) -> list[dict]:
    """A run's path in its dash (its outline lies under all paths), its loss curve, its alpha_t
    curve, its validation loss."""
    tr = run.trajectory
    steps = np.arange(len(tr.losses))
    path = {"color": run.colour, "width": style.PATH_WIDTH, "dash": run.dash}
    traces = [
        _line(MAP, *map_xy(tr, surface), run.colour, hoverinfo="skip", meta="path", line=path),
        _line(LOSS, steps, tr.losses, run.colour, name=f"{run.name} training loss"),
        _line(RATE, steps[:-1], tr.lrs, run.colour, name=f"{run.name} α_t"),
    ]
    if run.validation is not None:
        traces.append(
            _line(
                LOSS,
                steps,
                run.validation,
                run.colour,
                name=f"{run.name} validation loss",
                line={"color": run.colour, "width": 2, "dash": "dash"},
            )
        )
    return traces


EXIT_ANGLE = {"right": 90, "left": 270, "top": 0, "bottom": 180}
"""The exit arrow's direction per edge, in Plotly's degrees clockwise from up: outward."""


def exit_trace(run: Run, where: Exit) -> dict:
    """An arrow in the run's colour on the map's edge where its path leaves the map (its
    verdict line says at which step): drawn over the edge, not clipped by it."""
    return {
        "type": "scatter",
        **MAP,
        "x": [where.x],
        "y": [where.y],
        "mode": "markers",
        "meta": "exit",
        "showlegend": False,
        "cliponaxis": False,
        "marker": {
            "symbol": "arrow",
            "angle": EXIT_ANGLE[where.edge],
            "size": 18,
            "color": run.colour,
            "line": {"color": style.OUTLINE["light"], "width": 1.5},
        },
        "hovertemplate": f"{run.name} leaves the map at step {where.step}<extra></extra>",
    }


def _cloud_traces(cloud: Sequence[Trajectory], surface: Surface) -> list[dict]:
    """Each noisy run as a faint line on the map and on the loss panel."""
    traces = []
    for tr in cloud:
        steps = np.arange(len(tr.losses))
        traces += [
            _line(MAP, *map_xy(tr, surface), FAINT, hoverinfo="skip"),
            _line(LOSS, steps, tr.losses, FAINT, hoverinfo="skip"),
        ]
    return traces


def _static(runs, surface, grid, cloud) -> tuple[list[dict], list[dict[str, int]]]:
    """The static traces, and per run the indices of its path, loss and alpha_t traces (and
    of its threshold line, where it has one, and its exit arrow, where its path leaves the
    map)."""
    traces = []
    if surface.dim == 1:
        traces.append(_line(MAP, grid.axes[0], grid.z, "#64748b", name="f(x)", hoverinfo="skip"))
    if runs[0].model is not None:
        traces += data_panel.data_traces(surface)
    traces += _cloud_traces(cloud, surface)
    traces.append(_outline(runs, surface))
    ids = []
    for run in runs:
        n = len(traces)
        ids.append({"path": n, "loss": n + 1, "rate": n + 2})
        traces += _run_traces(run, surface)
    lines, own = edges.edge_traces(runs)
    for run_ids, i in zip(ids, own, strict=True):
        if i is not None:
            run_ids["edge"] = len(traces) + i
    traces += lines
    for run, own in zip(runs, ids, strict=True):
        where = map_exit(run.trajectory, surface)
        if where is not None:
            own["exit"] = len(traces)
            traces.append(exit_trace(run, where))
    return traces, ids


def _frames(runs, surface, steps: list[int], tail, ids, model_x) -> list[dict]:
    """One frame per step: the moving traces' data (``balls.frame_data``), then the
    readout text."""
    tracks = [balls.track(run, surface) for run in runs]
    texts = [readouts(run, steps) for run in runs]
    frames = []
    for i, t in enumerate(steps):
        data = balls.frame_data(runs, tracks, t, tail, model_x)
        text = "<br>".join([f"<b>step {t}</b>"] + [lines[i] for lines in texts])
        data.append({"x": [0], "y": [1], "text": [text]})
        frames.append({"name": str(t), "data": data, "traces": ids})
    return frames


class Parts(NamedTuple):
    """The animated view without its frames: ``static`` traces (drawn once), ``moving``
    templates (the traces frames update: per run its ball and trail and its model, then
    the loss markers, the alpha_t markers and last the readout), the ``layout``, the frame
    ``steps`` and per run the indices of its ``path``, ``loss`` and ``rate`` traces."""

    static: list[dict]
    moving: list[dict]
    layout: dict
    steps: np.ndarray
    run_ids: list[dict[str, int]]


def animation_parts(
    runs: Sequence[Run],
    surface: Surface,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    cloud: Sequence[Trajectory] = (),
    model_x: np.ndarray | None = None,
) -> Parts:
    """Everything of ``path_animation`` but the frames and the Play / Pause menus (same
    arguments and errors): what the app's chart draws once (``chart_data.map_chart``)."""
    _validate(runs, surface, grid, model_x)
    with_data = runs[0].model is not None
    static, run_ids = _static(runs, surface, grid, cloud)
    moving = balls.templates(runs, tail) + [dict(READOUT_TEMPLATE)]
    steps = frame_steps(len(runs[0].trajectory.lrs), max_frames)
    layout_ = {
        **layout.axes(runs, surface, grid, with_data),
        **layout.frame(with_data),
        "images": layout.images(surface, grid),
        "annotations": edges.rate_key(runs),
    }
    return Parts(static, moving, layout_, steps, run_ids)


def path_animation(
    runs: Sequence[Run],
    surface: Surface,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    frame_ms: int = style.FRAME_MS,
    cloud: Sequence[Trajectory] = (),
    model_x: np.ndarray | None = None,
) -> dict:
    """The animated figure (a Plotly figure dict) of ``runs`` on ``surface``, for a notebook
    (``optiviz.figures.animate``): Plotly's Play / Pause buttons and step slider
    (``layout.controls``, ``frame_ms`` per frame) play its frames.

    Frames are named by step; frame i carries, per run, its ball at step t followed by
    its trail back to step t - ``tail`` (and, when runs carry ``model`` curves over
    ``model_x``, the model), then every run's loss at t and alpha_t, in run order, and
    the readout. ``cloud`` runs are drawn as faint static lines. Raises ``ValueError``
    for no runs, runs of different lengths, or model curves without ``model_x``.
    """
    parts = animation_parts(
        runs,
        surface,
        grid,
        max_frames=max_frames,
        tail=tail,
        cloud=cloud,
        model_x=model_x,
    )
    ids = list(range(len(parts.static), len(parts.static) + len(parts.moving)))
    frames = _frames(runs, surface, [int(t) for t in parts.steps], tail, ids, model_x)
    for template, first in zip(parts.moving, frames[0]["data"], strict=True):
        template.update(first)
    view = layout.legend_beside(parts.layout | layout.controls(parts.steps, frame_ms))
    return {"data": parts.static + parts.moving, "layout": view, "frames": frames}


def _validate(runs: Sequence[Run], surface: Surface, grid: Grid, model_x) -> None:
    if not runs:
        raise ValueError("path_animation needs at least one run")
    lengths = {len(r.trajectory.lrs) for r in runs}
    if len(lengths) != 1:
        raise ValueError(f"all runs must have the same number of steps, got {sorted(lengths)}")
    if len(grid.axes) != surface.dim:
        raise ValueError("grid and surface dimensions differ")
    if runs[0].model is not None and model_x is None:
        raise ValueError("runs with model curves need model_x")
