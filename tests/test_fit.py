"""The fit scene: principal planes, early-stopping steps and model curves, from the core."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.core.surfaces import polynomial
from optiviz.scenes import fit

RNG = np.random.default_rng(0)


def test_principal_plane_recovers_a_path_that_lies_in_a_plane() -> None:
    u, v = np.linalg.qr(RNG.normal(size=(7, 2)))[0].T
    t = np.linspace(0, 1, 50)
    center = RNG.normal(size=7)
    positions = center + np.outer(3 * t, u) + np.outer(np.sin(4 * t), v)
    c, directions, explained = fit.principal_plane(positions)
    np.testing.assert_allclose(c, positions.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(directions.T @ directions, np.eye(2), atol=1e-12)
    basis = np.stack([u, v], axis=1)
    np.testing.assert_allclose(np.abs(np.linalg.det(basis.T @ directions)), 1.0, atol=1e-9)
    assert explained.sum() == pytest.approx(1.0) and explained[0] >= explained[1] > 0
    coords = (positions - c) @ directions
    np.testing.assert_allclose(c + coords @ directions.T, positions, atol=1e-9)


def test_principal_plane_of_one_parameter_or_a_line_fills_the_missing_direction() -> None:
    line = np.outer(np.linspace(-1, 1, 9), [0.6, 0.8])
    _, directions, explained = fit.principal_plane(line)
    np.testing.assert_allclose(np.abs(directions[:, 0]), [0.6, 0.8], atol=1e-12)
    assert explained == pytest.approx([1.0, 0.0])
    _, directions, explained = fit.principal_plane(np.linspace(0, 1, 5)[:, None])
    assert directions.shape == (1, 2) and explained[1] == 0


def test_best_step_and_frames() -> None:
    assert fit.best_step(np.array([3.0, 1.0, np.nan, 1.0, 2.0])) == 1
    assert fit.best_step(np.array([np.nan, np.nan])) == 0
    frames = fit.frame_steps(1500)
    assert frames[0] == 0 and frames[-1] == 1500 and len(frames) == fit.MAX_FRAMES
    assert list(fit.frame_steps(5)) == [0, 1, 2, 3, 4, 5]


def test_scene_of_a_polynomial_run_is_the_core_run_seen_three_ways() -> None:
    s = surfaces.polynomial_regression(8)
    run = optiviz.simulate(s, "adam", alpha=0.02, steps=300)
    scene = fit.fit_scene(s, [("adam", "#000000", run)])
    (shown,) = scene.runs
    assert scene.dim == 9 and len(scene.x_train) == 20 and len(scene.x_val) == 40
    np.testing.assert_allclose(
        shown.curves, polynomial.predict(run.positions[scene.frames], scene.curve_x)
    )
    np.testing.assert_array_equal(shown.validation, run.validation_losses)
    assert shown.best_step == int(np.argmin(run.validation_losses))
    plane = scene.plane
    np.testing.assert_allclose(shown.plane_path, (run.positions - plane.center) @ plane.directions)
    assert (
        plane.a.min() < shown.plane_path[:, 0].min()
        and plane.b.max() > shown.plane_path[:, 1].max()
    )
    i, j = 17, 42
    point = plane.center + plane.a[j] * plane.directions[:, 0] + plane.b[i] * plane.directions[:, 1]
    assert plane.loss[i, j] == pytest.approx(float(s.f(np.float32(point))), rel=1e-4)


def test_scene_refuses_a_surface_without_a_model() -> None:
    run = optiviz.simulate("rosenbrock", "sgd", alpha=1e-3, steps=10)
    with pytest.raises(ValueError, match="data surface"):
        fit.fit_scene(surfaces.get("rosenbrock"), [("sgd", "#000000", run)])
