"""Data-defined surfaces and mini-batch / noisy gradients (issue 5, core)."""

from __future__ import annotations

import dataclasses

import jax
import numpy as np
import pytest

import optiviz
from optiviz.core import engine, surfaces
from optiviz.core.surfaces import datasets

DATA = list(datasets.MODELS)
LINEAR = surfaces.get("linear_regression")
N = LINEAR.n_samples


def test_both_models_are_registered() -> None:
    assert set(DATA) == {"linear_regression", "logistic_regression"}
    assert {"linear_regression", "logistic_regression"} < set(surfaces.names())


def numpy_mean_loss(name: str, p: np.ndarray) -> float:
    s = surfaces.get(name)
    x, y = s.extras["x"], s.extras["y"]
    z = p[0] * x + p[1]
    if name == "linear_regression":
        return float(np.mean(0.5 * (z - y) ** 2))
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@pytest.mark.parametrize("name", DATA)
def test_f_is_the_full_batch_mean(name: str) -> None:
    s = surfaces.get(name)
    assert s.n_samples == len(s.extras["x"]) == len(s.extras["y"])
    for p in ([0.0, 0.0], [1.5, -0.5], [-2.0, 3.0]):
        got = float(s.f(np.float32(p)))
        assert got == pytest.approx(numpy_mean_loss(name, np.asarray(p)), rel=1e-5)


def analytic_copy(s: surfaces.Surface) -> surfaces.Surface:
    """The same f with no data: jax.grad(f) each step, plain deterministic descent."""
    return dataclasses.replace(s, n_samples=None, weighted_loss=None)


@pytest.mark.parametrize("name", DATA)
def test_full_batch_is_deterministic_gd_whatever_the_seed(name: str) -> None:
    s = surfaces.get(name)
    gd = optiviz.simulate(analytic_copy(s), "sgd", alpha=0.3, steps=60)
    for seed in (0, 1, 12345):
        run = optiviz.simulate(s, "sgd", alpha=0.3, steps=60, batch_size=s.n_samples, seed=seed)
        np.testing.assert_array_equal(run.positions, gd.positions)


def test_full_batch_matches_numpy_gradient_descent() -> None:
    x, y = LINEAR.extras["x"], LINEAR.extras["y"]
    p = np.asarray(LINEAR.start)
    path = [p]
    for _ in range(40):
        r = p[0] * x + p[1] - y
        p = p - 0.3 * np.array([np.mean(r * x), np.mean(r)])
        path.append(p)
    run = optiviz.simulate(LINEAR, "sgd", alpha=0.3, steps=40, batch_size=N)
    np.testing.assert_allclose(run.positions, np.array(path), rtol=1e-5, atol=1e-6)


def test_same_seed_same_path_other_seed_other_path() -> None:
    def path(seed: int) -> np.ndarray:
        return optiviz.simulate(LINEAR, "adam", alpha=0.05, steps=50, batch_size=4, seed=seed)

    a, b, c = path(3).positions, path(3).positions, path(4).positions
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-3


@pytest.mark.parametrize("name", DATA)
def test_spread_of_end_points_shrinks_with_batch_size(name: str) -> None:
    def spread(batch: int) -> float:
        runs = optiviz.simulate_many(
            name, "sgd", alphas=[0.1] * 24, seeds=list(range(24)), batch_size=batch, steps=150
        )
        ends = np.array([r.positions[-1] for r in runs])
        return float(np.linalg.norm(ends - ends.mean(axis=0), axis=1).mean())

    s1, s8, s64 = spread(1), spread(8), spread(64)
    assert s1 > 2 * s8 > 0
    assert s64 == 0.0


_minibatch_weights = jax.jit(datasets.minibatch_weights, static_argnums=3)


def weights(seed: int, t: int, batch: int) -> np.ndarray:
    return np.asarray(_minibatch_weights(jax.random.key(seed), t, np.float32(batch), N))


