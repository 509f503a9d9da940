"""The lab's learning-rate range test: loss against α (log x), raw and smoothed, with the
turn and the suggested rate marked. A ``RangeTest`` in, ``go.Figure`` out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from optiviz.analysis.range_test import RangeTest
from optiviz.figures.lab import HEIGHT, _check_axis

RAW_COLOUR = "#93c5fd"
SMOOTH_COLOUR = "#1d4ed8"
SUGGESTED_COLOUR = "#16a34a"


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


def _rate_mark(
    test: RangeTest, lrs, rate: float, name: str, text: str, marker: dict, where: str
) -> go.Scatter:
    """A marker on the smoothed curve at ``rate``, labelled ``text`` at ``where``."""
    at = float(np.interp(np.log(rate), np.log(lrs), test.smoothed))
    return go.Scatter(
        x=[rate],
        y=[at],
        mode="markers+text",
        name=name,
        text=[text],
        textposition=where,
        cliponaxis=False,
        marker={"size": 14, **marker},
        customdata=[[rate]],
        hovertemplate=f"{name}: α=%{{x:.3g}}, smoothed loss %{{y:.4g}}<extra></extra>",
    )


def range_test_figure(test: RangeTest) -> go.Figure:
    """Loss against learning rate (log x): raw, smoothed, the turn (the smoothed loss's
    lowest point) and the suggested rate (the turn / ``test.divisor``) marked and labelled.

    A test that diverged at its first step has one point: that is a result, drawn as such.
    """
    lrs = _check_axis("lrs", test.lrs, least=1)
    if len(test.losses) != lrs.size or len(test.smoothed) != lrs.size:
        raise ValueError("lrs, losses and smoothed must have the same length")
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
            _rate_mark(
                test,
                lrs,
                test.turn,
                "turn",
                f"turn α = {test.turn:.3g}",
                {"color": "#ffffff", "line": {"color": SMOOTH_COLOUR, "width": 3}},
                "top center",
            ),
            _rate_mark(
                test,
                lrs,
                test.suggested,
                "suggested α",
                f"suggested α = {test.suggested:.3g} (turn ÷ {test.divisor:g})",
                {"color": SUGGESTED_COLOUR, "symbol": "diamond"},
                "top right",
            ),
        ]
    )
    # One label a decade, written out (0.001, not 1m): plotly's 2 and 5 between decades
    # crowd the axis at the page's type size.
    fig.update_xaxes(type="log", title="learning rate α", dtick=1, tickformat="~g")
    fig.update_yaxes(title="loss", range=_loss_range(test))
    fig.update_layout(height=HEIGHT - 120)
    return fig
