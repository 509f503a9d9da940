"""The top view's moving traces: each run's ball with its trail, and every run's markers
on the loss and alpha_t panels, with what each frame puts in them.

A trace costs the browser a share of every ``Plotly.react`` (its defaults, and the
search for its array attributes in ``calc``), so runs share traces where they can: one
trace per run for its ball and its trail, one for all loss markers, one for all alpha_t
markers.
"""

from __future__ import annotations

from collections.abc import Sequence

from optiviz.core.surfaces import Surface
from optiviz.figures import data_panel, style
from optiviz.figures.layout import LOSS, MAP, RATE
from optiviz.figures.runs import Run, compact, map_xy

CLEAR = "rgba(0,0,0,0)"


def ball(run: Run, tail: int) -> dict:
    """A run's ball and trail in one trace: the ball's position first, then the trail back
    in time. Only the first point's marker has colours (the trail's are ``CLEAR``), so the
    legend entry this trace carries shows the ball as it is on the map."""
    return {
        "type": "scatter",
        **MAP,
        "mode": "lines+markers",
        "name": run.legend,
        "legendgroup": run.name,
        "hoverinfo": "skip",
        "meta": "ball",
        "line": {"color": run.colour, "width": style.PATH_WIDTH + style.PATH_OUTLINE},
        "marker": {
            "color": [run.colour] + [CLEAR] * tail,
            "size": style.BALL_SIZE,
            "line": {
                "color": [style.OUTLINE["light"]] + [CLEAR] * tail,
                "width": style.BALL_OUTLINE,
            },
        },
    }


def markers(runs: Sequence[Run], axes: dict) -> dict:
    """Every run's marker on one line panel (loss or alpha_t), in run order and colours."""
    return {
        "type": "scatter",
        **axes,
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
        "marker": {
            "color": [run.colour for run in runs],
            "size": 9,
            "line": {"color": "white", "width": 1},
        },
    }


def templates(runs: Sequence[Run], tail: int) -> list[dict]:
    """The moving traces: per run its ball and trail (and its model), then the loss
    markers and the alpha_t markers of all runs."""
    out = []
    for run in runs:
        out.append(ball(run, tail))
        if run.model is not None:
            out.append(data_panel.model_template(run))
    return out + [markers(runs, LOSS), markers(runs, RATE)]


def track(run: Run, surface: Surface) -> dict[str, list]:
    """A run's map x, y, losses and alpha_t as short JSON lists, compacted once for all frames."""
    tr = run.trajectory
    x, y = map_xy(tr, surface)
    return {"x": compact(x), "y": compact(y), "loss": compact(tr.losses), "lr": compact(tr.lrs)}


def frame_data(runs: Sequence[Run], tracks: list[dict], t: int, tail: int, model_x) -> list[dict]:
    """The moving traces' data at step t, in ``templates``' order: per run its ball at t
    then its trail back to t - tail (and its model), then every run's loss at t and its
    alpha_t at the last step up to t that has one."""
    lo, last, n = max(0, t - tail), min(t, len(tracks[0]["lr"]) - 1), len(tracks)
    data = []
    for run, tr in zip(runs, tracks, strict=True):
        data.append({"x": tr["x"][lo : t + 1][::-1], "y": tr["y"][lo : t + 1][::-1]})
        if run.model is not None:
            data.append(data_panel.model_frame(run, model_x, t))
    return data + [
        {"x": [t] * n, "y": [tr["loss"][t] for tr in tracks]},
        {"x": [last] * n, "y": [tr["lr"][last] for tr in tracks]},
    ]