@pytest.mark.parametrize("batch", [1, 5, 8, 64])
def test_each_sample_once_per_epoch(batch: int) -> None:
    per_epoch = -(-N // batch)
    for epoch in range(2):
        ws = np.array([weights(7, epoch * per_epoch + t, batch) for t in range(per_epoch)])
        member = ws > 0
        np.testing.assert_array_equal(member.sum(axis=0), 1)
        sizes = member.sum(axis=1)
        assert np.all(sizes[:-1] == batch) and 1 <= sizes[-1] <= batch
        np.testing.assert_allclose(ws.sum(axis=1), 1.0, rtol=1e-6)
    first = [weights(7, t, 8) > 0 for t in range(8)]
    second = [weights(7, 8 + t, 8) > 0 for t in range(8)]
    assert not np.array_equal(first, second)  # a fresh permutation each epoch


def batch_gradient(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.asarray(jax.grad(LINEAR.weighted_loss)(np.float32(p), np.float32(w)))


P = np.array([0.3, 0.8])


def test_epoch_average_of_minibatch_gradients_is_the_full_gradient() -> None:
    full = np.asarray(jax.grad(LINEAR.f)(np.float32(P)))
    grads = np.array([batch_gradient(P, weights(11, t, 8)) for t in range(N // 8)])
    np.testing.assert_allclose(grads.mean(axis=0), full, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("batch", "t"), [(5, 3), (5, 12), (16, 1)])
def test_minibatch_gradient_is_unbiased(batch: int, t: int) -> None:
    """Over 3000 seeds the mean gradient at step t is within 4 standard errors of the full one.

    t = 12 with B = 5 is the short last batch (4 samples) of an epoch.
    """
    keys = jax.random.split(jax.random.key(0), 3000)
    w = jax.vmap(lambda k: datasets.minibatch_weights(k, t, np.float32(batch), N))(keys)
    g = np.asarray(jax.vmap(jax.grad(LINEAR.weighted_loss), in_axes=(None, 0))(np.float32(P), w))
    full = np.asarray(jax.grad(LINEAR.f)(np.float32(P)))
    standard_error = g.std(axis=0) / np.sqrt(len(g))
    assert np.all(np.abs(g.mean(axis=0) - full) < 4 * standard_error)
    assert np.all(g.std(axis=0) > 0)  # the draws really are noisy


def test_batch_size_never_retraces() -> None:
    surface = dataclasses.replace(LINEAR)
    before = engine.TRACES["trajectory"]
    for batch in (1, 5, 8, 64, 32):
        optiviz.simulate(surface, "momentum", alpha=0.05, steps=40, batch_size=batch, seed=batch)
    assert engine.TRACES["trajectory"] == before + 1


def test_batch_size_is_validated() -> None:
    for bad in (0, N + 1):
        with pytest.raises(ValueError, match="batch_size"):
            optiviz.simulate(LINEAR, "sgd", alpha=0.1, steps=5, batch_size=bad)


ROSEN = {"surface": "rosenbrock", "optimizer": "sgd", "alpha": 1e-3, "steps": 200}


def noisy(noise: float, seed: int) -> optiviz.Trajectory:
    kw = dict(ROSEN)
    return optiviz.simulate(kw.pop("surface"), kw.pop("optimizer"), noise=noise, seed=seed, **kw)


def test_zero_noise_is_deterministic_descent() -> None:
    plain = optiviz.simulate("rosenbrock", "sgd", alpha=1e-3, steps=200)
    np.testing.assert_array_equal(noisy(0.0, 9).positions, plain.positions)


def test_noise_changes_the_path_reproducibly_per_seed() -> None:
    plain = noisy(0.0, 0).positions
    a, b, c = noisy(2.0, 1).positions, noisy(2.0, 1).positions, noisy(2.0, 2).positions
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - plain).max() > 1e-3
    assert np.abs(a - c).max() > 1e-3


def test_noise_is_gaussian_of_the_chosen_scale() -> None:
    run = noisy(2.0, 5)
    x, y = run.positions[:-1, 0], run.positions[:-1, 1]
    true = np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=1)
    residual = run.grads - true
    assert abs(residual.mean()) < 4 * 2.0 / np.sqrt(residual.size)
    assert residual.std() == pytest.approx(2.0, rel=0.15)
