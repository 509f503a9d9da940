"""The α_t panel's threshold line 2/λ_max(θ_t): drawn for GD and momentum from the scene's
``Run.edge``, left out with a note for adaptive rules, and inside the panel's range."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import optiviz
from optiviz import scenes
from optiviz.core import stability
from optiviz.figures import chart_data, edges, scales
from optiviz.figures.animation import path_animation
from optiviz.scenes import grids
from optiviz.scenes.settings import Settings

BASE = {
    "mode": "optimizers",
    "optimizer": "sgd",
    "presets": (),
    "alpha": 0.05,
    "schedule": "constant",
    "k": 0.0,
    "drop": 0.5,
    "every": 10,
    "staircase": False,
    "momentum": 0.5,
    "rho": 0.99,
    "beta1": 0.9,
    "beta2": 0.999,
    "eps": 1e-8,
    "steps": 60,
    "start": None,
}


def _scene(surface: str, chosen: tuple[str, ...], **kw) -> scenes.Scene:
    values = {**BASE, "surface": surface, "compare_optimizers": chosen} | kw
    return scenes.scene(Settings(**values))


def _figure(scene: scenes.Scene) -> dict:
    return path_animation(scene.runs, scene.surface, grids.surface_grid(scene.surface, 41))


def _edges(fig: dict) -> list[dict]:
    return [t for t in fig["data"] if t.get("meta") == "edge"]


def test_gd_and_momentum_draw_their_own_line_beside_alpha_t() -> None:
    scene = _scene("quadratic", ("sgd", "momentum", "nesterov"))
    fig = _figure(scene)
    go.Figure(**fig)  # validates against Plotly's schema
    gd, heavy, nesterov = _edges(fig)
    np.testing.assert_allclose(gd["y"], 0.1, rtol=1e-5)
    np.testing.assert_allclose(heavy["y"], 2 * 1.5 / 20, rtol=1e-5)
    np.testing.assert_allclose(nesterov["y"], 3.0 / (2.0 * 20), rtol=1e-5)
    assert gd["name"].endswith("2/λ_max(θ_t)") and heavy["name"].endswith("2(1+β)/λ_max(θ_t)")
    assert gd["xaxis"] == "x3" and gd["yaxis"] == "y3" and len(gd["y"]) == 60
    assert (gd["x0"], gd["dx"]) == (0, 1)  # at steps 0..59, beside alpha_t
    assert [t["line"]["color"] for t in (gd, heavy)] == [r.colour for r in scene.runs[:2]]
    (key,) = fig["layout"]["annotations"]
    assert key["text"] == "- - each rule's threshold: α_t above it overshoots"
    assert not _edges(_figure(_scene("quadratic", ("adam",))))
    alone = _figure(_scene("quadratic", ("adam",)))["layout"]["annotations"][0]["text"]
    assert alone == "No line for Adam: its steps adapt"
    far = _figure(_scene("quadratic", ("sgd",), alpha=0.005))["layout"]["annotations"][0]
    assert far["text"] == "- - 2/λ_max(θ_t) ≈ 0.1, off the top: no step overshoots"


def test_runs_that_share_one_line_draw_it_once_in_grey() -> None:
    """A constant Hessian and one rule: every run's line is the same."""
    scene = _scene(
        "quadratic", ("sgd",), mode="compare", presets=("too small", "good", "too large")
    )
    (line,) = _edges(_figure(scene))
    assert line["line"]["color"] == edges.SHARED_COLOUR and line["name"] == "2/λ_max(θ_t)"
    np.testing.assert_allclose(line["y"], 0.1, rtol=1e-5)
    curved = _scene("rosenbrock", ("sgd",), mode="compare", presets=("too small", "too large"))
    assert len(_edges(_figure(curved))) == 2


def test_on_a_curved_surface_the_line_follows_the_path() -> None:
    scene = _scene("rosenbrock", ("sgd",), alpha=0.0042, steps=300)
    (edge,) = _edges(_figure(scene))
    run = scene.runs[0].trajectory
    expected = 2.0 / optiviz.sharpness("rosenbrock", run.positions[:-1])
    np.testing.assert_allclose(edge["y"], expected, rtol=1e-5)
    assert np.ptp(edge["y"]) > 0.003  # it moves: 0.0013 at the start, more down the valley


def test_adaptive_rules_get_a_note_instead_of_a_line() -> None:
    scene = _scene("quadratic", ("sgd", "adam", "rmsprop"))
    fig = _figure(scene)
    assert len(_edges(fig)) == 1
    (note,) = fig["layout"]["annotations"]
    assert note["text"] == "- - 2/λ_max(θ_t); none for Adam, RMSprop: their steps adapt"
    assert note["hovertext"] == stability.ADAPTIVE_NOTE
    assert note["xref"] == "x3 domain" and note["yref"] == "y3 domain"
    assert (note["y"], note["yanchor"]) == (1.0, "bottom")  # above the panel, not over it


def test_the_chart_knows_each_runs_line_to_hide_it_with_the_run() -> None:
    scene = _scene("quadratic", ("sgd", "adam"))
    data = chart_data.map_chart(scene, grids.surface_grid(scene.surface, 41))
    gd, adam = data["animation"]["runs"]
    assert data["figure"]["data"][gd["edge"]]["meta"] == "edge"
    assert "edge" not in adam
    latent = chart_data.map_chart(scene, grids.surface_grid(scene.surface, 41), latent=0)
    hidden = latent["figure"]["data"][latent["animation"]["runs"][0]["edge"]]
    assert hidden["visible"] is False  # "my α" before α moves: its line waits with it
    assert "visible" not in data["figure"]["data"][gd["edge"]]


def test_the_rate_axis_holds_the_line_near_the_rates_and_not_a_far_one() -> None:
    flat = np.full(50, 0.09)
    assert scales.rate_axis(flat, np.full(50, 0.1))["range"] == pytest.approx([0, 0.108])
    far = np.r_[np.full(10, 0.1), np.full(10, 5.0), np.inf]  # 4x beyond the rates: off panel
    assert scales.rate_axis(flat, far)["range"] == pytest.approx([0, 1.2 * 0.09])
    decay = 0.5 * 0.9 ** np.arange(60)
    axis = scales.rate_axis(decay, np.full(60, 1.0))
    assert axis["type"] == "log" and 10 ** axis["range"][1] > 1.0
    assert axis["tickvals"][-1] == pytest.approx(1.0)
    assert "range" not in scales.rate_axis(decay)
