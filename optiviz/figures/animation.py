"""The animated main view: the ball on the surface, with loss and alpha_t panels below.

One figure, three panels sharing one frame slider: the map (a 2-D surface seen
from above, or a 1-D curve), the loss per step and the learning rate per step.
The payload grows linearly with the number of frames: every path is a static
trace drawn once, and each frame carries only each ball, its short trail and
the step markers (a few numbers per run). The 2-D background is a PNG in
``layout.images``, so frames animate with ``redraw: false``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optiviz.dynamics import Trajectory
from optiviz.figures import background, style
from optiviz.grids import Grid
from optiviz.surfaces import Surface

MAP = {"xaxis": "x", "yaxis": "y"}
LOSS = {"xaxis": "x2", "yaxis": "y2"}
RATE = {"xaxis": "x3", "yaxis": "y3"}
TEXT = {"xaxis": "x4", "yaxis": "y4"}


@dataclass(frozen=True)
class Run:
    """One trajectory as drawn: its legend name and colour."""

    name: str
    trajectory: Trajectory
    colour: str


def frame_steps(steps: int, max_frames: int = style.MAX_FRAMES) -> np.ndarray:
    """The steps shown as frames: all of 0..steps, or an even subsample ending at steps."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, max_frames).round().astype(int))


def readout(run: Run, t: int) -> str:
    """'gradient 1.5 × learning rate 0.01 = a step of 0.015' for step t of a run."""
    tr = run.trajectory
    if t >= len(tr.lrs) or not np.isfinite(tr.losses[t]):
        return f"{run.name}: loss {tr.losses[min(t, len(tr.losses) - 1)]:.4g}"
    g = float(np.linalg.norm(tr.grads[t]))
    step = float(tr.step_lengths[t])
    return (
        f"{run.name}: |gradient| {g:.3g} × α<sub>t</sub> {tr.lrs[t]:.3g} → step {step:.3g}"
        f" · loss {tr.losses[t]:.4g}"
    )


def _r(values) -> list:
    """Short JSON: rounded Python floats (NaN becomes None, drawn as a gap)."""
    return [None if not np.isfinite(v) else float(f"{v:.5g}") for v in np.ravel(values)]


