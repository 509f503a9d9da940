"""The fit view's figures: the data with the moving model, the two losses, the plane.

Each builder takes a :class:`optiviz.scenes.fit.FitScene` and returns a Plotly figure
dict; nothing is computed here beyond placing what the scene holds.
"""

from __future__ import annotations

import numpy as np

from optiviz.figures import background, style
from optiviz.figures.data_panel import TRAIN, VALIDATION
from optiviz.figures.layout import controls
from optiviz.figures.scales import log_ticks
from optiviz.scenes.fit import FitScene

HEIGHT = 380
EARLY_STOP = "early stopping stops here"
LOSS_NOTE = "training loss = the data loss alone, without the weight-decay penalty"
SLICE_NOTE = (
    "A 2-D slice of a {dim}-D loss: the plane of the path's own two principal "
    "directions (PCA of its positions)."
)


def _layout(**extra) -> dict:
    return {
        "height": HEIGHT,
        "margin": {"l": 64, "r": 16, "t": 40, "b": 48},
        "font": style.FONT,
        "legend": {"orientation": "h", "y": -0.18, "font": {"size": 11}},
        **extra,
    }


def _f32(values) -> list:
    """Each value as float32, written as the shortest decimal that reads back as that
    float32 (NumPy's repr: 0.12573022, not 0.12573021650314331); None where not finite."""
    with np.errstate(over="ignore"):
        arr = np.asarray(values, np.float64).ravel().astype(np.float32)
    text = arr.astype(str)
    return [float(t) if ok else None for t, ok in zip(text, np.isfinite(arr), strict=True)]


def _samples(scene: FitScene) -> list[dict]:
    common = {"type": "scatter", "mode": "markers", "hoverinfo": "x+y"}
    return [
        {
            **common,
            "x": _f32(scene.x_train),
            "y": _f32(scene.y_train),
            "name": "training data",
            "marker": {"color": TRAIN, "size": 7},
        },
        {
            **common,
            "x": _f32(scene.x_val),
            "y": _f32(scene.y_val),
            "name": "validation data",
            "marker": {"color": VALIDATION, "size": 7, "symbol": "x"},
        },
    ]


def data_range(scene: FitScene) -> list[float]:
    """The y range of the samples with a margin: a wild overfit curve leaves the box."""
    y = np.concatenate([scene.y_train, scene.y_val])
    pad = 0.5 * (y.max() - y.min())
    return [float(y.min() - pad), float(y.max() + pad)]


def data_figure(scene: FitScene) -> dict:
    """Training and validation samples, and each run's model curve at every frame step
    (a frame carries the curve's y only: plotly.js keeps the trace's x, ``scene.curve_x``)."""
    curves = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"model: {run.name}",
            "x": _f32(scene.curve_x),
            "y": _f32(run.curves[0]),
            "line": {"color": run.colour, "width": 3},
            "hoverinfo": "skip",
        }
        for run in scene.runs
    ]
    first = len(_samples(scene))
    indices = list(range(first, first + len(curves)))
    frames = [
        {
            "name": str(t),
            "traces": indices,
            "data": [{"y": _f32(run.curves[i])} for run in scene.runs],
        }
        for i, t in enumerate(scene.frames)
    ]
    layout = _layout(
        title={"text": "The data and the fitted curve, step by step", "font": {"size": 14}},
        xaxis={"title": {"text": "x"}},
        yaxis={"title": {"text": "y"}, "range": data_range(scene)},
        **controls(scene.frames, style.FRAME_MS * 4, slider_x=0.0),
    )
    # Under the plot, one row each: Play / Pause, the step slider, the legend. In the
    # page's half-width column the buttons take about 40 % of the plot's width, so a
    # slider beside them would start under them.
    layout["height"] = HEIGHT + 150
    layout["margin"] = {"l": 64, "r": 16, "t": 40, "b": 220}
    layout["updatemenus"][0]["y"] = -0.2
    layout["sliders"][0]["y"] = -0.34
    layout["legend"] = {"orientation": "h", "y": -0.74, "yanchor": "top", "font": {"size": 11}}
    return {"data": [*_samples(scene), *curves], "layout": layout, "frames": frames}


