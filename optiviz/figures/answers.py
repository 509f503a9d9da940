"""A class question's pictures: the map a student answers on, the class's guesses on it,
and the bars of a which question. Pure: arrays and settings in, Plotly figure dicts out.

The map has no paths and no verdicts: the surface (its background image, or its curve)
and the start; ``optiviz.ui.pick`` turns a tap on it into a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.figures import layout, style
from optiviz.scenes.grids import Grid

START_COLOUR = "#ffffff"
GUESS_COLOUR = style.OKABE_ITO["reddish purple"]
"""The class's guesses: the one Okabe-Ito colour no preset run is drawn in."""
MINE_COLOUR = style.OKABE_ITO["yellow"]
RIGHT_COLOUR = style.OKABE_ITO["bluish green"]
BAR_COLOUR = style.OKABE_ITO["sky blue"]
MARGIN = {"l": 44, "r": 8, "t": 8, "b": 36}
AXES = ("x", "y")
GUESSES = "guesses"
"""The ``meta`` (and name) of the class's guesses trace."""


def _check(surface: Surface, grid: Grid) -> None:
    if surface.dim not in (1, 2):
        raise ValueError(f"a map has x, or x and y; {surface.name} has {surface.dim} parameters")
    if len(grid.axes) != surface.dim:
        raise ValueError("the grid's dimension differs from the surface's")


def curve_y(grid: Grid, xs) -> np.ndarray:
    """f at ``xs`` on a 1-D surface, interpolated on ``grid``: where a guess sits on the
    curve."""
    return np.interp(np.asarray(xs, dtype=np.float64), grid.axes[0], grid.z)


def _xy(points: Sequence[Mapping], surface: Surface, grid: Grid) -> tuple[list, list]:
    xs = [float(p["x"]) for p in points]
    ys = [float(p["y"]) for p in points] if surface.dim == 2 else curve_y(grid, xs).tolist()
    return xs, ys


def _marker(xs, ys, name: str, colour: str, size: int, symbol: str, **extra) -> dict:
    return {
        "type": "scatter",
        "x": list(xs),
        "y": list(ys),
        "mode": "markers",
        "name": name,
        "marker": {
            "size": size,
            "color": colour,
            "symbol": symbol,
            "line": {"width": 2, "color": "#111111"},
        },
        "hoverinfo": "skip",
        **extra,
    }


def guesses_trace(guesses: Sequence[Mapping], surface: Surface, grid: Grid) -> dict:
    """The class's guesses as dots on the map's axes (the reveal adds it to the top view)."""
    xs, ys = _xy(guesses, surface, grid)
    return _marker(
        xs,
        ys,
        f"{GUESSES} ({len(guesses)})",
        GUESS_COLOUR,
        11,
        "circle",
        meta=GUESSES,
        opacity=0.8,
        showlegend=False,
        xaxis="x",
        yaxis="y",
    )


def question_map(
    surface: Surface,
    grid: Grid,
    start: Sequence[float],
    *,
    guesses: Sequence[Mapping] = (),
    mine: Mapping | None = None,
    height: int = 360,
) -> dict:
    """The map a where question is asked on: the surface, the start (a white diamond),
    the class's ``guesses`` and the student's own answer ``mine`` (a yellow star).
    Nothing else: no path, no verdict."""
    _check(surface, grid)
    if len(start) != surface.dim:
        raise ValueError("the start has one number per parameter of the surface")
    sx, sy = _xy([dict(zip(AXES, start, strict=False))], surface, grid)
    data = []
    if surface.dim == 1:
        data.append({"type": "scatter", "x": grid.axes[0].tolist(), "y": grid.z.tolist(),
                     "mode": "lines", "line": {"color": "#64748b", "width": 3},
                     "name": "f(x)", "hoverinfo": "skip"})  # fmt: skip
    if guesses:
        data.append(guesses_trace(guesses, surface, grid))
    data.append(_marker(sx, sy, "start", START_COLOUR, 16, "diamond"))
    if mine is not None:
        mx, my = _xy([mine], surface, grid)
        data.append(_marker(mx, my, "your guess", MINE_COLOUR, 20, "star"))
    return {"data": data, "layout": _map_layout(surface, grid, height)}


def _map_layout(surface: Surface, grid: Grid, height: int) -> dict:
    names = surface.extras.get("parameters", ("x", "y"))
    (x0, x1), *rest = surface.bounds
    scale = layout.map_scale(surface)
    y_range = list(rest[0]) if surface.dim == 2 else layout.curve_range(grid)
    return {
        "height": height,
        "margin": MARGIN,
        "font": style.FONT,
        "showlegend": False,
        "dragmode": False,
        "hovermode": False,
        "images": layout.images(surface),
        "xaxis": {"range": [x0, x1], "title": {"text": names[0]}, "fixedrange": True,
                  **scale["xaxis"]},
        "yaxis": {"range": y_range, "fixedrange": True,
                  "title": {"text": names[1] if surface.dim == 2 else f"f({names[0]})"},
                  **scale["yaxis"]},
    }  # fmt: skip


def choice_bars(
    choices: Sequence[str], counts: Sequence[int], right: str | None = None, height: int = 300
) -> dict:
    """Bars of how many picked each choice; after the reveal the ``right`` one is green."""
    if len(choices) != len(counts):
        raise ValueError("one count per choice")
    colours = [RIGHT_COLOUR if c == right else BAR_COLOUR for c in choices]
    return {
        "data": [
            {
                "type": "bar",
                "x": [int(n) for n in counts],
                "y": list(choices),
                "orientation": "h",
                "marker": {"color": colours},
                "text": [str(int(n)) for n in counts],
                "textposition": "auto",
                "textfont": {"size": 18},
                "hoverinfo": "skip",
            }
        ],
        "layout": {
            "height": height,
            "margin": {"l": 8, "r": 8, "t": 8, "b": 30},
            "font": style.FONT,
            "xaxis": {"title": {"text": "answers"}, "rangemode": "tozero", "dtick": 1,
                      "fixedrange": True},
            "yaxis": {"automargin": True, "autorange": "reversed", "fixedrange": True},
            "showlegend": False,
        },
    }  # fmt: skip


def with_guesses(
    chart: dict,
    guesses: Sequence[Mapping],
    surface: Surface,
    grid: Grid,
    target: Sequence[float] | None = None,
    n: int | None = None,
) -> dict:
    """The chart component's top view (``chart_data.map_chart``) with the guesses, and
    the ball's position after ``n`` steps (``target``, a green cross), drawn last, over
    the paths: the animation's own trace indices are unchanged."""
    figure = chart["figure"]
    data = [*figure["data"], guesses_trace(guesses, surface, grid)]
    if target is not None:
        tx, ty = _xy([dict(zip(AXES, target, strict=False))], surface, grid)
        data.append(
            _marker(
                tx,
                ty,
                f"after {n} steps",
                RIGHT_COLOUR,
                18,
                "x",
                xaxis="x",
                yaxis="y",
                showlegend=False,
            )
        )
    return {**chart, "figure": {**figure, "data": data}}
