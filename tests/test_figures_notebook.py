"""The notebook figures: the app's own figures, as ``go.Figure``, from the core's results."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import optiviz
import optiviz.figures as figures
from optiviz.core import surfaces
from optiviz.core.surfaces import datasets
from optiviz.figures import lab_range_test, style
from optiviz.figures.animation import path_animation
from optiviz.figures.notebook import GRID_POINTS, LOSS_LABEL, STEPS_LABEL
from optiviz.figures.runs import Run
from optiviz.scenes import grids


def _named(fig: go.Figure, name: str):
    (trace,) = [d for d in fig.data if d.name == name]
    return trace


def test_animate_is_the_apps_single_run_view() -> None:
    s = surfaces.get("staircase")
    tr = optiviz.simulate(s, "sgd", alpha=0.8)
    fig = figures.animate(tr, surface="staircase", names=["α=0.8"])
    app = path_animation([Run("α=0.8", tr, style.run_colour(0))], s, grids.surface_grid(s, 161))
    assert GRID_POINTS == 161
    assert fig.to_dict() == go.Figure(app).to_dict()


def test_animate_draws_every_run_with_its_verdict_and_frames_up_to_the_last_step() -> None:
    runs = optiviz.simulate_many("staircase", "sgd", alphas=[0.055, 0.8, 4.0], steps=60)
    fig = figures.animate(*runs, surface=surfaces.get("staircase"))
    assert isinstance(fig, go.Figure)
    assert [f.name for f in fig.frames] == [str(t) for t in range(61)]
    for tr in runs:
        ball = _named(fig, f"sgd α={tr.alpha:g} · {tr.label}")
        assert ball.xaxis == "x" and ball.mode == "lines+markers" and ball.meta == "ball"
        loss = _named(fig, f"sgd α={tr.alpha:g} training loss")
        finite = np.isfinite(tr.losses)
        assert np.allclose(np.array(loss.y, float)[finite], tr.losses[finite], rtol=1e-4)
    assert runs[2].verdict == "diverged"
    last = fig.frames[-1]
    ball_index = [i for i, d in enumerate(fig.data) if d.name and "α=0.8 ·" in d.name][0]
    at = last.data[last.traces.index(ball_index)]
    assert (at.x[0], at.y[0]) == pytest.approx(tuple(runs[1].positions[-1]), rel=1e-4, abs=1e-9)


def test_animate_draws_a_curve_and_a_data_defined_surface() -> None:
    tr = optiviz.simulate("double_well", "momentum", alpha=0.05, steps=30)
    fig = figures.animate(tr, surface="double_well")
    curve = surfaces.get("double_well")
    assert curve.dim == 1 and len(fig.frames) == 31
    tr = optiviz.simulate("linear_regression", "sgd", alpha=0.1, steps=20)
    fig = figures.animate(tr, surface="linear_regression")
    validation = _named(fig, "sgd α=0.1 validation loss")
    expected = datasets.validation_losses(surfaces.get("linear_regression"), tr.positions)
    assert np.allclose(np.array(validation.y, float), expected, rtol=1e-4)
    assert {d.name for d in fig.data} >= {"training data", "validation data"}


def test_animate_takes_a_typed_formula_surface() -> None:
    s = surfaces.from_expression("x^2 + 10*y^2")
    fig = figures.animate(optiviz.simulate(s, "adam", alpha=0.1, steps=20), surface=s)
    assert len(fig.frames) == 21


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: figures.animate(surface="staircase"), "at least one"),
        (
            lambda: figures.animate(
                optiviz.simulate("staircase", "sgd", alpha=0.8, steps=10),
                surface="staircase",
                names=["a", "b"],
            ),
            "2 names for 1",
        ),
        (
            lambda: figures.animate(
                optiviz.simulate("parabola", "sgd", alpha=0.1, steps=10), surface="staircase"
            ),
            "1-D run",
        ),
        (
            lambda: figures.animate(
                optiviz.simulate("staircase", "sgd", alpha=0.8, steps=10),
                optiviz.simulate("staircase", "sgd", alpha=0.8, steps=20),
                surface="staircase",
            ),
            "same number of steps",
        ),
        (lambda: figures.animate(surface="nowhere"), "at least one"),
    ],
)
def test_animate_rejects_bad_input(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_landscape_colours_log_final_loss_or_steps_and_greys_divergence() -> None:
    alphas, ks = np.geomspace(0.05, 5, 6), np.array([1e-3, 0.1])
    final, first = optiviz.landscape(
        "staircase", "sgd", alphas=alphas, ks=ks, schedule="inverse_time"
    )
    assert np.isinf(final).any() and np.isfinite(final).any()
    fig = figures.landscape(alphas, ks, final)
    heat = fig.data[0]
    z = np.array(heat.z, float)
    ok = np.isfinite(final.T)
    assert np.allclose(z[ok], np.log10(np.maximum(final.T[ok], 1e-12)))
    assert heat.colorbar.title.text == LOSS_LABEL
    grey = np.array(fig.data[1].z, float)
    assert np.array_equal(np.isfinite(grey), ~ok)
    steps = figures.landscape(alphas, ks, final, first)
    zs = np.array(steps.data[0].z, float)
    assert np.array_equal(zs[ok], first.T[ok])
    assert steps.data[0].colorbar.title.text == STEPS_LABEL


def test_landscape_numbers_a_searchs_trials_and_stars_its_best() -> None:
    result = optiviz.search(
        "random",
        budget=6,
        alpha_range=(0.05, 5),
        k_range=(1e-3, 0.1),
        seed=1,
        surface="staircase",
        optimizer="sgd",
        schedule="inverse_time",
    )
    alphas, ks = np.geomspace(0.05, 5, 4), np.geomspace(1e-3, 0.1, 3)
    final = optiviz.sweep("staircase", "sgd", alphas=alphas, ks=ks, schedule="inverse_time")
    fig = figures.landscape(alphas, ks, final, search=result)
    trials = _named(fig, "trials")
    assert list(trials.x) == pytest.approx(np.log10([t.alpha for t in result.trials]))
    assert list(trials.text) == [str(i) for i in range(1, 7)]
    best = _named(fig, "best")
    expected = np.log10([result.best_trial.alpha, result.best_trial.k])
    assert (best.x[0], best.y[0]) == pytest.approx(tuple(expected))


def test_landscape_rejects_grids_of_different_shapes() -> None:
    with pytest.raises(ValueError, match="differ in shape"):
        figures.landscape([0.1, 1], [0, 1], np.ones((2, 2)), np.ones((2, 3)))


def test_range_test_is_the_labs_figure() -> None:
    test = optiviz.lr_range_test("staircase", "sgd", lr_min=1e-4, lr_max=10.0, steps=120)
    fig = figures.range_test(test)
    assert fig.to_dict() == lab_range_test.range_test_figure(test).to_dict()
    marked = _named(fig, "suggested α")
    assert marked.x[0] == pytest.approx(test.suggested)
