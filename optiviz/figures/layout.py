"""Panel geometry, play controls and the background image of the animated view (the line
panels' ranges and ticks are ``scales``')."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.figures import background, style
from optiviz.figures.runs import Run
from optiviz.figures.scales import curve_range, loggable, loss_axis, loss_range, rate_axis
from optiviz.scenes import grids
from optiviz.scenes.grids import Grid

MAP = {"xaxis": "x", "yaxis": "y"}
LOSS = {"xaxis": "x2", "yaxis": "y2"}
RATE = {"xaxis": "x3", "yaxis": "y3"}
TEXT = {"xaxis": "x4", "yaxis": "y4"}
DATA = {"xaxis": "x5", "yaxis": "y5"}

MAP_GRID = "rgba(255,255,255,0.35)"
"""Grid lines over the map's background image: visible on dark bands, quiet on light ones."""

LEGEND_BG = "rgba(127,127,127,0.16)"
"""Behind the legend: a faint grey box that keeps the theme's text colour readable on the
light and the dark theme alike (white at 75 % hid the dark theme's light text)."""

MAP_X = [0.0, 0.54]
RIGHT = [0.67, 1.0]
"""Horizontal domains of the map and the right-hand panels: the gap holds the right
panels' tick labels and titles at 1280 px wide without touching the map."""
ROWS = {
    False: {"loss": [0.46, 0.82], "rate": [0.0, 0.36]},
    True: {"data": [0.62, 0.84], "loss": [0.29, 0.51], "rate": [0.0, 0.24]},
}
"""Vertical domains of the right-hand panels, without and with a data panel. The legend
hangs from the loss panel's top, so the data panel ends TITLE_ROOM above it for its
"data x" title."""

READOUT_DOMAIN = [0.84, 1.0]
"""Vertical domain of the readout's text band, above every panel."""

TITLE_ROOM = 56
"""Pixels below a panel for its tick labels and axis title."""

NARROW_PX = 640
"""Below this width (a phone held upright) the component stacks the top view's panels."""
NARROW_ROWS = {
    False: {"yaxis": [0.49, 1.0], "yaxis2": [0.26, 0.37], "yaxis3": [0.0, 0.11]},
    True: {
        "yaxis": [0.66, 1.0],
        "yaxis5": [0.4, 0.52],
        "yaxis2": [0.2, 0.31],
        "yaxis3": [0.0, 0.11],
    },
}
"""Vertical domains on a narrow screen, in the component's figure (no readout band): the
map on top, then the data panel, the loss and α_t, each with TITLE_ROOM under it."""
NARROW_LEGEND = {"orientation": "h", "x": 1.0, "xanchor": "right", "y": 0.525, "yanchor": "bottom"}
"""A data surface's legend on a narrow screen: one row on the data panel's top edge, under
the map's x title."""
NARROW_HEIGHT = {False: 600, True: 820}
"""The stacked figure's height in pixels, for a phone about 390 px wide."""
NARROW_MARGIN = {"t": 16, "r": 12}
"""The stacked figure's top and right margins: the readout sits above it, in HTML."""


def narrow(with_data: bool) -> dict:
    """The top view's layout updates on a narrow screen: every panel the full width, one
    under another (``NARROW_ROWS``), the figure ``NARROW_HEIGHT`` tall; ``margin`` (and a
    data surface's ``legend``) hold only what they change."""
    rows = NARROW_ROWS[with_data]
    out: dict = {"height": NARROW_HEIGHT[with_data], "margin": NARROW_MARGIN}
    for y, domain in rows.items():
        out[y] = {"domain": domain}
        out["xaxis" + y[len("yaxis") :]] = {"domain": [0.0, 1.0]}
    if with_data:
        out["legend"] = NARROW_LEGEND
    return out


