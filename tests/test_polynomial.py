"""The polynomial-regression surface: the loss, its samples, and fit behaviour under Adam.

The loss is checked against NumPy's own Legendre series (``legval``), the
mini-batch gradient against a hand-written one, and the fit against what the
issue asks: degree 1 underfits, degree 15 overfits, weight decay tames it.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from numpy.polynomial import legendre

import optiviz
from optiviz.core import engine, limits, surfaces
from optiviz.core.surfaces import datasets, polynomial

ADAM = {"alpha": 0.01, "steps": limits.MAX_STEPS}
"""A good alpha for Adam on every degree here, for the longest run the app allows."""


def numpy_mse(p: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of sum_k p_k sqrt(2k + 1) P_k(x), via NumPy's legval."""
    scaled = np.asarray(p, np.float64) * np.sqrt(2 * np.arange(len(p)) + 1)
    return float(np.mean((legendre.legval(x, scaled) - y) ** 2))


@pytest.mark.parametrize("degree", [0, 1, 3, 15, limits.MAX_DEGREE])
def test_loss_is_the_mse_of_a_legendre_polynomial(degree: int) -> None:
    s = surfaces.polynomial_regression(degree)
    assert s.dim == degree + 1 == len(s.bounds) == len(s.start) == len(s.extras["parameters"])
    rng = np.random.default_rng(degree)
    for p in (np.zeros(s.dim), rng.normal(size=s.dim), 0.3 * rng.normal(size=s.dim)):
        got = float(s.f(np.float32(p)))
        assert got == pytest.approx(numpy_mse(p, s.extras["x"], s.extras["y"]), rel=1e-4)
        val = float(s.extras["validation_f"](np.float32(p)))
        assert val == pytest.approx(numpy_mse(p, s.extras["x_val"], s.extras["y_val"]), rel=1e-4)


def test_samples_follow_the_arguments_and_share_one_distribution() -> None:
    s = surfaces.polynomial_regression(3, n_train=30, n_validation=500, noise=0.1, seed=4)
    x, y, xv, yv = (s.extras[k] for k in ("x", "y", "x_val", "y_val"))
    assert (len(x), len(xv), s.n_samples) == (30, 500, 30)
    assert np.all(np.abs(np.concatenate([x, xv])) <= 1) and not np.isin(xv, x).any()
    residual = yv - np.sin(np.pi * xv)
    assert np.std(residual) == pytest.approx(0.1, rel=0.15)
    assert abs(np.mean(xv)) < 0.1 and np.var(xv) == pytest.approx(1 / 3, rel=0.15)  # U[-1, 1]
    again = surfaces.polynomial_regression(3, n_train=30, n_validation=500, noise=0.1, seed=4)
    assert again is s
    other = surfaces.polynomial_regression(3, n_train=30, n_validation=500, noise=0.1, seed=5)
    assert not np.array_equal(other.extras["x"], x)


def test_the_listed_minimum_is_the_least_squares_fit() -> None:
    s = surfaces.polynomial_regression(3)
    (best,) = s.minima
    assert np.linalg.norm(jax.grad(s.f)(np.float32(best))) < 1e-4
    run = optiviz.simulate(s, "sgd", alpha=s.lr_presets["good"], steps=limits.MAX_STEPS)
    np.testing.assert_allclose(run.positions[-1], best, atol=1e-3)


@pytest.mark.parametrize("bad", [-1, limits.MAX_DEGREE + 1, 2.5, True])
def test_degree_outside_zero_to_the_maximum_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="degree"):
        surfaces.polynomial_regression(bad)


def test_the_registry_holds_the_overfitting_degree_and_presets_are_gd_rates() -> None:
    s = surfaces.get("polynomial_regression")
    assert s.extras["degree"] == 15 and s is surfaces.polynomial_regression(15)
    phi = polynomial.basis(s.extras["x"], 15)
    top = np.linalg.eigvalsh(2 * phi.T @ phi / s.n_samples)[-1]
    assert s.lr_presets["diverging"] > 2 / top > s.lr_presets["too small"]
    run = optiviz.simulate(s, "sgd", alpha=s.lr_presets["diverging"], steps=300)
    assert run.verdict == "diverged"
    assert np.isnan(run.validation_losses[run.diverged_at :]).all()


