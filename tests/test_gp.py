"""The Gaussian process against scikit-learn on known data, and EI against its closed form."""

import math

import numpy as np
import pytest

from optiviz.analysis import gp


def _sklearn_gp():
    """scikit-learn's Gaussian process, imported by the first test that compares with it
    (1.6 s of CPU): a pytest-xdist worker given none of them never imports it."""
    return pytest.importorskip("sklearn.gaussian_process")


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 2))
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 3.0
    return x, y


def _reference(x, y, length_scale, noise):
    sklearn_gp = _sklearn_gp()
    model = sklearn_gp.GaussianProcessRegressor(
        kernel=sklearn_gp.kernels.Matern(length_scale=length_scale, nu=2.5),
        alpha=noise,
        optimizer=None,
        normalize_y=True,
    )
    return model.fit(x, y)


@pytest.mark.parametrize(("length_scale", "noise"), [(0.1, 1e-6), (0.3, 1e-3), (1.0, 1e-1)])
def test_posterior_matches_scikit_learn(length_scale, noise):
    x, y = _data()
    ours = gp.fit(x, y, length_scales=(length_scale,), noises=(noise,))
    ref = _reference(x, y, length_scale, noise)
    test = np.random.default_rng(1).uniform(size=(50, 2))
    mean, std = ours.predict(test)
    ref_mean, ref_std = ref.predict(test, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(std, ref_std, rtol=1e-6, atol=1e-6)
    lml = ref.log_marginal_likelihood(ref.kernel_.theta)
    assert ours.log_marginal_likelihood == pytest.approx(lml, rel=1e-6)


def test_kernel_matches_scikit_learn():
    a, b = _data(5)[0], _data(7, seed=3)[0]
    np.testing.assert_allclose(
        gp.matern52(a, b, 0.2), _sklearn_gp().kernels.Matern(0.2, nu=2.5)(a, b), rtol=1e-12
    )


def test_fit_picks_the_grid_point_of_highest_likelihood():
    x, y = _data(20)
    chosen = gp.fit(x, y)
    scores = {
        (ls, nz): _reference(x, y, ls, nz).log_marginal_likelihood_value_
        for ls in gp.LENGTH_SCALES
        for nz in gp.NOISES
    }
    assert (chosen.length_scale, chosen.noise) == max(scores, key=scores.get)
    assert chosen.log_marginal_likelihood == pytest.approx(max(scores.values()), rel=1e-9)


def test_nearly_noise_free_posterior_interpolates_the_data():
    x, y = _data()
    mean, std = gp.fit(x, y, noises=(1e-6,)).predict(x)
    np.testing.assert_allclose(mean, y, atol=1e-3)
    assert np.all(std < 1e-2)


def test_fit_rejects_non_finite_or_mismatched_targets():
    x, y = _data()
    with pytest.raises(ValueError, match="finite"):
        gp.fit(x, np.where(np.arange(len(y)) == 0, np.inf, y))
    with pytest.raises(ValueError, match="as many"):
        gp.fit(x, y[:-1])


def test_expected_improvement_closed_form():
    mean, std, best, xi = np.array([1.0, 2.0, 0.5]), np.array([0.5, 1.0, 2.0]), 1.2, 0.01
    u = best - xi - mean
    z = u / std
    phi = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    np.testing.assert_allclose(gp.expected_improvement(mean, std, best, xi), u * cdf + std * phi)


def test_expected_improvement_matches_monte_carlo():
    rng = np.random.default_rng(0)
    draws = rng.normal(0.3, 0.7, size=2_000_000)
    mc = np.maximum(0.5 - 0.01 - draws, 0).mean()
    assert gp.expected_improvement(0.3, 0.7, 0.5) == pytest.approx(mc, rel=5e-3)


def test_expected_improvement_without_uncertainty_is_the_plain_improvement():
    ei = gp.expected_improvement(np.array([0.2, 2.0]), np.zeros(2), best=1.0, xi=0.0)
    np.testing.assert_allclose(ei, [0.8, 0.0])
    tiny = gp.expected_improvement(np.array([0.2, 2.0]), np.full(2, 1e-9), best=1.0, xi=0.0)
    np.testing.assert_allclose(tiny, [0.8, 0.0], atol=1e-8)


def test_expected_improvement_is_never_negative_far_below_the_best():
    mean = np.linspace(1.0, 40.0, 200)
    ei = gp.expected_improvement(mean, np.full(200, 0.3), best=0.0)
    assert np.all(ei >= 0)
    assert np.all(np.diff(ei) <= 0)


def test_expected_improvement_grows_with_uncertainty_and_lower_mean():
    assert gp.expected_improvement(1.0, 1.0, 1.0) > gp.expected_improvement(1.0, 0.5, 1.0)
    assert gp.expected_improvement(0.5, 0.5, 1.0) > gp.expected_improvement(1.0, 0.5, 1.0)
