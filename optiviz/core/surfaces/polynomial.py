"""Polynomial regression: a model whose capacity is its degree, so it can under- and overfit.

The model is y(x) = sum_k p_k phi_k(x), phi_k = sqrt(2k + 1) P_k(x) with P_k the
Legendre polynomials: orthonormal under x ~ U[-1, 1], so the Hessian of the
population loss is 2 I and the basis is well conditioned. The loss is the mean
squared error, loss_i = (y(x_i) - y_i)^2, on ``n_train`` samples of
y = sin(pi x) + N(0, noise^2), x ~ U[-1, 1]; ``n_validation`` held-out samples
come from the same distribution.
"""

from __future__ import annotations

from functools import lru_cache

import jax
import numpy as np
from numpy.polynomial import legendre

from optiviz.core import limits, verdicts
from optiviz.core.surfaces.base import Surface, load_specs
from optiviz.core.surfaces.datasets import full_batch, weighted

NAME = "polynomial_regression"
TOO_SMALL_FACTORS = (0.02, 0.005, 0.001, 0.0002)
GOOD_FACTORS = (1.9, 1.5, 1.0, 0.5)
DIVERGING_FACTOR = 3.0
"""Plain-GD learning-rate candidates as multiples of 1/L, L the largest curvature of the loss.

The loss is quadratic, so plain GD either settles (alpha < 2/L) or diverges: a bounce that
lasts needs alpha within a hair of 2/L, and there is no honest "too large" preset."""
MARGIN = 2.0
"""How far inside (or outside) the verdict's tolerances a preset's closed-form run must end."""


def truth(x: np.ndarray) -> np.ndarray:
    """The smooth signal under the noise: sin(pi x)."""
    return np.sin(np.pi * x)


def basis(x: np.ndarray, degree: int) -> np.ndarray:
    """phi_k(x) = sqrt(2k + 1) P_k(x) for k = 0..degree: shape (len(x), degree + 1)."""
    x = np.asarray(x, np.float64)
    return legendre.legvander(x, degree) * np.sqrt(2 * np.arange(degree + 1) + 1)


def squared_error(p: jax.Array, phi: jax.Array, y: jax.Array) -> jax.Array:
    """(phi_i . p - y_i)^2, per sample (rows of phi)."""
    return (phi @ p - y) ** 2


def predict(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The polynomial of each parameter row at ``x``: shape (..., len(x))."""
    p = np.asarray(p, np.float64)
    return p @ basis(x, p.shape[-1] - 1).T


def _samples(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, n)
    return x, truth(x) + rng.normal(0.0, noise, n)


def gd_settles(alpha: float, phi: np.ndarray, best: np.ndarray, steps: int, scale: float) -> float:
    """How far inside the "converged" tolerances plain GD from p = 0 ends (> 1: inside).

    Closed form on the quadratic loss with Hessian H = 2 phi^T phi / n = V diag(lam) V^T:
    p_t - p* = V diag((1 - alpha lam)^t) V^T (0 - p*), grad_t = H (p_t - p*), and a step is
    -alpha grad_t. The verdict needs |grad_T| <= GRAD_TOL and every tail step (the largest is
    the first, for alpha < 2/L) at most STEP_TOL * scale.
    """
    lam, vecs = np.linalg.eigh(2.0 * phi.T @ phi / len(phi))
    c = vecs.T @ -best
    tail = max(5, steps // 10)

    def grad_norm(t: int) -> float:
        return float(np.linalg.norm(lam * (1.0 - alpha * lam) ** t * c))

    return min(
        verdicts.GRAD_TOL / max(grad_norm(steps), 1e-300),
        verdicts.STEP_TOL * scale / max(alpha * grad_norm(steps - tail), 1e-300),
    )


def _presets(phi: np.ndarray, best: np.ndarray, steps: int, scale: float) -> dict[str, float]:
    """Plain-GD presets that earn their labels, chosen by :func:`gd_settles`: "too small"
    ends short of the tolerances, "good" well inside them (left out where no rate below
    2/L settles in ``steps``), "diverging" is 3/L."""
    top = float(np.linalg.eigvalsh(2.0 * phi.T @ phi / len(phi))[-1])

    def rates(factors: tuple[float, ...]) -> list[float]:
        return [float(f"{f / top:.3g}") for f in factors]

    small = [
        a for a in rates(TOO_SMALL_FACTORS) if gd_settles(a, phi, best, steps, scale) < 1 / MARGIN
    ]
    good = [a for a in rates(GOOD_FACTORS) if gd_settles(a, phi, best, steps, scale) > MARGIN]
    presets = {"too small": small[0]} | ({"good": good[0]} if good else {})
    return presets | {"diverging": rates((DIVERGING_FACTOR,))[0]}


def _check(degree: int, n_train: int, n_validation: int, noise: float) -> None:
    limits.check("degree", degree, limits.MAX_DEGREE, minimum=0)
    limits.check("n_train", n_train, limits.MAX_SAMPLES)
    limits.check("n_validation", n_validation, limits.MAX_SAMPLES)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")


def polynomial_regression(
    degree: int, *, n_train: int = 20, n_validation: int = 40, noise: float = 0.25, seed: int = 0
) -> Surface:
    """The MSE of a degree-``degree`` Legendre polynomial on noisy samples of sin(pi x).

    ``dim == degree + 1``; the start is p = 0 (the zero function); ``minima``
    holds the least-squares fit (minimum norm when degree + 1 > n_train).
    ``extras`` carries the training and validation samples and ``validation_f``.
    Equal arguments return the same Surface, so compiled loops are reused.
    """
    if isinstance(degree, bool) or int(degree) != degree:
        raise ValueError(f"degree must be a whole number, got {degree!r}")
    _check(int(degree), int(n_train), int(n_validation), float(noise))
    return _cached(int(degree), int(n_train), int(n_validation), float(noise), int(seed))


@lru_cache(maxsize=32)
def _cached(degree: int, n_train: int, n_validation: int, noise: float, seed: int) -> Surface:
    spec = load_specs()[NAME]
    rng = np.random.default_rng(seed)
    x, y = _samples(n_train, noise, rng)
    x_val, y_val = _samples(n_validation, noise, rng)
    phi = basis(x, degree)
    loss = weighted(squared_error, phi, y)
    best = np.linalg.lstsq(phi, y, rcond=None)[0]
    words = {"degree": degree, "dim": degree + 1, "n_train": n_train, "n_validation": n_validation}
    bound = float(spec["coefficient_bound"])
    return Surface(
        name=NAME,
        f=full_batch(loss, n_train),
        dim=degree + 1,
        bounds=((-bound, bound),) * (degree + 1),
        start=(0.0,) * (degree + 1),
        default_steps=int(spec["default_steps"]),
        minima=(tuple(float(v) for v in best),),
        description=spec["description"].format(**words),
        lr_presets=_presets(phi, best, int(spec["default_steps"]), 2 * bound * (degree + 1) ** 0.5),
        label=spec["label"].format(**words),
        n_samples=n_train,
        weighted_loss=loss,
        extras={
            "x": x,
            "y": y,
            "x_val": x_val,
            "y_val": y_val,
            "model": NAME,
            "degree": degree,
            "parameters": tuple(f"c{k}" for k in range(degree + 1)),
            "validation_f": full_batch(
                weighted(squared_error, basis(x_val, degree), y_val), n_validation
            ),
            "predict": predict,
        },
    )


def build(specs: dict) -> list[Surface]:
    """The registry's entry: the default degree, which visibly overfits."""
    return [polynomial_regression(int(specs[NAME]["default_degree"]))]
