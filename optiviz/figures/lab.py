"""Figures of the hyperparameter lab: the (alpha, k) landscape, search traces, the GP
surrogate and the learning-rate range test. Arrays in, ``go.Figure`` out.

Landscape and surrogate panels plot log10(alpha) against log10(k), so every cell of a
log-spaced grid is the same size, and label the ticks with the values themselves.
Markers carry ``customdata`` = [alpha, k, trial index or -1], so a click (Streamlit's
``on_select``) names its run; heatmaps report no clicks, so an invisible marker grid on
every CLICK_STRIDE-th cell stands in for them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optiviz.range_test import RangeTest
from optiviz.search import SearchResult, Snapshot, Trial

COLOURSCALE = "Plasma"
DIVERGED_COLOUR = "#9ca3af"
TRIAL_COLOUR = "#ffffff"
TRIAL_EDGE = "#111827"
BEST_COLOUR = "#22c55e"
NEXT_COLOUR = "#ef4444"
STRATEGY_COLOURS = {"grid": "#3b82f6", "random": "#f59e0b", "bayes": "#9333ea"}
RAW_COLOUR = "#93c5fd"
SMOOTH_COLOUR = "#1d4ed8"
SUGGESTED_COLOUR = "#16a34a"
CLICK_STRIDE = 4
HEIGHT = 520
TOP_MARGIN = {"t": 40}
"""Room above the plots for the mode bar only: they have no title, and Plotly's default
100 px left an empty band between the controls and the map."""
_AK_HOVER = "α=%{customdata[0]:.3g}, k=%{customdata[1]:.3g}<extra></extra>"


def _check_axis(name: str, values, least: int = 2) -> np.ndarray:
    arr = np.asarray(values, np.float64)
    if arr.ndim != 1 or arr.size < least:
        raise ValueError(f"{name} must be a 1-D array of at least {least} values")
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0) and np.all(np.diff(arr) > 0)):
        raise ValueError(f"{name} must be positive, finite and increasing")
    return arr


def _check_grid(alphas, ks, values, name: str = "losses") -> tuple[np.ndarray, ...]:
    alphas, ks = _check_axis("alphas", alphas), _check_axis("ks", ks)
    values = np.asarray(values, np.float64)
    if values.shape != (alphas.size, ks.size):
        raise ValueError(f"{name} must have shape {(alphas.size, ks.size)}, got {values.shape}")
    return alphas, ks, values


def _decade_ticks(values: np.ndarray) -> dict:
    lo, hi = math.floor(np.log10(values[0])), math.ceil(np.log10(values[-1]))
    decades = list(range(lo, hi + 1))
    return {"tickvals": decades, "ticktext": [f"{10.0**d:g}" for d in decades]}


def _log_axes(fig: go.Figure, alphas, ks, row=None, col=None, y_label="decay k") -> None:
    fig.update_xaxes(title="learning rate α", **_decade_ticks(alphas), row=row, col=col)
    fig.update_yaxes(title=y_label, **_decade_ticks(ks), row=row, col=col)


def _heat(alphas, ks, values, *, colourscale, label, showscale=True) -> go.Heatmap:
    shown = np.where(np.isfinite(values), values, np.nan).T
    return go.Heatmap(
        x=np.log10(alphas),
        y=np.log10(ks),
        z=shown,
        colorscale=colourscale,
        colorbar={"title": {"text": label}},
        showscale=showscale,
        name=label,
        customdata=np.dstack(np.meshgrid(alphas, ks)),
        hovertemplate="α=%{customdata[0]:.3g}<br>k=%{customdata[1]:.3g}<br>%{z:.4g}<extra></extra>",
    )


def _diverged_layer(alphas, ks, values) -> go.Heatmap:
    """1 where the run diverged (+inf), blank elsewhere, in DIVERGED_COLOUR."""
    mask = np.where(np.isposinf(values), 1.0, np.nan).T
    return go.Heatmap(
        x=np.log10(alphas),
        y=np.log10(ks),
        z=mask,
        name="diverged",
        showscale=False,
        colorscale=[[0, DIVERGED_COLOUR], [1, DIVERGED_COLOUR]],
        hoverinfo="skip",
    )


def _click_grid(alphas, ks) -> go.Scatter:
    a, k = np.meshgrid(alphas[::CLICK_STRIDE], ks[::CLICK_STRIDE], indexing="ij")
    a, k = a.ravel(), k.ravel()
    return go.Scatter(
        x=np.log10(a),
        y=np.log10(k),
        mode="markers",
        name="cells",
        showlegend=False,
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        hoverinfo="skip",
        customdata=np.stack([a, k, np.full(a.size, -1.0)], axis=1),
    )


def _trial_markers(trials: tuple[Trial, ...] | list[Trial], name: str = "trials") -> go.Scatter:
    a = np.array([t.alpha for t in trials])
    k = np.array([t.k for t in trials])
    return go.Scatter(
        x=np.log10(a),
        y=np.log10(k),
        mode="markers+text",
        name=name,
        text=[str(t.index + 1) for t in trials],
        textposition="top center",
        textfont={"color": TRIAL_COLOUR},
        marker={"size": 9, "color": TRIAL_COLOUR, "line": {"color": TRIAL_EDGE, "width": 1}},
        customdata=np.stack([a, k, [t.index for t in trials]], axis=1),
        hovertemplate="trial %{text}: " + _AK_HOVER,
    )


def _point(alpha: float, k: float, index: int, name: str, colour: str) -> go.Scatter:
    return go.Scatter(
        x=[math.log10(alpha)],
        y=[math.log10(k)],
        mode="markers",
        name=name,
        marker={
            "symbol": "star",
            "size": 18,
            "color": colour,
            "line": {"color": TRIAL_EDGE, "width": 1},
        },
        customdata=[[alpha, k, index]],
        hovertemplate=f"{name}: " + _AK_HOVER,
    )


def landscape_figure(
    alphas: np.ndarray,
    ks: np.ndarray,
    losses: np.ndarray,
    *,
    trials: tuple[Trial, ...] | list[Trial] | None = None,
    best: Trial | None = None,
    metric_label: str = "final loss",
    y_label: str = "decay k",
) -> go.Figure:
    """Heatmap of ``losses`` (len(alphas), len(ks)) over log alpha x log k (or the
    ``y_label`` hyperparameter); +inf cells (diverged) in DIVERGED_COLOUR; ``trials``
    numbered from 1 in order; ``best`` a star."""
    alphas, ks, losses = _check_grid(alphas, ks, losses)
    fig = go.Figure([_heat(alphas, ks, losses, colourscale=COLOURSCALE, label=metric_label)])
    fig.add_trace(_diverged_layer(alphas, ks, losses))
    fig.add_trace(_click_grid(alphas, ks))
    if trials:
        fig.add_trace(_trial_markers(trials))
    if best is not None:
        fig.add_trace(_point(best.alpha, best.k, best.index, "best", BEST_COLOUR))
    _log_axes(fig, alphas, ks, y_label=y_label)
    fig.update_layout(
        height=HEIGHT,
        clickmode="event+select",
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},  # under the α axis title
        margin=TOP_MARGIN | {"b": 110},
    )
    return fig


def best_so_far_figure(results: Mapping[str, SearchResult]) -> go.Figure:
    """Lowest loss after each trial, one line per strategy (log y when all are positive)."""
    if not results:
        raise ValueError("results must name at least one strategy")
    fig = go.Figure()
    finite = []
    for name, result in results.items():
        curve = result.best_so_far
        finite.extend(curve[np.isfinite(curve)])
        y = np.where(np.isfinite(curve), curve, np.nan)
        colour = STRATEGY_COLOURS.get(name)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, curve.size + 1),
                y=y,
                mode="lines+markers",
                name=name,
                line={"color": colour, "shape": "hv"},
            )
        )
    positive = bool(finite) and min(finite) > 0
    fig.update_xaxes(title="trial")
    fig.update_yaxes(title="best loss so far", type="log" if positive else "linear")
    fig.update_layout(height=HEIGHT // 2 + 100, margin=TOP_MARGIN)
    return fig


def surrogate_figure(snapshot: Snapshot) -> go.Figure:
    """GP mean, std and expected improvement side by side, trials so far and the next point."""
    panels = (
        ("GP mean", snapshot.mean),
        ("GP std", snapshot.std),
        ("expected improvement", snapshot.ei),
    )
    alphas, ks = snapshot.alphas, snapshot.ks
    for name, values in panels:
        _check_grid(alphas, ks, values, name)
    fig = make_subplots(rows=1, cols=3, subplot_titles=[p[0] for p in panels], shared_yaxes=True)
    for col, (name, values) in enumerate(panels, start=1):
        fig.add_trace(
            _heat(alphas, ks, values, colourscale=COLOURSCALE, label=name, showscale=False), 1, col
        )
        if snapshot.trials:
            fig.add_trace(_trial_markers(snapshot.trials), 1, col)
        fig.add_trace(
            _point(snapshot.next_alpha, snapshot.next_k, snapshot.index, "next", NEXT_COLOUR),
            1,
            col,
        )
        _log_axes(fig, alphas, ks, 1, col)
    fig.update_layout(height=HEIGHT - 120, showlegend=False, margin={"t": 50})  # titles
    return fig


def _loss_range(test: RangeTest) -> list[float] | None:
    """From the lowest loss to twice the start's height above it: the final blow-up
    leaves the top of the plot instead of flattening everything before it. None (let
    Plotly choose) when the first loss is not finite: a run that diverged at once."""
    losses = np.asarray(test.losses, np.float64)
    if not np.isfinite(losses[0]):
        return None
    low = float(np.min(losses[np.isfinite(losses)]))
    top = low + 2.0 * max(float(losses[0]) - low, 1e-12)
    return [low - 0.05 * (top - low), top]


def range_test_figure(test: RangeTest) -> go.Figure:
    """Loss against learning rate (log x): raw, smoothed, and the suggested rate marked.

    A test that diverged at its first step has one point: that is a result, drawn as such.
    """
    lrs = _check_axis("lrs", test.lrs, least=1)
    if len(test.losses) != lrs.size or len(test.smoothed) != lrs.size:
        raise ValueError("lrs, losses and smoothed must have the same length")
    at = float(np.interp(np.log(test.suggested), np.log(lrs), test.smoothed))
    fig = go.Figure(
        [
            go.Scatter(x=lrs, y=test.losses, mode="lines", name="loss", line={"color": RAW_COLOUR}),
            go.Scatter(
                x=lrs,
                y=test.smoothed,
                mode="lines",
                name="smoothed",
                line={"color": SMOOTH_COLOUR, "width": 3},
            ),
            go.Scatter(
                x=[test.suggested],
                y=[at],
                mode="markers+text",
                name="suggested α",
                text=[f"α = {test.suggested:.3g}"],
                textposition="top right",
                marker={"size": 14, "color": SUGGESTED_COLOUR, "symbol": "diamond"},
                customdata=[[test.suggested]],
            ),
        ]
    )
    fig.update_xaxes(type="log", title="learning rate α")
    fig.update_yaxes(title="loss", range=_loss_range(test))
    fig.update_layout(height=HEIGHT - 120, clickmode="event+select")
    return fig
