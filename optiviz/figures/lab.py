"""The hyperparameter lab's (alpha, k) landscape, and the axes, heatmaps and trial markers
its other figures share (``lab_search``: search traces and the GP surrogate;
``lab_range_test``: the learning-rate range test). Arrays in, ``go.Figure`` out.

Landscape and surrogate panels plot log10(alpha) against log10(k), so every cell of a
log-spaced grid is the same size, and label the ticks with the values themselves.
Markers carry ``customdata`` = [alpha, k, trial index or -1], so a click (plotly_click,
``optiviz.ui.figure``'s ``on_click``) names its run; an invisible marker grid on every
CLICK_STRIDE-th cell gives the cells points to click, with the cell's readout.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from optiviz.analysis.search import Trial

COLOURSCALE = "Plasma"
DIVERGED_COLOUR = "#9ca3af"
TRIAL_COLOUR = "#ffffff"
TRIAL_EDGE = "#111827"
BEST_COLOUR = "#22c55e"
NEXT_COLOUR = "#ef4444"
CLICK_STRIDE = 4
LABEL_GAP = (0.07, 0.06)
"""A trial's number is written only if it is at least this share of the x or the y span
away from every number already written (a two-digit label is ~14 x 12 px on a ~300 px
map); crowded trials keep their number in the hover."""
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


def decade_ticks(values: np.ndarray) -> dict:
    """Ticks of an axis drawn in log10 units over the sorted positive ``values``: one at
    each power of ten from the decade of the first to that of the last, written 10^k:g."""
    lo, hi = math.floor(np.log10(values[0])), math.ceil(np.log10(values[-1]))
    decades = list(range(lo, hi + 1))
    return {"tickvals": decades, "ticktext": [f"{10.0**d:g}" for d in decades]}


def _log_axes(fig: go.Figure, alphas, ks, row=None, col=None, y_label="decay k") -> None:
    fig.update_xaxes(title="learning rate α", **decade_ticks(alphas), row=row, col=col)
    fig.update_yaxes(title=y_label, **decade_ticks(ks), row=row, col=col)


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


def _click_grid(alphas, ks, values, label: str) -> go.Scatter:
    """Invisible markers on every CLICK_STRIDE-th cell. They must answer hovers (hoverinfo
    "skip" would make them unclickable), so they carry the cell's readout, and being the
    nearest point they take the hover over from the heatmap."""
    a, k = np.meshgrid(alphas[::CLICK_STRIDE], ks[::CLICK_STRIDE], indexing="ij")
    a, k = a.ravel(), k.ravel()
    shown = values[::CLICK_STRIDE, ::CLICK_STRIDE].ravel()
    return go.Scatter(
        x=np.log10(a),
        y=np.log10(k),
        mode="markers",
        name="cells",
        showlegend=False,
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        text=[f"{v:.4g}" if np.isfinite(v) else "diverged" for v in shown],
        hovertemplate="α=%{customdata[0]:.3g}<br>"
        + label
        + "=%{customdata[1]:.3g}<br>%{text}<extra></extra>",
        customdata=np.stack([a, k, np.full(a.size, -1.0)], axis=1),
    )


def uncrowded(x, y, spans: tuple[float, float], gap=LABEL_GAP) -> np.ndarray:
    """Which points get a label, in order: a point is labelled unless it lies within
    ``gap`` (shares of ``spans``) in both x and y of a point labelled before it."""
    x, y = np.asarray(x, np.float64) / spans[0], np.asarray(y, np.float64) / spans[1]
    shown = np.zeros(x.size, bool)
    for i in range(x.size):
        near = (np.abs(x[:i] - x[i]) < gap[0]) & (np.abs(y[:i] - y[i]) < gap[1])
        shown[i] = not np.any(near & shown[:i])
    return shown


def _trial_markers(
    trials: tuple[Trial, ...] | list[Trial], spans: tuple[float, float]
) -> go.Scatter:
    """The trials as white dots, numbered from 1 where the number has room (``uncrowded``)."""
    a = np.array([t.alpha for t in trials])
    k = np.array([t.k for t in trials])
    numbers = [str(t.index + 1) for t in trials]
    shown = uncrowded(np.log10(a), np.log10(k), spans)
    return go.Scatter(
        x=np.log10(a),
        y=np.log10(k),
        mode="markers+text",
        name="trials",
        text=[n if keep else "" for n, keep in zip(numbers, shown, strict=True)],
        hovertext=numbers,
        textposition="top center",
        # a dark halo: a number past the map's edge (a trial at the range's end) stands
        # on the page's white, where white alone would not show
        textfont={"color": TRIAL_COLOUR, "shadow": f"0 0 2px {TRIAL_EDGE}, 0 0 3px {TRIAL_EDGE}"},
        cliponaxis=False,  # a trial on the map's edge keeps its whole number
        marker={"size": 9, "color": TRIAL_COLOUR, "line": {"color": TRIAL_EDGE, "width": 1}},
        customdata=np.stack([a, k, [t.index for t in trials]], axis=1),
        hovertemplate="trial %{hovertext}: " + _AK_HOVER,
    )


def _spans(alphas: np.ndarray, ks: np.ndarray) -> tuple[float, float]:
    """The log10 widths of the two axes."""
    return float(np.log10(alphas[-1] / alphas[0])), float(np.log10(ks[-1] / ks[0]))


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
    fig.add_trace(_click_grid(alphas, ks, losses, y_label.split()[-1]))
    if trials:
        fig.add_trace(_trial_markers(trials, _spans(alphas, ks)))
    if best is not None:
        fig.add_trace(_point(best.alpha, best.k, best.index, "best", BEST_COLOUR))
    _log_axes(fig, alphas, ks, y_label=y_label)
    fig.update_layout(
        height=HEIGHT,
        clickmode="event",  # a click reports its point and selects (dims) nothing
        legend={"orientation": "h", "y": -0.2, "yanchor": "top"},  # under the α axis title
        margin=TOP_MARGIN | {"b": 110},
    )
    return fig
