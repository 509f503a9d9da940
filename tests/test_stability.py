"""critical_alpha and sharpness against closed forms, NumPy's eigvalsh and the dynamics."""

from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import numpy as np
import pytest
from numpy.polynomial import legendre

import optiviz
from optiviz.core import stability, surfaces

ROSENBROCK_TOP = 501.0 + math.hypot(301.0, 400.0)
"""lambda_max of [[802, -400], [-400, 200]], Rosenbrock's Hessian at (1, 1): 1001.6006."""


def quadratic_form(name: str, matrix: np.ndarray) -> surfaces.Surface:
    """f(x) = x^T A x / 2, whose Hessian is A everywhere."""
    a = jnp.asarray(matrix, jnp.float32)
    dim = len(matrix)
    return surfaces.Surface(
        name=name,
        f=lambda p: 0.5 * p @ a @ p,
        dim=dim,
        bounds=((-1.0, 1.0),) * dim,
        start=(0.5,) * dim,
        default_steps=100,
        minima=((0.0,) * dim,),
        description="",
        lr_presets={"too small": 1e-3},
    )


# closed forms


def test_the_narrow_valley_has_its_lines_at_0_1_and_0_19() -> None:
    assert optiviz.critical_alpha("quadratic") == pytest.approx(0.1, rel=1e-6)
    assert optiviz.critical_alpha("quadratic", "momentum", momentum=0.9) == pytest.approx(
        0.19, rel=1e-6
    )
    nesterov = (2 + 2 * 0.5) / ((1 + 2 * 0.5) * 20.0)
    assert optiviz.critical_alpha("quadratic", "nesterov", momentum=0.5) == pytest.approx(
        nesterov, rel=1e-6
    )


def test_the_narrow_valley_is_equally_sharp_everywhere() -> None:
    points = np.random.default_rng(0).uniform(-50, 50, (300, 2))
    np.testing.assert_allclose(optiviz.sharpness("quadratic", points), 20.0, rtol=1e-6)


def test_rosenbrock_at_its_minimum() -> None:
    top = optiviz.sharpness("rosenbrock", [1.0, 1.0])
    assert top.shape == (1,)
    assert top[0] == pytest.approx(ROSENBROCK_TOP, rel=1e-6)
    assert round(float(top[0]), 2) == 1001.60
    assert optiviz.critical_alpha("rosenbrock") == pytest.approx(0.0019968, abs=5e-8)


def test_rosenbrock_everywhere_against_its_hessian_by_hand() -> None:
    """[[2 - 400 (y - 3x^2), -400x], [-400x, 200]] at 5,000 points (more than one chunk)."""
    p = np.random.default_rng(3).uniform([-2.0, -1.0], [2.0, 3.0], (5000, 2))
    x, y = p.T
    h = np.stack([2 - 400 * (y - 3 * x**2), -400 * x, -400 * x, np.full_like(x, 200.0)], 1)
    low, high = np.linalg.eigvalsh(h.reshape(-1, 2, 2)).T
    got = stability.hessian_extremes("rosenbrock", p)
    scale = np.abs(high).max()
    np.testing.assert_allclose(got[:, 1], high, atol=2e-6 * scale)
    np.testing.assert_allclose(got[:, 0], low, atol=2e-6 * scale)


def test_a_curve_is_as_sharp_as_its_second_derivative() -> None:
    """The double well x^4 - 3x^2 + x: f'' = 12 x^2 - 6."""
    xs = np.linspace(-2.0, 2.0, 81)
    np.testing.assert_allclose(optiviz.sharpness("double_well", xs), 12 * xs**2 - 6, atol=1e-4)


def test_the_parabola_x_squared_settles_below_alpha_1() -> None:
    assert optiviz.critical_alpha("parabola") == pytest.approx(1.0, rel=1e-6)
    assert optiviz.critical_alpha("parabola", at=[3.0]) == pytest.approx(1.0, rel=1e-6)


def test_coupled_weight_decay_adds_to_the_hessian() -> None:
    assert optiviz.critical_alpha("quadratic", weight_decay=0.5) == pytest.approx(2 / 20.5)
    heavy = optiviz.critical_alpha("quadratic", "momentum", momentum=0.5, weight_decay=4.0)
    assert heavy == pytest.approx(3.0 / 24.0)