def test_minibatch_gradient_is_the_batch_mean_and_noise_adds_its_spread() -> None:
    s = surfaces.polynomial_regression(5, seed=11)
    p0 = np.linspace(-0.5, 0.5, s.dim)
    run = optiviz.simulate(s, "sgd", alpha=0.01, start=p0, steps=3, batch_size=4, seed=2)
    w = datasets.minibatch_weights(jax.random.key(2), np.int32(0), np.float32(4), s.n_samples)
    batch = np.flatnonzero(np.asarray(w))
    assert len(batch) == 4
    phi = polynomial.basis(s.extras["x"][batch], 5)
    expected = 2 * phi.T @ (phi @ p0 - s.extras["y"][batch]) / 4
    np.testing.assert_allclose(run.grads[0], expected, rtol=1e-4, atol=1e-5)
    full = optiviz.simulate(s, "sgd", alpha=0.01, start=p0, steps=200)
    seeds = list(range(50))
    noisy = optiviz.simulate_many(
        s, "sgd", alphas=[0.01] * 50, starts=[p0], steps=1, noise=0.5, seeds=seeds
    )
    deviations = np.array([r.grads[0] for r in noisy]) - full.grads[0]
    assert np.std(deviations) == pytest.approx(0.5, rel=0.1)
    for seed in (0, 7):
        exact = optiviz.simulate(
            s, "sgd", alpha=0.01, start=p0, steps=200, batch_size=20, seed=seed
        )
        np.testing.assert_array_equal(exact.positions, full.positions)


def test_validation_losses_are_the_held_out_mse_at_each_position() -> None:
    s = surfaces.polynomial_regression(4)
    run = optiviz.simulate(s, "adam", alpha=0.05, steps=37)
    assert run.validation_losses.shape == (38,)
    for t in (0, 10, 37):
        expected = numpy_mse(run.positions[t], s.extras["x_val"], s.extras["y_val"])
        assert run.validation_losses[t] == pytest.approx(expected, rel=1e-4)
    (many,) = optiviz.simulate_many(s, "adam", alphas=[0.05], steps=37)
    np.testing.assert_allclose(many.validation_losses, run.validation_losses, rtol=1e-6)
    runs = optiviz.simulate_many("linear_regression", "sgd", alphas=[0.1, 0.2], steps=20)
    assert all(r.validation_losses.shape == (21,) for r in runs)
    assert optiviz.simulate("rosenbrock", "adam", alpha=0.01, steps=5).validation_losses is None


def test_compiles_once_per_degree_optimizer_and_bucket() -> None:
    before = engine.TRACES["trajectory"]
    for degree in (6, 7):
        s = surfaces.polynomial_regression(degree, seed=202)
        for alpha, decay, batch in ((0.01, 0.0, 20), (0.1, 0.3, 5), (0.02, 1e-3, 1)):
            optiviz.simulate(
                s, "adam", alpha=alpha, steps=100, weight_decay=decay, batch_size=batch
            )
            optiviz.simulate(s, "adam", alpha=alpha, steps=120, noise=0.1)
    assert engine.TRACES["trajectory"] == before + 2
    optiviz.simulate(s, "adamw", alpha=0.01, steps=100)
    optiviz.simulate(s, "adam", alpha=0.01, steps=200)
    assert engine.TRACES["trajectory"] == before + 4


def _adam(degree: int, **kw) -> optiviz.Trajectory:
    return optiviz.simulate(surfaces.polynomial_regression(degree), "adam", **ADAM, **kw)


def test_degree_one_underfits() -> None:
    line, cubic = _adam(1), _adam(3)
    assert line.losses[-1] > 3 * cubic.losses[-1]
    assert line.validation_losses[-1] > 3 * cubic.validation_losses[-1]


def test_degree_fifteen_overfits_and_early_stopping_would_stop_well_before_the_end() -> None:
    big, cubic = _adam(15), _adam(3)
    assert big.losses[-1] < cubic.losses[-1]
    assert big.validation_losses[-1] > 3 * cubic.validation_losses[-1]
    best = int(np.argmin(big.validation_losses))
    assert best < ADAM["steps"] / 3
    assert big.validation_losses[-1] > 3 * big.validation_losses[best]


def test_weight_decay_lowers_the_overfit_validation_loss_at_a_little_training_cost() -> None:
    plain, decayed = _adam(15), _adam(15, weight_decay=0.03)
    assert decayed.validation_losses[-1] < 0.8 * plain.validation_losses[-1]
    assert plain.losses[-1] < decayed.losses[-1] < 2 * plain.losses[-1]