def _loss_axis(scene: FitScene) -> dict:
    """A log loss axis over the losses, its ticks written in full (``log_ticks``), when
    every finite loss is positive; linear otherwise."""
    values = np.concatenate([np.concatenate([r.train, r.validation]) for r in scene.runs])
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.min() <= 0:
        return {"type": "linear"}
    lo, hi = np.log10(finite.min()), np.log10(finite.max())
    pad = 0.05 * max(hi - lo, 1e-6)
    value_range = [float(lo - pad), float(hi + pad)]
    return {"type": "log", "range": value_range, **log_ticks(value_range)}


def loss_figure(scene: FitScene) -> dict:
    """Training (solid) and validation (dashed) loss per run; the lowest validation
    loss is marked with a dotted line, where early stopping stops."""
    traces, shapes, notes = [], [], []
    for run in scene.runs:
        steps = list(range(len(run.train)))
        line = {"color": run.colour, "width": 2}
        traces += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": steps,
                "y": _f32(run.train),
                "line": line,
                "name": f"training: {run.name}",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": steps,
                "y": _f32(run.validation),
                "line": {**line, "dash": "dash"},
                "name": f"validation: {run.name}",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [run.best_step],
                "y": _f32(run.validation[run.best_step : run.best_step + 1]),
                "marker": {"color": run.colour, "size": 11, "symbol": "star"},
                "name": f"{EARLY_STOP} (step {run.best_step})",
            },
        ]
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": run.best_step,
                "x1": run.best_step,
                "y0": 0,
                "y1": 1,
                "line": {"color": run.colour, "dash": "dot", "width": 1.5},
            }
        )
        notes.append(
            {
                "x": run.best_step,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": EARLY_STOP,
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11, "color": run.colour},
            }
        )
    layout = _layout(
        title={
            "text": f"Training and validation loss<br><sup>{LOSS_NOTE}</sup>",
            "font": {"size": 14},
        },
        xaxis={"title": {"text": "step"}},
        yaxis={"title": {"text": "mean squared error"}, **_loss_axis(scene)},
        shapes=shapes,
        annotations=notes[:1],
    )
    layout["margin"]["t"] = 64
    layout["legend"] = {"orientation": "h", "y": -0.3, "font": {"size": 11}}  # below "step"
    return {"data": traces, "layout": layout}


def _axis_title(k: int, share: float) -> str:
    return f"principal direction {k}: {100 * share:.0f}% of spread"


def plane_figure(scene: FitScene) -> dict:
    """The training loss on the path's principal plane (log-spaced colours, dark is
    low) and every run's path projected onto it, start and end marked."""
    plane = scene.plane
    heat = {
        "type": "heatmap",
        "x": _f32(plane.a),
        "y": _f32(plane.b),
        "z": [
            _f32(row)
            for row in np.where(np.isfinite(plane.loss), background.levels(plane.loss), np.nan)
        ],
        "colorscale": [[s, f"rgb{c}"] for s, c in style.LANDSCAPE_STOPS],
        "showscale": False,
        "hoverinfo": "skip",
        "name": "loss on the plane",
    }
    paths = []
    for run in scene.runs:
        xy = run.plane_path
        paths += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": _f32(xy[:, 0]),
                "y": _f32(xy[:, 1]),
                "line": {"color": run.colour, "width": 2.5},
                "name": f"path: {run.name}",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": _f32(xy[[0, -1], 0]),
                "y": _f32(xy[[0, -1], 1]),
                "showlegend": False,
                "hoverinfo": "skip",
                "marker": {
                    "color": run.colour,
                    "size": [9, 13],
                    "symbol": ["circle", "star"],
                    "line": {"color": "white", "width": 1},
                },
            },
        ]
    layout = _layout(
        title={
            "text": "The path over the loss on its own plane<br><sup>"
            + SLICE_NOTE.format(dim=scene.dim)
            + "</sup>",
            "font": {"size": 14},
        },
        xaxis={"title": {"text": _axis_title(1, plane.explained[0])}},
        yaxis={"title": {"text": _axis_title(2, plane.explained[1])}},
    )
    layout["margin"] = {"l": 64, "r": 16, "t": 84, "b": 72}
    layout["legend"] = {"orientation": "h", "y": -0.3, "font": {"size": 11}}
    return {"data": [heat, *paths], "layout": layout}