@pytest.mark.parametrize("degree", [1, 3, 15])
def test_the_polynomial_model_against_numpys_eigvalsh(degree: int) -> None:
    """H = 2 Phi^T Phi / n for the orthonormal Legendre features of the training x."""
    surface = surfaces.polynomial_regression(degree)
    x = surface.extras["x"]
    phi = legendre.legvander(x, degree) * np.sqrt(2 * np.arange(degree + 1) + 1)
    top = np.linalg.eigvalsh(2 * phi.T @ phi / len(x))[-1]
    assert optiviz.critical_alpha(surface) == pytest.approx(2 / top, rel=1e-4)
    points = np.random.default_rng(degree).normal(0, 2, (7, degree + 1))
    np.testing.assert_allclose(optiviz.sharpness(surface, points), top, rtol=1e-4)


def test_lanczos_beyond_the_full_hessian_matches_eigvalsh() -> None:
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(48, 48)))
    matrix = (q * np.linspace(0.3, 25.0, 48)) @ q.T
    surface = quadratic_form("rotated48", matrix)
    assert surface.dim > stability.FULL_HESSIAN_MAX_DIM
    low, high = stability.hessian_extremes(surface, rng.normal(size=(3, 48))).T
    np.testing.assert_allclose(high, 25.0, rtol=1e-3)
    np.testing.assert_allclose(low, 0.3, rtol=1e-2)
    assert optiviz.critical_alpha(surface) == pytest.approx(2 / 25.0, rel=1e-3)


def test_lanczos_restarts_where_the_krylov_space_closes() -> None:
    """Three distinct eigenvalues close the Krylov space after three steps."""
    surface = quadratic_form("repeated60", np.diag(np.repeat([1.0, 3.0, 7.0], 20)))
    low, high = stability.hessian_extremes(surface, np.ones((2, 60))).T
    np.testing.assert_allclose(high, 7.0, rtol=1e-4)
    np.testing.assert_allclose(low, 1.0, rtol=1e-4)


# where there is no line


@pytest.mark.parametrize("optimizer", ["adagrad", "rmsprop", "adam", "adamw"])
def test_adaptive_rules_have_no_line(optimizer: str) -> None:
    assert optiviz.critical_alpha("quadratic", optimizer) is None
    assert stability.critical_alpha_along("quadratic", [[1.0, 1.0]], optimizer) is None


