"""What a trajectory program is fed: each step's α_t, gradient noise and mini-batch weights.

What does not depend on x is drawn for every step before the loop and comes into the run's
program (``engine.trajectory_fn``) as arrays, drawn by programs of their own (``rates_fn``,
``noise_fn``, ``weights_fn``) that every optimizer and surface of a shape shares, and only
where a run needs them (``feeder``): a constant α_t is alpha_0 (NumPy), no noise is 0, the
whole data set weighs each sample 1/n. ``filled`` is the loop over a call's rows that these
programs and the trajectory program share.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import schedules
from optiviz.core.run_inputs import Hyper, batch_weights, learning_rates, step_noise
from optiviz.core.surfaces import Surface

TRACES: Counter = Counter()
"""How many times each draw program has been traced (for tests): "rates", "noise",
"weights"."""


def filled(one, n, size: int):
    """Buffers of ``size`` rows, row i < n ``one(i)`` and the rest zero: a loop over the
    rows (``lax.fori_loop``, traced trip count n) whose body is ``one``."""
    rows = jax.eval_shape(one, 0)
    empty = jax.tree.map(lambda a: jnp.zeros((size, *a.shape), a.dtype), rows)

    def body(i, out):
        return jax.tree.map(lambda buffer, row: buffer.at[i].set(row), out, one(i))

    return jax.lax.fori_loop(0, n, body, empty)


def rates_hyper(h: Hyper) -> Hyper:
    """h with only what ``learning_rates`` reads (the schedule and its kind), the other
    leaves constants: what ``rates_fn`` is fed, so one program per bucket and capacity
    serves every optimizer's Hyper (``programs.program`` feeds GD, momentum and
    Nesterov other optimizer leaves than the rest) and the lab's tables."""
    return h._replace(optimizer=(), noise=np.float32(0), batch_size=np.float32(1))


@lru_cache(maxsize=16)
def rates_fn(length: int, size: int):
    """jit(h, n, alphas, ks) -> (size, length): row i < n alpha_t of the run with
    alpha_0 = alphas[i] and k = ks[i] (``run_inputs.learning_rates``), the rest zero. One
    program per bucket and capacity, shared by every surface and optimizer when fed
    ``rates_hyper(h)``."""

    def rows(h: Hyper, n, alphas, ks):
        TRACES["rates"] += 1

        def one(i):
            schedule = h.schedule._replace(alpha=alphas[i], k=ks[i])
            return learning_rates(h._replace(schedule=schedule), length)

        return filled(one, n, size)

    return jax.jit(rows)


@lru_cache(maxsize=16)
def noise_fn(dim: int, length: int, size: int):
    """jit(scale, n, seeds) -> (size, length, dim): row i < n the gradient noise of the run
    with the key of seeds[i] (``run_inputs.step_noise`` at ``scale``), the rest zero. One
    program per dimension, bucket and capacity, shared by every optimizer and surface."""

    def rows(scale, n, seeds):
        TRACES["noise"] += 1
        return filled(lambda i: step_noise(scale, jax.random.key(seeds[i]), length, dim), n, size)

    return jax.jit(rows)


@lru_cache(maxsize=16)
def weights_fn(n_samples: int, length: int, size: int):
    """jit(batch_size, n, seeds) -> (size, length, n_samples): row i < n the mini-batch
    weights of the run with the key of seeds[i] (``run_inputs.batch_weights``), the rest
    zero. One program per data size, bucket and capacity, shared by every optimizer."""

    def rows(batch_size, n, seeds):
        TRACES["weights"] += 1

        def one(i):
            return batch_weights(jax.random.key(seeds[i]), length, batch_size, n_samples)

        return filled(one, n, size)

    return jax.jit(rows)


CONSTANT = schedules.index("constant")


def feeder(surface: Surface, length: int, size: int, h: Hyper):
    """(count, alphas, ks, seeds) -> one call's alpha_t, noise and weights, drawn by
    ``rates_fn``, ``noise_fn`` and ``weights_fn`` only where a run needs them, so a page
    with a constant α, no noise and the whole data set compiles none of them. A constant
    α_t is alpha_0 at every step (what ``schedules.constant`` gives, alpha_0 * 1), no
    noise is 0, and the whole data set weighs each sample 1/n_samples, as
    ``datasets.minibatch_weights`` does."""
    scale, batch, n_samples = np.float32(h.noise), np.float32(h.batch_size), surface.n_samples
    constant = int(h.kind) == CONSTANT
    quiet = _constant((size, length, surface.dim), 0.0)
    if n_samples is None:
        whole = _constant((size, length, 0), 0.0)
    else:
        whole = _constant((size, length, n_samples), np.float32(1) / np.float32(n_samples))

    def feed(count: np.int32, alphas: np.ndarray, ks: np.ndarray, seeds: np.ndarray) -> tuple:
        if constant:
            lrs = np.repeat(alphas[:, None], length, axis=1)
        else:
            lrs = rates_fn(length, size)(rates_hyper(h), count, alphas, ks)
        noise = quiet if scale == 0 else noise_fn(surface.dim, length, size)(scale, count, seeds)
        if n_samples is None or batch >= n_samples:
            return lrs, noise, whole
        return lrs, noise, weights_fn(n_samples, length, size)(batch, count, seeds)

    return feed


@lru_cache(maxsize=8)
def _constant(shape: tuple[int, ...], value: float) -> jax.Array:
    """A float32 array of ``value``, kept on the device for every call of its shape (made
    by NumPy: ``jnp.full`` would compile a program per shape)."""
    return jax.device_put(np.full(shape, value, np.float32))
