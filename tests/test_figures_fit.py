"""The fit view's figure builders, checked by inspecting the figures' data."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.figures import background
from optiviz.figures import fit as figures
from optiviz.scenes import fit


@pytest.fixture(scope="module")
def scene() -> fit.FitScene:
    s = surfaces.polynomial_regression(15)
    runs = [
        (
            f"λ={lam:g}",
            colour,
            optiviz.simulate(s, "adam", alpha=0.01, steps=1500, weight_decay=lam),
        )
        for lam, colour in ((0.0, "#3b82f6"), (0.046, "#16a34a"))
    ]
    return fit.fit_scene(s, runs)


def test_every_figure_is_valid_plotly(scene: fit.FitScene) -> None:
    for build in (figures.data_figure, figures.loss_figure, figures.plane_figure):
        go.Figure(build(scene))


def test_data_figure_moves_each_runs_curve_frame_by_frame(scene: fit.FitScene) -> None:
    fig = figures.data_figure(scene)
    train, held = fig["data"][:2]
    np.testing.assert_allclose(train["x"], scene.x_train, rtol=1e-6)
    np.testing.assert_allclose(held["y"], scene.y_val, rtol=1e-6)
    assert [f["name"] for f in fig["frames"]] == [str(t) for t in scene.frames]
    last = fig["frames"][-1]
    for k, run in enumerate(scene.runs):
        np.testing.assert_allclose(last["data"][k]["y"], run.curves[-1], rtol=1e-5)
        assert fig["data"][last["traces"][k]]["name"] == f"model: {run.name}"
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(scene.frames)


def test_loss_figure_marks_the_lowest_validation_loss(scene: fit.FitScene) -> None:
    fig = figures.loss_figure(scene)
    for k, run in enumerate(scene.runs):
        train, validation, star = fig["data"][3 * k : 3 * k + 3]
        np.testing.assert_allclose(train["y"], run.train, rtol=1e-6)
        np.testing.assert_allclose(validation["y"], run.validation, rtol=1e-6)
        assert star["x"] == [run.best_step] and figures.EARLY_STOP in star["name"]
        assert star["y"][0] == pytest.approx(np.min(run.validation), rel=1e-6)
        assert fig["layout"]["shapes"][k]["x0"] == run.best_step
    assert fig["layout"]["annotations"][0]["text"] == figures.EARLY_STOP
    assert "without the weight-decay penalty" in fig["layout"]["title"]["text"]
    assert scene.runs[0].best_step < 600 < len(scene.runs[0].train)


def test_plane_figure_draws_the_loss_slice_and_the_projected_paths(scene: fit.FitScene) -> None:
    fig = figures.plane_figure(scene)
    heat = fig["data"][0]
    assert np.shape(heat["z"]) == (len(scene.plane.b), len(scene.plane.a))
    np.testing.assert_allclose(heat["x"], scene.plane.a, rtol=1e-6)
    for k, run in enumerate(scene.runs):
        path = fig["data"][1 + 2 * k]
        np.testing.assert_allclose(path["x"], run.plane_path[:, 0], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(path["y"], run.plane_path[:, 1], rtol=1e-5, atol=1e-7)
    assert "2-D slice of a 16-D loss" in fig["layout"]["title"]["text"]
    assert "%" in fig["layout"]["xaxis"]["title"]["text"]


def test_loss_figure_log_ticks_read_in_full(scene: fit.FitScene) -> None:
    """The log loss axis labels 0.5 and 0.2 as such (Plotly's own read "1, 5, 2, 0.1, 5,
    2"): every label is the number it marks."""
    axis = figures.loss_figure(scene)["layout"]["yaxis"]
    assert axis["type"] == "log" and axis["tickmode"] == "array"
    assert len(axis["tickvals"]) >= 2
    for value, text in zip(axis["tickvals"], axis["ticktext"], strict=True):
        shown = float(text) if "<sup>" not in text else None
        assert shown is None or shown == pytest.approx(value), (value, text)
        assert axis["range"][0] <= np.log10(value) <= axis["range"][1]


def test_plane_figure_is_strict_json_where_the_loss_overflows(scene: fit.FitScene) -> None:
    """The figure component sends strict JSON: an overflowed loss on the plane (inf, or
    NaN) is a gap (null) in the heatmap, and the finite cells keep their levels."""
    loss = scene.plane.loss.copy()
    loss[0, 0], loss[1, 1] = np.inf, np.nan
    broken = dataclasses.replace(scene, plane=dataclasses.replace(scene.plane, loss=loss))
    z = json.loads(json.dumps(figures.plane_figure(broken), allow_nan=False))["data"][0]["z"]
    assert z[0][0] is None and z[1][1] is None
    kept = np.array([[np.nan if v is None else v for v in row] for row in z])
    finite = np.isfinite(loss)
    np.testing.assert_allclose(kept[finite], background.levels(loss)[finite], rtol=1e-6)


def test_figures_write_each_value_as_its_shortest_float32(scene: fit.FitScene) -> None:
    """The figures' numbers are float32, each as the shortest decimal that reads back as
    it (at most 9 significant digits, where the float64 of a float32 takes 17), and a
    frame carries the curve's y alone (the trace keeps its x)."""
    frame = figures.data_figure(scene)["frames"][-1]["data"][0]
    assert list(frame) == ["y"]
    expected = scene.runs[0].curves[-1].astype(np.float32)
    assert np.array_equal(np.array(frame["y"], np.float32), expected)
    losses = figures.loss_figure(scene)["data"][0]["y"]
    assert np.array_equal(np.array(losses, np.float32), scene.runs[0].train.astype(np.float32))
    digits = [len(re.sub(r"e.*|[-.]", "", repr(v)).strip("0")) for v in frame["y"] + losses]
    assert max(digits) <= 9
