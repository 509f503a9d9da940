"""The class question's pictures (``optiviz.figures.answers``), read from the figure data."""

from __future__ import annotations

import numpy as np
import pytest

from optiviz.core import surfaces
from optiviz.figures import answers
from optiviz.scenes import grids

ROSENBROCK = surfaces.get("rosenbrock")
PARABOLA = surfaces.get("parabola")


def _by_name(figure: dict) -> dict[str, dict]:
    return {t.get("name", "").split(" (")[0]: t for t in figure["data"]}


def test_question_map_shows_start_guesses_and_mine_and_no_path():
    grid = grids.surface_grid(ROSENBROCK, 21)
    guesses = [{"voter": "a", "x": 0.5, "y": 1.0}, {"voter": "b", "x": -1.0, "y": 2.0}]
    fig = answers.question_map(ROSENBROCK, grid, (-1.5, 2.0), guesses=guesses, mine=guesses[0])
    traces = _by_name(fig)
    assert set(traces) == {"start", "guesses", "your guess"}
    assert all(t["mode"] == "markers" for t in fig["data"]), "a line (a path) is drawn"
    assert (traces["start"]["x"], traces["start"]["y"]) == ([-1.5], [2.0])
    assert (traces["guesses"]["x"], traces["guesses"]["y"]) == ([0.5, -1.0], [1.0, 2.0])
    assert traces["your guess"]["x"] == [0.5]
    layout = fig["layout"]
    assert layout["xaxis"]["range"] == list(ROSENBROCK.bounds[0])
    assert layout["yaxis"]["range"] == list(ROSENBROCK.bounds[1])
    assert layout["images"], "the surface's picture is under the marks"


def test_one_d_map_puts_guesses_on_the_curve():
    grid = grids.surface_grid(PARABOLA, 101)
    fig = answers.question_map(PARABOLA, grid, (1.5,), guesses=[{"voter": "a", "x": 0.5}])
    traces = _by_name(fig)
    f = float(np.interp(0.5, grid.axes[0], grid.z))
    assert traces["guesses"]["y"] == pytest.approx([f])
    assert traces["start"]["y"] == pytest.approx([float(np.interp(1.5, grid.axes[0], grid.z))])
    assert traces["f(x)"]["mode"] == "lines"


def test_question_map_refuses_what_it_cannot_draw():
    poly = surfaces.get("polynomial_regression")
    with pytest.raises(ValueError, match="parameters"):
        answers.question_map(poly, grids.surface_grid(ROSENBROCK, 5), (0.0,) * poly.dim)
    with pytest.raises(ValueError, match="start"):
        answers.question_map(ROSENBROCK, grids.surface_grid(ROSENBROCK, 5), (0.0,))


def test_choice_bars():
    fig = answers.choice_bars(["a", "b", "c"], [2, 0, 5], right="c")
    (bars,) = fig["data"]
    assert bars["y"] == ["a", "b", "c"] and bars["x"] == [2, 0, 5]
    assert bars["marker"]["color"] == [answers.BAR_COLOUR, answers.BAR_COLOUR, answers.RIGHT_COLOUR]
    with pytest.raises(ValueError):
        answers.choice_bars(["a"], [1, 2])


def test_with_guesses_appends_and_keeps_the_animation_indices():
    grid = grids.surface_grid(ROSENBROCK, 5)
    chart = {"figure": {"data": [{"name": "path"}, {"name": "ball"}], "layout": {}},
             "animation": {"ids": [1]}}  # fmt: skip
    out = answers.with_guesses(chart, [{"x": 0.0, "y": 0.0}], ROSENBROCK, grid, (1.0, 1.0), 7)
    data = out["figure"]["data"]
    assert data[:2] == chart["figure"]["data"] and out["animation"] == {"ids": [1]}
    assert data[2]["meta"] == answers.GUESSES and data[2]["x"] == [0.0]
    assert data[3]["name"] == "after 7 steps" and (data[3]["x"], data[3]["y"]) == ([1.0], [1.0])
    assert len(chart["figure"]["data"]) == 2, "the cached chart was changed in place"


def test_the_reveal_key_names_the_colours_the_guesses_and_the_ball_are_drawn_in():
    from optiviz.ui import classroom

    key = classroom.KEY["where"].format(steps=150)
    assert answers.GUESS_COLOUR in key and "reddish purple" in key
    assert answers.RIGHT_COLOUR in key and "after 150 steps" in key
