"""A small Gaussian-process regressor and expected improvement, in NumPy only.

The surrogate of Bayesian search: inputs are points of the unit square (log alpha, log k
rescaled to [0, 1]), targets are standardised, y' = (y - mean y) / std y. The prior is
a Matern-5/2 kernel of unit variance,

    k(x, x') = (1 + sqrt(5) r / l + 5 r^2 / (3 l^2)) exp(-sqrt(5) r / l),  r = |x - x'|,

plus ``noise`` on the training diagonal. The posterior at X* is
mean = K*^T (K + noise I)^-1 y', var = 1 - K*^T (K + noise I)^-1 K* (the noise-free
latent, as scikit-learn's ``GaussianProcessRegressor.predict`` returns it), both mapped
back to the units of y. The length scale l and the noise are the pair of
LENGTH_SCALES x NOISES with the highest log marginal likelihood (Rasmussen & Williams,
eq. 2.30): a grid of 18 Cholesky factorisations of an n x n matrix, n <= 64, rather than
a gradient-based optimiser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

LENGTH_SCALES = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
"""Candidate length scales, in units of the unit square's side."""

NOISES = (1e-6, 1e-3, 1e-1)
"""Candidate noise variances, in units of the standardised target's variance."""

_erfc = np.vectorize(math.erfc, otypes=[float])


def matern52(a: np.ndarray, b: np.ndarray, length_scale: float) -> np.ndarray:
    """The Matern-5/2 kernel matrix between rows of ``a`` (n, d) and ``b`` (m, d)."""
    r = np.sqrt(np.maximum(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1), 0.0))
    s = math.sqrt(5.0) * r / length_scale
    return (1.0 + s + s * s / 3.0) * np.exp(-s)


@dataclass(frozen=True)
class GaussianProcess:
    """A fitted posterior. ``weights`` = (K + noise I)^-1 y', ``chol`` its Cholesky factor."""

    x: np.ndarray
    y_mean: float
    y_std: float
    length_scale: float
    noise: float
    chol: np.ndarray
    weights: np.ndarray
    log_marginal_likelihood: float

    def predict(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation at ``points`` (m, d), in units of y."""
        k_star = matern52(self.x, np.atleast_2d(points), self.length_scale)
        mean = k_star.T @ self.weights
        v = np.linalg.solve(self.chol, k_star)
        var = np.maximum(1.0 - (v * v).sum(0), 0.0)
        return mean * self.y_std + self.y_mean, np.sqrt(var) * self.y_std


def _standardise(y: np.ndarray) -> tuple[np.ndarray, float, float]:
    mean, std = float(y.mean()), float(y.std())
    std = std if std > 0 else 1.0
    return (y - mean) / std, mean, std


def _posterior(x, y, length_scale, noise) -> GaussianProcess:
    """The posterior for fixed hyperparameters; y is already standardised (mean 0, std 1)."""
    k = matern52(x, x, length_scale) + noise * np.eye(len(x))
    chol = np.linalg.cholesky(k)
    weights = np.linalg.solve(chol.T, np.linalg.solve(chol, y))
    lml = -0.5 * y @ weights - np.log(np.diag(chol)).sum() - 0.5 * len(x) * math.log(2 * math.pi)
    return GaussianProcess(x, 0.0, 1.0, length_scale, noise, chol, weights, float(lml))


def fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    length_scales: tuple[float, ...] = LENGTH_SCALES,
    noises: tuple[float, ...] = NOISES,
) -> GaussianProcess:
    """The posterior given (x, y), with (l, noise) maximising the log marginal likelihood."""
    x = np.atleast_2d(np.asarray(x, np.float64))
    y = np.asarray(y, np.float64).reshape(-1)
    if len(x) != len(y) or len(y) == 0:
        raise ValueError(f"need as many targets as points (at least one), got {len(x)}, {len(y)}")
    if not np.all(np.isfinite(y)):
        raise ValueError("targets must be finite: cap diverged runs before fitting")
    y_std, mean, std = _standardise(y)
    fits = [_posterior(x, y_std, ls, nz) for ls in length_scales for nz in noises]
    best = max(fits, key=lambda gp: gp.log_marginal_likelihood)
    return replace(best, y_mean=mean, y_std=std)


def expected_improvement(
    mean: np.ndarray, std: np.ndarray, best: float, xi: float = 0.01
) -> np.ndarray:
    """EI for minimisation: E[max(best - xi - Y, 0)] for Y ~ N(mean, std^2).

    With u = best - xi - mean and z = u / std: EI = u Phi(z) + std phi(z);
    where std = 0 it is max(u, 0). Phi(z) = erfc(-z / sqrt 2) / 2, accurate for z << 0.
    """
    mean, std = np.asarray(mean, np.float64), np.asarray(std, np.float64)
    u = best - xi - mean
    safe = np.where(std > 0, std, 1.0)
    z = u / safe
    cdf = 0.5 * _erfc(-z / math.sqrt(2.0))
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    # Far below zero the two terms cancel; clip the rounding error, as EI >= 0.
    return np.maximum(np.where(std > 0, u * cdf + std * pdf, u), 0.0)
