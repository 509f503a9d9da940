"""A lab landscape in 3-D: two hyperparameters on x and y (log scale), the score on z,
and the trials as points on that surface. Arrays in, ``go.Figure`` out."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from optiviz.analysis.search import Trial
from optiviz.figures.lab import (
    BEST_COLOUR,
    COLOURSCALE,
    TRIAL_COLOUR,
    TRIAL_EDGE,
    _check_grid,
    decade_ticks,
    uncrowded,
)

HEIGHT = 620
LIFT = 0.03
"""Trials float this share of the height range above the surface, so that the surface
does not cut them in half; the best trial's marker is a pin's head above the highest
point of the surface (a wall in front cannot hide it), its stem down to its cell."""
SCENE_DOMAIN = {"x": [0.0, 0.84], "y": [0.0, 1.0]}
COLOURBAR_X = 0.86
"""The scene leaves the right of the figure to the colour bar."""
CAMERA = {"eye": {"x": 2.0, "y": 2.0, "z": 1.3}}
"""Farther than Plotly's default eye (1.25, 1.25, 1.25), so the cube's corners and the
axis labels stay inside a ~480 px column (the lab at 1280 px wide)."""


def _nearest(axis: np.ndarray, value: float) -> int:
    return int(np.argmin(np.abs(np.log10(axis) - math.log10(value))))


def on_surface(alphas, seconds, z: np.ndarray, trials: Sequence[Trial]) -> np.ndarray:
    """Each trial's height: the drawn surface at its nearest cell (the top where that
    cell diverged), so the points sit on the landscape whatever it is coloured by."""
    top = np.nanmax(z) if np.isfinite(z).any() else 0.0
    heights = [z[_nearest(alphas, t.alpha), _nearest(seconds, t.k)] for t in trials]
    return np.where(np.isfinite(heights), heights, top)


def _lift(z: np.ndarray) -> float:
    finite = z[np.isfinite(z)]
    return LIFT * float(np.ptp(finite)) if finite.size else 0.0


def _labels(alphas, seconds, trials) -> list[str]:
    """Trial numbers from 1, blank where the number would crowd an earlier one."""
    x = [math.log10(t.alpha) for t in trials]
    y = [math.log10(t.k) for t in trials]
    spans = (math.log10(alphas[-1] / alphas[0]), math.log10(seconds[-1] / seconds[0]))
    keep = uncrowded(x, y, spans)
    return [str(t.index + 1) if k else "" for t, k in zip(trials, keep, strict=True)]


def _points(alphas, seconds, z, trials, name: str, colour: str, size: int) -> go.Scatter3d:
    numbered = name == "trials"
    return go.Scatter3d(
        x=[math.log10(t.alpha) for t in trials],
        y=[math.log10(t.k) for t in trials],
        z=on_surface(alphas, seconds, z, trials) + _lift(z),
        mode="markers+text" if numbered else "markers",
        text=_labels(alphas, seconds, trials) if numbered else None,
        hovertext=[f"{name}: trial {t.index + 1}" for t in trials],
        name=name,
        marker={"size": size, "color": colour, "line": {"color": TRIAL_EDGE, "width": 1}},
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _pin(alphas, seconds, z: np.ndarray, best: Trial) -> go.Scatter3d:
    """The best trial: a stem from its cell on the surface up to a head above it all."""
    foot = float(on_surface(alphas, seconds, z, [best])[0])
    top = float(np.nanmax(z)) if np.isfinite(z).any() else foot
    x, y = math.log10(best.alpha), math.log10(best.k)
    return go.Scatter3d(
        x=[x, x],
        y=[y, y],
        z=[foot, top + 2 * _lift(z)],
        mode="lines+markers",
        name="best",
        line={"color": BEST_COLOUR, "width": 5},
        marker={"size": [3, 11], "color": BEST_COLOUR, "line": {"color": TRIAL_EDGE, "width": 1}},
        hovertext=[f"best: trial {best.index + 1}"] * 2,
        hovertemplate="%{hovertext}<extra></extra>",
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
    second hyperparameter; +inf (diverged) cells are holes; trials (numbered from 1 where
    the number has room) float LIFT above the surface; the best trial is a pin."""
    alphas, seconds, values = _check_grid(alphas, seconds, values)
    z = np.where(np.isfinite(values), values, np.nan)
    fig = go.Figure(
        [
            go.Surface(
                x=np.log10(alphas),
                y=np.log10(seconds),
                z=z.T,
                colorscale=COLOURSCALE,
                colorbar={"title": {"text": z_label}, "x": COLOURBAR_X, "xanchor": "left"},
                name=z_label,
                hovertemplate="α=10^%{x:.2f}, " + y_label + "=10^%{y:.2f}: %{z:.4g}<extra></extra>",
            )
        ]
    )
    if trials:
        fig.add_trace(_points(alphas, seconds, z, trials, "trials", TRIAL_COLOUR, 5))
    if best is not None:
        fig.add_trace(_pin(alphas, seconds, z, best))
    fig.update_layout(
        height=HEIGHT,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"orientation": "h"},
        scene={
            "domain": SCENE_DOMAIN,
            "camera": CAMERA,
            "xaxis": {"title": {"text": "learning rate α"}, **decade_ticks(alphas)},
            "yaxis": {"title": {"text": y_label}, **decade_ticks(seconds)},
            "zaxis": {"title": {"text": z_label}},
        },
    )
    return fig
