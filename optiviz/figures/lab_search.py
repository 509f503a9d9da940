"""The lab's search figures: each strategy's best loss so far, and the GP surrogate's
mean, uncertainty and expected improvement over the (alpha, k) plane. Arrays in,
``go.Figure`` out; the plane's axes and markers are ``lab``'s."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optiviz.analysis.search import SearchResult, Snapshot
from optiviz.figures.lab import (
    COLOURSCALE,
    HEIGHT,
    NEXT_COLOUR,
    TOP_MARGIN,
    _check_grid,
    _heat,
    _log_axes,
    _point,
    _spans,
    _trial_markers,
    decade_ticks,
)

STRATEGY_COLOURS = {"grid": "#3b82f6", "random": "#f59e0b", "bayes": "#9333ea"}


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


SURROGATE_PANELS = (
    ("GP mean", "mean", "predicted log₁₀ loss gap"),
    ("GP std", "std", "uncertainty (std of log₁₀ gap)"),
    ("expected improvement", "ei", "expected improvement (log₁₀ gap)"),
)
"""Each surrogate panel: its title, the Snapshot field it shows, its colour bar's title."""


def _panel_colourbar(fig: go.Figure, col: int, title: str) -> dict:
    """A horizontal colour bar under panel ``col``, as wide as the panel."""
    lo, hi = fig.get_subplot(1, col).xaxis.domain
    return {
        "title": {"text": title, "side": "top"},
        "orientation": "h",
        "x": (lo + hi) / 2,
        "xanchor": "center",
        "len": hi - lo,
        "lenmode": "fraction",
        "y": -0.32,
        "yanchor": "top",
        "thickness": 12,
    }


def _every_other(labels: list[str], most: int = 4) -> list[str]:
    """``labels`` with every other one blank where there are more than ``most``: a panel a
    third of the page wide has room for about four decade labels at the page's type."""
    if len(labels) <= most:
        return labels
    return [label if i % 2 == 0 else "" for i, label in enumerate(labels)]


def surrogate_figure(snapshot: Snapshot) -> go.Figure:
    """GP mean, std and expected improvement side by side, each with a titled colour bar
    under it; the trials so far and the next point on each."""
    alphas, ks = snapshot.alphas, snapshot.ks
    for name, field, _ in SURROGATE_PANELS:
        _check_grid(alphas, ks, getattr(snapshot, field), name)
    fig = make_subplots(
        rows=1, cols=3, subplot_titles=[p[0] for p in SURROGATE_PANELS], shared_yaxes=True
    )
    for col, (name, field, bar) in enumerate(SURROGATE_PANELS, start=1):
        heat = _heat(alphas, ks, getattr(snapshot, field), colourscale=COLOURSCALE, label=name)
        fig.add_trace(heat.update(colorbar=_panel_colourbar(fig, col, bar)), 1, col)
        if snapshot.trials:
            fig.add_trace(_trial_markers(snapshot.trials, _spans(alphas, ks)), 1, col)
        fig.add_trace(
            _point(snapshot.next_alpha, snapshot.next_k, snapshot.index, "next", NEXT_COLOUR),
            1,
            col,
        )
        _log_axes(fig, alphas, ks, 1, col)
    fig.update_xaxes(tickangle=0, ticktext=_every_other(decade_ticks(alphas)["ticktext"]))
    fig.update_yaxes(title=None, row=1, col=2)  # the panels share the first one's k axis
    fig.update_yaxes(title=None, row=1, col=3)
    fig.update_layout(height=HEIGHT, showlegend=False, margin={"t": 50, "b": 150})  # titles
    return fig
