"""A lab landscape in 3-D: two hyperparameters on x and y (log scale), the score on z,
and the trials as points on that surface. Arrays in, ``go.Figure`` out."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from optiviz.figures.lab import BEST_COLOUR, COLOURSCALE, TRIAL_COLOUR, TRIAL_EDGE, _check_grid
from optiviz.search import Trial

HEIGHT = 620


def _ticks(values: np.ndarray) -> dict:
    decades = list(range(math.floor(np.log10(values[0])), math.ceil(np.log10(values[-1])) + 1))
    return {"tickvals": decades, "ticktext": [f"{10.0**d:g}" for d in decades]}


def _nearest(axis: np.ndarray, value: float) -> int:
    return int(np.argmin(np.abs(np.log10(axis) - math.log10(value))))


def on_surface(alphas, seconds, z: np.ndarray, trials: Sequence[Trial]) -> np.ndarray:
    """Each trial's height: the drawn surface at its nearest cell (the top where that
    cell diverged), so the points sit on the landscape whatever it is coloured by."""
    top = np.nanmax(z) if np.isfinite(z).any() else 0.0
    heights = [z[_nearest(alphas, t.alpha), _nearest(seconds, t.k)] for t in trials]
    return np.where(np.isfinite(heights), heights, top)


def _points(alphas, seconds, z, trials, name: str, colour: str, size: int) -> go.Scatter3d:
    return go.Scatter3d(
        x=[math.log10(t.alpha) for t in trials],
        y=[math.log10(t.k) for t in trials],
        z=on_surface(alphas, seconds, z, trials),
        mode="markers+text" if name == "trials" else "markers",
        text=[str(t.index + 1) for t in trials] if name == "trials" else None,
        name=name,
        marker={"size": size, "color": colour, "line": {"color": TRIAL_EDGE, "width": 1}},
        hovertemplate=f"{name} " + "%{text}<extra></extra>" if name == "trials" else name,
    )


def landscape_3d_figure(
    alphas: np.ndarray,
    seconds: np.ndarray,
    values: np.ndarray,
    *,
    trials: Sequence[Trial] = (),
    best: Trial | None = None,
    y_label: str = "decay k",
    z_label: str = "final loss (log₁₀)",
) -> go.Figure:
    """The surface z = ``values`` (len(alphas), len(seconds)) over log alpha x log of the
    second hyperparameter; +inf (diverged) cells are holes; trials numbered from 1."""
    alphas, seconds, values = _check_grid(alphas, seconds, values)
    z = np.where(np.isfinite(values), values, np.nan)
    fig = go.Figure(
        [
            go.Surface(
                x=np.log10(alphas),
                y=np.log10(seconds),
                z=z.T,
                colorscale=COLOURSCALE,
                colorbar={"title": {"text": z_label}},
                name=z_label,
                hovertemplate="α=10^%{x:.2f}, " + y_label + "=10^%{y:.2f}: %{z:.4g}<extra></extra>",
            )
        ]
    )
    if trials:
        fig.add_trace(_points(alphas, seconds, z, trials, "trials", TRIAL_COLOUR, 5))
    if best is not None:
        fig.add_trace(_points(alphas, seconds, z, [best], "best", BEST_COLOUR, 9))
    fig.update_layout(
        height=HEIGHT,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"orientation": "h"},
        scene={
            "xaxis": {"title": {"text": "learning rate α"}, **_ticks(alphas)},
            "yaxis": {"title": {"text": y_label}, **_ticks(seconds)},
            "zaxis": {"title": {"text": z_label}},
        },
    )
    return fig
