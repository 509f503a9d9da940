"""What one run is fed: its traced numbers (:class:`Hyper`, built by ``make_hyper``) and
what each step uses that does not depend on the position (:class:`Draws`: alpha_t, the
gradient noise, the mini-batch weights), drawn before the compiled loop (``engine``).

Every leaf of a Hyper is a traced scalar, so changing a number never recompiles.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import optimizers, schedules
from optiviz.core.surfaces import Surface, datasets


class Hyper(NamedTuple):
    """Traced hyperparameters of one run."""

    schedule: schedules.ScheduleParams
    optimizer: optimizers.OptimizerParams
    kind: jax.Array
    noise: jax.Array
    batch_size: jax.Array
    steps: jax.Array


def make_hyper(
    *,
    alpha: float,
    schedule: str = "constant",
    k: float = 0.0,
    steps: int,
    noise: float = 0.0,
    batch_size: float = 1.0,
    drop: float = 0.5,
    every: float = 10.0,
    staircase: bool = False,
    momentum: float = 0.9,
    rho: float = 0.99,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> Hyper:
    """Hyper of float32 scalars (int32 for the schedule kind and steps)."""
    f32 = np.float32
    return Hyper(
        schedules.ScheduleParams(f32(alpha), f32(k), f32(drop), f32(every), f32(staircase)),
        optimizers.OptimizerParams(
            f32(momentum), f32(rho), f32(beta1), f32(beta2), f32(eps), f32(weight_decay)
        ),
        np.int32(schedules.index(schedule)),
        f32(noise),
        f32(batch_size),
        np.int32(steps),
    )


class Draws(NamedTuple):
    """What step t uses that does not depend on the position, in row t of each:
    alpha_t (length,), the gradient noise (length, dim) and the mini-batch weights
    (length, n_samples; no columns on an analytic surface). Computed before the loop,
    so the loop body holds no PRNG and no schedule."""

    lr: jax.Array
    noise: jax.Array
    weights: jax.Array


def learning_rates(h: Hyper, length: int) -> jax.Array:
    """alpha_t for t = 0 .. length - 1."""
    ts = jnp.arange(length, dtype=jnp.float32)
    return jax.vmap(lambda t: schedules.evaluate(h.kind, h.schedule, t))(ts)


def step_noise(scale: jax.Array, key, length: int, dim: int) -> jax.Array:
    """The gradient noise of steps 0 .. length - 1, (length, dim): step t's is
    N(0, scale^2) per coordinate from the second half of a split of (key, t)."""

    def noise(t):
        _, noise_key = jax.random.split(jax.random.fold_in(key, t))
        return scale * jax.random.normal(noise_key, (dim,))

    return jax.vmap(noise)(jnp.arange(length))


def batch_weights(key, length: int, batch_size: jax.Array, n: int) -> jax.Array:
    """The mini-batch weights of steps 0 .. length - 1, (length, n): step t's batch comes
    from (key, epoch), see ``datasets.minibatch_weights``."""
    ts = jnp.arange(length)
    return jax.vmap(lambda t: datasets.minibatch_weights(key, t, batch_size, n))(ts)


def draws(surface: Surface, h: Hyper, key, length: int) -> Draws:
    """Each step's ``Draws``: ``learning_rates``, ``step_noise`` at scale h.noise and, on a
    data surface, ``batch_weights`` (no columns on an analytic one). Runs that share the
    key share the draws."""
    n = surface.n_samples
    weights = jnp.zeros((length, 0)) if n is None else batch_weights(key, length, h.batch_size, n)
    return Draws(learning_rates(h, length), step_noise(h.noise, key, length, surface.dim), weights)