def _xy(positions: np.ndarray, surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """Map coordinates: (x, y) for 2-D, (x, f(x)) for curves."""
    if surface.dim == 2:
        return positions[:, 0], positions[:, 1]
    return positions[:, 0], None


CLICK_GRID = 31
"""Points per side of the invisible marker grid that turns a click on the map into a start."""


def click_grid(surface: Surface, grid: Grid) -> dict:
    """Invisible markers over the map: Streamlit reports clicks on these, not on images."""
    (x0, x1), *rest = surface.bounds
    xs = np.linspace(x0, x1, CLICK_GRID, dtype=np.float32)
    if surface.dim == 1:
        x, y = xs, np.interp(xs, grid.axes[0], grid.z).astype(np.float32)
    else:
        ys = np.linspace(*rest[0], CLICK_GRID, dtype=np.float32)
        x, y = (m.ravel() for m in np.meshgrid(xs, ys))
    return {
        "type": "scatter",
        **MAP,
        "x": x,
        "y": y,
        "mode": "markers",
        "name": "start here",
        "marker": {"size": 14, "opacity": 0.0},
        "showlegend": False,
        "hovertemplate": "start here: (%{x:.2f}, %{y:.2f})<extra></extra>",
    }


def _static_traces(runs: Sequence[Run], surface: Surface, grid: Grid) -> list[dict]:
    traces = [click_grid(surface, grid)]
    if surface.dim == 1:
        traces.append(
            {
                "type": "scatter",
                "x": grid.axes[0],
                "y": grid.z.astype(np.float32),
                **MAP,
                "mode": "lines",
                "line": {"color": "#64748b", "width": 2},
                "name": "f(x)",
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    for run in runs:
        tr = run.trajectory
        x, y = _xy(tr.positions, surface)
        y = tr.losses if y is None else y
        steps = np.arange(len(tr.losses), dtype=np.float32)
        common = {"mode": "lines", "legendgroup": run.name, "showlegend": False}
        traces += [
            {
                "type": "scatter",
                "x": x.astype(np.float32),
                "y": y.astype(np.float32),
                **MAP,
                **common,
                "line": {"color": run.colour, "width": 1.5, "dash": "dot"},
                "opacity": 0.55,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": steps,
                "y": tr.losses.astype(np.float32),
                **LOSS,
                **common,
                "line": {"color": run.colour, "width": 2},
                "name": run.name,
            },
            {
                "type": "scatter",
                "x": steps[:-1],
                "y": tr.lrs.astype(np.float32),
                **RATE,
                **common,
                "line": {"color": run.colour, "width": 2},
                "name": run.name,
            },
        ]
    return traces


def _cloud_traces(cloud: Sequence[Trajectory], surface: Surface) -> list[dict]:
    """Each noisy run as a faint grey line on the map and the loss panel."""
    traces = []
    for tr in cloud:
        x, y = _xy(tr.positions, surface)
        y = tr.losses if y is None else y
        steps = np.arange(len(tr.losses), dtype=np.float32)
        faint = {
            "type": "scatter",
            "mode": "lines",
            "showlegend": False,
            "hoverinfo": "skip",
            "line": {"color": "rgba(100,116,139,0.35)", "width": 1},
        }
        traces += [
            {**faint, **MAP, "x": x.astype(np.float32), "y": y.astype(np.float32)},
            {**faint, **LOSS, "x": steps, "y": tr.losses.astype(np.float32)},
        ]
    return traces


def _moving(run: Run, surface: Surface, t: int, tail: int) -> list[dict]:
    """The animated traces of one run at step t: trail, ball, loss marker, alpha marker."""
    tr = run.trajectory
    lo = max(0, t - tail)
    x, y = _xy(tr.positions[lo : t + 1], surface)
    y = tr.losses[lo : t + 1] if y is None else y
    lr_t = tr.lrs[min(t, len(tr.lrs) - 1)] if len(tr.lrs) else np.nan
    return [
        {"type": "scatter", "x": _r(x), "y": _r(y)},
        {"type": "scatter", "x": _r(x[-1:]), "y": _r(y[-1:])},
        {"type": "scatter", "x": [t], "y": _r([tr.losses[t]])},
        {"type": "scatter", "x": [min(t, len(tr.lrs) - 1)], "y": _r([lr_t])},
    ]


def _moving_templates(run: Run) -> list[dict]:
    group = {"legendgroup": run.name, "hoverinfo": "skip"}
    marker = {"color": run.colour, "size": 9, "line": {"color": "white", "width": 1}}
    return [
        {
            "type": "scatter",
            **MAP,
            "mode": "lines",
            "showlegend": False,
            **group,
            "line": {"color": run.colour, "width": 4},
            "opacity": 0.9,
        },
        {
            "type": "scatter",
            **MAP,
            "mode": "markers",
            "name": run.name,
            **group,
            "marker": {**marker, "size": style.BALL_SIZE, "line": {"color": "white", "width": 2}},
            "showlegend": True,
        },
        {
            "type": "scatter",
            **LOSS,
            "mode": "markers",
            "showlegend": False,
            **group,
            "marker": marker,
        },
        {
            "type": "scatter",
            **RATE,
            "mode": "markers",
            "showlegend": False,
            **group,
            "marker": marker,
        },
    ]


def _frame(runs, surface, t, tail, moving_ids) -> dict:
    data = [trace for run in runs for trace in _moving(run, surface, t, tail)]
    text = "<br>".join([f"<b>step {t}</b>"] + [readout(run, t) for run in runs])
    data.append({"type": "scatter", "x": [0], "y": [1], "text": [text]})
    return {"name": str(t), "data": data, "traces": moving_ids}


READOUT_TEMPLATE = {
    "type": "scatter",
    **TEXT,
    "mode": "text",
    "textposition": "bottom right",
    "showlegend": False,
    "hoverinfo": "skip",
    "textfont": {"size": 12},
}
"""The per-step readout, a text trace so that frames can update it without a redraw."""


def _controls(steps: np.ndarray, duration: int) -> dict:
    play = {
        "frame": {"duration": duration, "redraw": False},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {
        "frame": {"duration": 0, "redraw": False},
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.11,
        "xanchor": "left",
        "yanchor": "top",
        "showactive": False,
        "pad": {"r": 8, "t": 0},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }
    slider = {
        "active": 0,
        "x": 0.16,
        "len": 0.84,
        "y": -0.09,
        "yanchor": "top",
        "currentvalue": {"prefix": "step ", "font": {"size": 12}},
        "pad": {"t": 0},
        "steps": [
            {
                "label": str(t),
                "method": "animate",
                "args": [[str(t)], {**pause, "frame": {"duration": 0, "redraw": False}}],
            }
            for t in steps
        ],
    }
    return {"updatemenus": [buttons], "sliders": [slider]}


def _axes(runs: Sequence[Run], surface: Surface) -> dict:
    (x0, x1), *rest = surface.bounds
    losses = np.concatenate([r.trajectory.losses for r in runs])
    finite = losses[np.isfinite(losses)]
    log_loss = finite.size > 0 and finite.min() > 0
    lrs = np.concatenate([r.trajectory.lrs for r in runs])
    lrs = lrs[np.isfinite(lrs) & (lrs > 0)]
    log_lr = lrs.size > 0 and lrs.max() / lrs.min() > 20
    steps = max(len(r.trajectory.lrs) for r in runs)
    layout = {
        "xaxis": {"domain": [0, 0.56], "range": [x0, x1], "title": {"text": "x"}},
        "yaxis": {"domain": [0, 0.82], "title": {"text": "y" if surface.dim == 2 else "f(x)"}},
        "xaxis4": {"domain": [0, 1], "anchor": "y4", "range": [0, 1], "visible": False},
        "yaxis4": {"domain": [0.84, 1], "anchor": "x4", "range": [0, 1], "visible": False},
        "xaxis2": {
            "domain": [0.64, 1],
            "anchor": "y2",
            "range": [0, steps],
            "matches": "x3",
            "showticklabels": False,
        },
        "yaxis2": {
            "domain": [0.46, 0.82],
            "anchor": "x2",
            "title": {"text": "loss"},
            "type": "log" if log_loss else "linear",
        },
        "xaxis3": {
            "domain": [0.64, 1],
            "anchor": "y3",
            "range": [0, steps],
            "title": {"text": "step t"},
        },
        "yaxis3": {
            "domain": [0, 0.36],
            "anchor": "x3",
            "title": {"text": "α<sub>t</sub>"},
            "type": "log" if log_lr else "linear",
        },
    }
    if surface.dim == 2:
        layout["yaxis"]["range"] = list(rest[0])
    else:
        layout["yaxis"]["range"] = _curve_range(runs)
    return layout


def _curve_range(runs: Sequence[Run]) -> list[float]:
    values = np.concatenate([r.trajectory.losses for r in runs])
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    pad = 0.08 * max(hi - lo, 1e-6)
    return [lo - pad, hi + pad]


def _background(surface: Surface, grid: Grid) -> list[dict]:
    if surface.dim != 2:
        return []
    (x0, x1), (y0, y1) = surface.bounds
    return [
        {
            "source": background.png_data_uri(grid.z),
            "xref": "x",
            "yref": "y",
            "x": x0,
            "y": y1,
            "sizex": x1 - x0,
            "sizey": y1 - y0,
            "sizing": "stretch",
            "layer": "below",
            "opacity": 1.0,
        }
    ]


def path_animation(
    runs: Sequence[Run],
    surface: Surface,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    frame_ms: int = 40,
    cloud: Sequence[Trajectory] = (),
) -> dict:
    """The animated figure (a Plotly figure dict) of ``runs`` on ``surface``.

    Frames are named by step; frame i carries, for each run, the trail of the
    last ``tail`` positions, the ball, and the markers on the loss and alpha_t
    panels. Raises ``ValueError`` for no runs or runs of different lengths.
    """
    _validate(runs, surface, grid)
    static = _cloud_traces(cloud, surface) + _static_traces(runs, surface, grid)
    moving = [trace for run in runs for trace in _moving_templates(run)] + [dict(READOUT_TEMPLATE)]
    moving_ids = list(range(len(static), len(static) + len(moving)))
    steps = frame_steps(len(runs[0].trajectory.lrs), max_frames)
    frames = [_frame(runs, surface, int(t), tail, moving_ids) for t in steps]
    for template, value in zip(moving, frames[0]["data"], strict=True):
        template.update(value)
    layout = {
        **_axes(runs, surface),
        **_controls(steps, frame_ms),
        "images": _background(surface, grid),
        "height": style.HEIGHT + 60,
        "margin": {"l": 50, "r": 10, "t": 10, "b": 110},
        "legend": {
            "orientation": "h",
            "x": 0.64,
            "y": 0.84,
            "yanchor": "bottom",
            "xanchor": "left",
        },
        "font": style.FONT,
        "hovermode": "closest",
    }
    return {"data": static + moving, "layout": layout, "frames": frames}


def _validate(runs: Sequence[Run], surface: Surface, grid: Grid) -> None:
    if not runs:
        raise ValueError("path_animation needs at least one run")
    lengths = {len(r.trajectory.lrs) for r in runs}
    if len(lengths) != 1:
        raise ValueError(f"all runs must have the same number of steps, got {sorted(lengths)}")
    if len(grid.axes) != surface.dim:
        raise ValueError("grid and surface dimensions differ")