def map_scale(surface: Surface) -> dict[str, dict]:
    """Extra settings for a 2-D map's x and y axes: faint grid lines both ways over the
    image, and one unit as long on both axes where the surface's parameters share units
    (``surface.equal_axes``); the shorter side's plot area shrinks, the ranges stay."""
    if surface.dim != 2:
        return {"xaxis": {}, "yaxis": {}}
    grid = {"showgrid": True, "gridcolor": MAP_GRID, "zeroline": False}
    if not surface.equal_axes:
        return {"xaxis": dict(grid), "yaxis": dict(grid)}
    return {
        "xaxis": {**grid, "constrain": "domain"},
        "yaxis": {**grid, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    }


TICK_STANDOFF = {"ticklabelstandoff": 6}
"""Room between a panel and its tick labels, so the first x and y labels at a corner
(the map's lower left, say) do not touch."""


def axes(runs: Sequence[Run], surface: Surface, grid: Grid, with_data: bool) -> dict:
    """Axis and domain settings for the map, loss, alpha_t, readout and data panels."""
    rows = ROWS[with_data]
    names = surface.extras.get("parameters", ("x", "y"))
    losses = np.concatenate([r.trajectory.losses for r in runs])
    log_loss = loggable(losses)
    lrs = np.concatenate([r.trajectory.lrs for r in runs])
    edges = [r.edge[: len(r.trajectory.lrs)] for r in runs if r.edge is not None]
    steps = max(len(r.trajectory.lrs) for r in runs)
    (x0, x1), *rest = surface.bounds
    y_range = list(rest[0]) if surface.dim == 2 else curve_range(grid)
    scale = map_scale(surface)
    layout = {
        "xaxis": {
            "domain": MAP_X,
            "range": [x0, x1],
            "title": {"text": names[0]},
            **scale["xaxis"],
        },
        "yaxis": {
            "domain": [0, 0.82],
            "range": y_range,
            "title": {"text": names[1] if surface.dim == 2 else f"f({names[0]})"},
            **scale["yaxis"],
        },
        "xaxis2": {
            "domain": RIGHT,
            "anchor": "y2",
            "range": [0, steps],
            "matches": "x3",
            "showticklabels": False,
        },
        "yaxis2": {
            "domain": rows["loss"],
            "anchor": "x2",
            "title": {"text": "loss"},
            **loss_axis(loss_range(runs, log_loss), log_loss),
        },
        "xaxis3": {
            "domain": RIGHT,
            "anchor": "y3",
            "range": [0, steps],
            "title": {"text": "step t"},
        },
        "yaxis3": {
            "domain": rows["rate"],
            "anchor": "x3",
            "title": {"text": "α<sub>t</sub>"},
            **rate_axis(lrs, np.concatenate(edges) if edges else None),
        },
        "xaxis4": {"domain": [0, 1], "anchor": "y4", "range": [0, 1], "visible": False},
        "yaxis4": {"domain": READOUT_DOMAIN, "anchor": "x4", "range": [0, 1], "visible": False},
    }
    if with_data:
        layout["xaxis5"] = {"domain": RIGHT, "anchor": "y5", "title": {"text": "data x"}}
        layout["yaxis5"] = {"domain": rows["data"], "anchor": "x5", "title": {"text": "y"}}
    for name, axis in layout.items():
        if name not in ("xaxis4", "yaxis4"):
            axis.update(TICK_STANDOFF)
    return layout


def images(surface: Surface, grid: Grid | None = None) -> list[dict]:
    """The 2-D loss as a background PNG stretched over the map's plot box, rendered from
    ``grid`` or, where that is coarser than background.IMAGE_SIDE, from a grid that fine."""
    if surface.dim != 2:
        return []
    fine = grid is not None and grid.z.shape[0] >= background.IMAGE_SIDE
    (x0, x1), (y0, y1) = surface.bounds
    return [
        {
            "source": background.png_data_uri(grid.z) if fine else background_uri(surface),
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


@functools.lru_cache(maxsize=32)
def background_uri(surface: Surface) -> str:
    """The PNG data URI of ``surface`` on an IMAGE_SIDE grid, made once per surface (surfaces
    compare by identity): a slider move redraws the same background, and even finding the
    image by its grid's bytes cost about 1 ms a move."""
    return background.png_data_uri(grids.surface_grid(surface, background.IMAGE_SIDE).z)


def controls(steps: np.ndarray, duration: int, slider_x: float = 0.22) -> dict:
    """Play / Pause buttons and a frame slider labelled by step, starting at ``slider_x``
    of the plot width (clear of the buttons: narrower charts need a larger share)."""
    still = {
        "frame": {"duration": 0, "redraw": False},
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    play = {**still, "frame": {"duration": duration, "redraw": False}, "fromcurrent": True}
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
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }
    slider = {
        "active": 0,
        "x": slider_x,
        "len": 1 - slider_x,
        "y": -0.09,
        "yanchor": "top",
        "currentvalue": {"prefix": "step ", "font": {"size": 12}, "xanchor": "right"},
        "pad": {"t": 0},
        "steps": [{"label": str(t), "method": "animate", "args": [[str(t)], still]} for t in steps],
    }
    return {"updatemenus": [buttons], "sliders": [slider]}


MARGIN = {"l": 80, "r": 24, "t": 18, "b": 128, "autoexpand": False}
"""Fixed margins that already hold the axis titles, the buttons and the slider's labels.

With ``autoexpand`` on, every new figure is laid out twice: Plotly draws the slider and
the axes, finds they push the margins, and draws everything again. Streamlit mounts a
new chart for every new figure, so that second pass was paid on every slider move."""


def frame(with_data: bool) -> dict:
    """Size, margins, legend and font of the animated figure."""
    return {
        "height": style.HEIGHT + (200 if with_data else 60),
        "margin": dict(MARGIN),
        "legend": {
            "orientation": "v",
            "x": 1.0,
            "xanchor": "right",
            "y": ROWS[with_data]["loss"][1],
            "yanchor": "top",
            "bgcolor": LEGEND_BG,
            "font": {"size": 11},
        },
        "font": style.FONT,
        "hovermode": "closest",
    }


LEGEND_ROOM = 260
"""Right margin (px) that holds the legend of the self-contained figure, beside the panels."""


def legend_beside(layout: dict) -> dict:
    """``layout`` with its legend right of every panel, in a margin of its own: in the
    self-contained figure (the HTML download, a notebook) the runs are listed there, and
    inside the loss panel they covered its curves."""
    legend = {**layout["legend"], "x": 1.0, "xanchor": "left", "xref": "paper"}
    margin = {**layout["margin"], "r": LEGEND_ROOM}
    return {**layout, "legend": legend, "margin": margin}
