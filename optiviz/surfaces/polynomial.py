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

from optiviz import limits
from optiviz.surfaces.base import PRESET_KEYS, Surface, load_specs
from optiviz.surfaces.datasets import full_batch, weighted

NAME = "polynomial_regression"
PRESET_FACTORS = {"too small": 0.02, "good": 0.5, "too large": 1.9, "diverging": 3.0}
"""Plain-GD learning rates as multiples of 1/L, L the largest curvature of the loss."""


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


def _presets(phi: np.ndarray) -> dict[str, float]:
    top = float(np.linalg.eigvalsh(2.0 * phi.T @ phi / len(phi))[-1])
    return {key: float(f"{PRESET_FACTORS[key] / top:.3g}") for key in PRESET_KEYS}


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
        lr_presets=_presets(phi),
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