def test_no_line_where_the_hessian_is_not_positive() -> None:
    assert optiviz.critical_alpha("saddle", at=[0.0, 0.0]) is None  # a saddle
    assert optiviz.critical_alpha("himmelblau", at=[-0.5, -0.5]) is None  # a hilltop
    tread = quadratic_form("tread", np.diag([2.0, 0.0]))  # flat along y
    assert optiviz.critical_alpha(tread) is None
    assert optiviz.critical_alpha(tread, weight_decay=0.5) == pytest.approx(2 / 2.5)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="unknown surface"):
        optiviz.sharpness("nowhere", [0.0, 0.0])
    with pytest.raises(ValueError, match="rows of 2"):
        optiviz.sharpness("quadratic", [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown optimizer"):
        optiviz.critical_alpha("quadratic", "lbfgs")
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        optiviz.critical_alpha("quadratic", beta=0.9)
    with pytest.raises(ValueError, match="at must be"):
        optiviz.critical_alpha("quadratic", at=[0.0])
    with pytest.raises(ValueError, match="lists no minimum"):
        optiviz.critical_alpha(dataclasses.replace(surfaces.get("quadratic"), minima=()))


def test_a_position_that_is_not_finite_has_no_sharpness() -> None:
    top = optiviz.sharpness("rosenbrock", [[1.0, 1.0], [np.nan, 0.0], [0.0, np.inf]])
    assert top[0] == pytest.approx(ROSENBROCK_TOP, rel=1e-6)
    assert np.isnan(top[1:]).all()


def test_the_line_along_a_path_is_the_threshold_at_each_point() -> None:
    run = optiviz.simulate("rosenbrock", "momentum", alpha=0.0005, steps=80, momentum=0.5)
    along = stability.critical_alpha_along(
        "rosenbrock", run.positions, "momentum", momentum=0.5, weight_decay=0.1
    )
    top = optiviz.sharpness("rosenbrock", run.positions)
    np.testing.assert_allclose(along, 3.0 / (top + 0.1), rtol=1e-6)
    flat = stability.critical_alpha_along("quadratic", np.zeros((5, 2)), "momentum")
    np.testing.assert_allclose(flat, 0.19, rtol=1e-6)


# the dynamics: just below the line a run settles, just above it runs away


CASES = [
    ("quadratic", "sgd", {}),
    ("quadratic", "momentum", {"momentum": 0.9}),
    ("quadratic", "nesterov", {"momentum": 0.9}),
    ("quadratic", "sgd", {"weight_decay": 2.0}),
    ("rosenbrock", "sgd", {}),
    ("rosenbrock", "momentum", {"momentum": 0.5}),
    ("parabola", "sgd", {}),
    ("parabola", "momentum", {"momentum": 0.9}),
    ("himmelblau", "sgd", {}),
    ("polynomial3", "sgd", {}),
    ("polynomial3", "momentum", {"momentum": 0.9}),
]


def _surface(name: str) -> surfaces.Surface:
    return surfaces.polynomial_regression(3) if name == "polynomial3" else surfaces.get(name)


def _distance(surface: surfaces.Surface, position: np.ndarray, hyper: dict) -> float:
    best = np.asarray(surface.minima[0])
    if "weight_decay" in hyper:  # the minimum of x^T H x / 2 + lambda |x|^2 / 2 is 0 here
        best = np.zeros_like(best)
    gap = float(np.linalg.norm(position - best))
    return gap if np.isfinite(gap) else np.inf


@pytest.mark.parametrize(("name", "optimizer", "hyper"), CASES)
def test_below_the_line_a_run_settles_and_above_it_runs_away(name, optimizer, hyper) -> None:
    surface = _surface(name)
    line = optiviz.critical_alpha(surface, optimizer, **hyper)
    best = np.asarray(surface.minima[0])
    start = best + 1e-3 * surface.scale * np.random.default_rng(2).normal(size=surface.dim)
    before = _distance(surface, start, hyper)
    ends = {
        factor: optiviz.simulate(
            surface, optimizer, alpha=factor * line, start=start, steps=400, **hyper
        )
        for factor in (0.97, 1.03)
    }
    assert _distance(surface, ends[0.97].positions[-1], hyper) < before
    away = ends[1.03]
    assert away.diverged_at is not None or _distance(surface, away.positions[-1], hyper) > 10 * (
        before
    )


# compilation


def test_moving_alpha_or_the_steps_never_recompiles() -> None:
    """One curvature program per surface: paths of every step bucket, many paths at once
    (more rows than one chunk) and single points all share it."""
    surface = dataclasses.replace(surfaces.get("himmelblau"))  # a fresh compile cache entry
    before = stability.TRACES["extremes"]
    for alpha, steps in [(0.01, 40), (0.02, 64), (0.005, 33), (0.04, 10), (0.01, 100)]:
        run = optiviz.simulate(surface, "momentum", alpha=alpha, steps=steps)
        optiviz.sharpness(surface, run.positions)
        stability.critical_alpha_along(surface, run.positions, "momentum", momentum=alpha * 10)
    for beta in (0.0, 0.5, 0.9):
        optiviz.critical_alpha(surface, "momentum", momentum=beta, weight_decay=beta)
        optiviz.critical_alpha(surface, at=[0.0, beta])
    long = optiviz.simulate(surface, "sgd", alpha=0.01, steps=2000)
    many = np.concatenate([long.positions] * 3)  # three chunks' worth of rows
    np.testing.assert_array_equal(
        optiviz.sharpness(surface, many), np.tile(optiviz.sharpness(surface, long.positions), 3)
    )
    assert stability.TRACES["extremes"] == before + 1


def test_only_the_finite_positions_go_through_the_curvature_program(monkeypatch) -> None:
    """A family's members are NaN from their divergence on: those rows are NaN without a
    chunk of their own (3,000 rows not finite beside 2,049 finite ones: one call, not
    three), and each finite row's values are its own, as alone and as by hand."""
    surface = surfaces.get("rosenbrock")
    rng = np.random.default_rng(3)
    finite = rng.uniform([-2.0, -1.0], [2.0, 3.0], (stability.CHUNK, 2))
    rows = np.full((stability.CHUNK + 3000, 2), np.nan)
    where = np.sort(rng.choice(len(rows), stability.CHUNK, replace=False))
    rows[where] = finite
    rows[np.setdiff1d(np.arange(len(rows)), where)[::7], 0] = 0.5  # half a point: not finite
    fn = stability.extremes_fn(surface)
    calls = []
    monkeypatch.setattr(stability, "extremes_fn", lambda s: lambda xs: calls.append(1) or fn(xs))
    got = stability.hessian_extremes(surface, rows)
    assert len(calls) == 1
    assert np.isnan(np.delete(got, where, axis=0)).all()
    monkeypatch.undo()
    alone = [stability.hessian_extremes(surface, finite[i]) for i in (0, 1000, -1)]
    np.testing.assert_array_equal(got[where[[0, 1000, -1]]], np.concatenate(alone))
    x, y = finite.T
    h = np.stack([2 - 400 * (y - 3 * x**2), -400 * x, -400 * x, np.full_like(x, 200.0)], 1)
    low, high = np.linalg.eigvalsh(h.reshape(-1, 2, 2)).T
    scale = np.abs(high).max()
    np.testing.assert_allclose(got[where], np.stack([low, high], 1), atol=2e-6 * scale)
