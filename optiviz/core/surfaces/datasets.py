"""Data-defined surfaces: the loss is a mean over samples, so mini-batches are honest.

Two models with parameters p = (w, b) on a 1-D feature x, each on a small
synthetic data set drawn once with a fixed seed and split into training and
validation samples:

- ``linear_regression``: loss_i = (w x_i + b - y_i)^2 / 2;
- ``logistic_regression``: loss_i = -[y_i log s_i + (1 - y_i) log(1 - s_i)],
  s_i = sigmoid(w x_i + b), written with softplus so it never overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core.surfaces.base import Surface, presets, tuple2

N_TRAIN = 64
N_VAL = 32
SEED = 7


def squared_error(p: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """(w x + b - y)^2 / 2, per sample."""
    return 0.5 * (p[0] * x + p[1] - y) ** 2


def cross_entropy(p: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """Binary cross-entropy of sigmoid(w x + b) against y in {0, 1}, per sample."""
    z = p[0] * x + p[1]
    return jax.nn.softplus(z) - y * z


def _linear_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-2.0, 2.0, n)
    return x, 1.5 * x - 0.5 + rng.normal(0.0, 0.6, n)


def _logistic_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = (rng.uniform(size=n) < 0.5).astype(float)
    return rng.normal(np.where(y > 0, 0.8, -0.8), 1.0), y


MODELS: dict[str, tuple[Callable, Callable]] = {
    "linear_regression": (squared_error, _linear_data),
    "logistic_regression": (cross_entropy, _logistic_data),
}
"""Registry: surface name to (per-sample loss, data generator)."""


PREDICTIONS: dict[str, Callable] = {
    "linear_regression": lambda p, x: p[..., :1] * x + p[..., 1:],
    "logistic_regression": lambda p, x: 1.0 / (1.0 + np.exp(-(p[..., :1] * x + p[..., 1:]))),
}
"""The model's output at feature x: the line w x + b, or the probability sigmoid(w x + b)."""


def weighted(per_sample: Callable, x: np.ndarray, y: np.ndarray) -> Callable:
    """(p, weights) -> sum_i weights_i loss_i(p): weights 1/B on a batch of B."""
    xs, ys = np.asarray(x, np.float32), np.asarray(y, np.float32)
    return lambda p, w: jnp.sum(w * per_sample(p, xs, ys))


def full_batch(weighted_loss: Callable, n: int) -> Callable:
    """The full-batch mean, as the weighted loss with every weight 1/n."""
    uniform = np.ones((n,), np.float32) / np.float32(n)
    return lambda p: weighted_loss(p, uniform)


def _squared_error_terms(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return z - y, np.ones_like(z)


def _cross_entropy_terms(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = 1.0 / (1.0 + np.exp(-z))
    return s - y, s * (1.0 - s)


NEWTON_TERMS: dict[str, Callable] = {
    "linear_regression": _squared_error_terms,
    "logistic_regression": _cross_entropy_terms,
}
"""Per model, (z, y) -> (r, h): the per-sample loss's first and second derivative in
z = w x + b, in float64 NumPy."""


def _minimize(name: str, x: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    """The minimum of model ``name``'s mean loss on (x, y) by Newton's method in float64
    NumPy, with no XLA program to compile at import: gradient sum_i r_i (x_i, 1) and
    Hessian sum_i h_i (x_i, 1)(x_i, 1)^T (``NEWTON_TERMS``; the 1/n cancels)."""
    a = np.stack([x, np.ones_like(x)], axis=1)
    p = np.zeros(2)
    for _ in range(50):
        r, h = NEWTON_TERMS[name](a @ p, y)
        p = p - np.linalg.solve((a * h[:, None]).T @ a, a.T @ r)
    return tuple(float(v) for v in p)


def _make(name: str, spec: dict) -> Surface:
    per_sample, draw = MODELS[name]
    rng = np.random.default_rng(SEED)
    x, y = draw(rng, N_TRAIN + N_VAL)
    train, val = slice(0, N_TRAIN), slice(N_TRAIN, None)
    loss = weighted(per_sample, x[train], y[train])
    f = full_batch(loss, N_TRAIN)
    val_f = full_batch(weighted(per_sample, x[val], y[val]), N_VAL)
    return Surface(
        name=name,
        f=f,
        dim=2,
        bounds=tuple2(spec["bounds"]),
        start=tuple(float(v) for v in spec["start"]),
        default_steps=int(spec["default_steps"]),
        minima=(_minimize(name, x[train], y[train]),),
        description=spec["description"],
        lr_presets=presets(spec),
        label=spec["label"],
        n_samples=N_TRAIN,
        weighted_loss=loss,
        extras={
            "x": x[train],
            "y": y[train],
            "x_val": x[val],
            "y_val": y[val],
            "model": name,
            "parameters": ("w", "b"),
            "validation_f": val_f,
            "predict": PREDICTIONS[name],
        },
    )


def build(specs: dict) -> list[Surface]:
    """The data-defined surfaces, with presentation from ``specs``."""
    return [_make(name, specs[name]) for name in MODELS]


@lru_cache(maxsize=48)
def _validation_fn(surface: Surface) -> Callable:
    """jit(vmap(validation_f)), compiled once per surface (and positions shape)."""
    return jax.jit(jax.vmap(surface.extras["validation_f"]))


def validation_losses(surface, positions: np.ndarray) -> np.ndarray:
    """Validation loss at each row of ``positions`` (NaN where the row is NaN)."""
    val_f = _validation_fn(surface)
    return np.asarray(val_f(jnp.asarray(positions, jnp.float32)), np.float64)


def run_validation_losses(surface, run) -> np.ndarray:
    """A run's (a ``Trajectory``'s) validation loss per step: the one the engine computed
    with it, else :func:`validation_losses` at its positions."""
    if run.validation_losses is not None:
        return run.validation_losses
    return validation_losses(surface, run.positions)


def minibatch_weights(key: jax.Array, t: jax.Array, batch_size: jax.Array, n: int) -> jax.Array:
    """Weights 1/|batch| on step t's mini-batch, sampling without replacement per epoch.

    Each epoch is a fresh permutation (``fold_in(key, epoch)``) cut into
    ceil(n / B) batches; the last may be smaller. B = n gives every weight 1/n,
    exactly full-batch descent. B is traced, so changing it never recompiles.
    """
    per_epoch = jnp.ceil(n / batch_size)
    epoch, slot = jnp.floor_divide(t, per_epoch), jnp.mod(t, per_epoch)
    order = jax.random.permutation(jax.random.fold_in(key, epoch.astype(jnp.int32)), n)
    rank = jnp.argsort(order)
    lo = slot * batch_size
    hi = jnp.minimum(lo + batch_size, n)
    member = (rank >= lo) & (rank < hi)
    return member / (hi - lo)


def model_x(surface, points: int = 24) -> np.ndarray:
    """Feature values spanning the surface's data, where model curves are drawn."""
    x = np.concatenate([surface.extras["x"], surface.extras["x_val"]])
    return np.linspace(x.min(), x.max(), points)


def model_curves(surface, positions: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The model at features ``xs`` for each parameter row: shape (len(positions), len(xs))."""
    with np.errstate(over="ignore", invalid="ignore"):
        return surface.extras["predict"](np.asarray(positions, np.float64), xs)
