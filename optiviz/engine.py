"""The compiled inner loop shared by trajectories, many-run batches and sweeps.

One step: g = grad of the (mini-batch) loss at x_t, plus optional Gaussian
noise; d, state = optimizer.update(g, state); x_{t+1} = x_t - alpha_t d.
Everything numeric is a traced argument (:class:`Hyper`); only the surface, the
optimizer and the scan length (a bucket from ``limits.STEP_BUCKETS``) are
static. Steps t >= ``steps`` leave x unchanged, so one compiled scan serves
every step count in its bucket.

Compilations per session are therefore at most
|surfaces| x |optimizers| x |buckets| x 3 (trajectory, batch of trajectories,
sweep), and in practice a handful; ``TRACES`` counts them.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from optiviz import datasets, limits, optimizers, schedules
from optiviz.surfaces import Surface

TRACES: Counter = Counter()
"""How many times each compiled function has been traced (for tests)."""


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
) -> Hyper:
    """Hyper of float32 scalars (int32 for the schedule kind and steps)."""
    f32 = np.float32
    return Hyper(
        schedules.ScheduleParams(f32(alpha), f32(k), f32(drop), f32(every), f32(staircase)),
        optimizers.OptimizerParams(f32(momentum), f32(rho), f32(beta1), f32(beta2), f32(eps)),
        np.int32(schedules.index(schedule)),
        f32(noise),
        f32(batch_size),
        np.int32(steps),
    )


def step_loss(surface: Surface, t, h: Hyper, key):
    """The loss whose gradient step t follows: f, or on a data surface the weighted
    loss of step t's mini-batch, drawn from (key, epoch) by ``minibatch_weights``."""
    if surface.n_samples is None:
        return surface.f
    w = datasets.minibatch_weights(key, t, h.batch_size, surface.n_samples)
    return lambda x: surface.weighted_loss(x, w)


def gradient_noise(t, h: Hyper, key, dim: int):
    """Step t's N(0, noise^2) draw per coordinate, from the second half of a split of
    (key, t); the same draw for every run that shares the key."""
    _, noise_key = jax.random.split(jax.random.fold_in(key, t))
    return h.noise * jax.random.normal(noise_key, (dim,))


def _gradient(surface: Surface, x, t, h: Hyper, key):
    return jax.grad(step_loss(surface, t, h, key))(x) + gradient_noise(t, h, key, x.shape[0])


def _stepper(surface: Surface, optimizer: str, h: Hyper, key):
    tx = optimizers.get(optimizer)(h.optimizer)

    def step(carry, t):
        x, state, dead = carry
        g = _gradient(surface, x, t, h, key)
        lr = schedules.evaluate(h.kind, h.schedule, t.astype(jnp.float32))
        d, new_state = tx.update(g, state, x)
        active = t < h.steps
        x_new = jnp.where(active, x - lr * d, x)
        new_state = jax.tree.map(lambda a, b: jnp.where(active, a, b), new_state, state)
        escaped = ~jnp.all(jnp.isfinite(x_new)) | jnp.any(jnp.abs(x_new) > limits.DIVERGENCE_RADIUS)
        dead = dead | escaped
        x_out = jnp.where(dead, jnp.nan, x_new)
        return (jnp.where(dead, x, x_new), new_state, dead), (x_out, lr, g)

    return tx, step


def _trajectory(surface: Surface, optimizer: str, length: int):
    def run(h: Hyper, x0, key):
        TRACES["trajectory"] += 1
        tx, step = _stepper(surface, optimizer, h, key)
        carry = (x0, tx.init(x0), jnp.array(False))
        _, (xs, lrs, grads) = jax.lax.scan(step, carry, jnp.arange(length))
        positions = jnp.concatenate([x0[None], xs])
        losses = jax.vmap(surface.f)(positions)
        grad_f = jax.grad(surface.f)
        last = jnp.take(positions, h.steps, axis=0)
        ends = jnp.stack([jnp.linalg.norm(grad_f(x0)), jnp.linalg.norm(grad_f(last))])
        return positions, losses, lrs, grads, ends

    return run


GRID_AXES = Hyper(
    schedules.ScheduleParams(alpha=0, k=0, drop=None, every=None, staircase=None),
    optimizers.OptimizerParams(*[None] * len(optimizers.OptimizerParams._fields)),
    kind=None,
    noise=None,
    batch_size=None,
    steps=None,
)
"""``sweep_fn`` and ``batch_fn`` axes for runs that differ only in alpha and k (and,
for a batch, start and seed): only alpha and k of h carry the run axis.

Shared scalars stay scalars inside the vmapped loop, so the schedule switch
picks one branch and Adam's bias corrections are computed once per step, not
once per run: about 2.5x faster than batching every leaf.
"""


@lru_cache(maxsize=48)
def trajectory_fn(surface: Surface, optimizer: str, length: int):
    """jit(h, x0, key) -> (positions, losses, lrs, grads, |grad f| at start and end)."""
    return jax.jit(_trajectory(surface, optimizer, length))


@lru_cache(maxsize=48)
def batch_fn(surface: Surface, optimizer: str, length: int, axes: Hyper | int = 0):
    """``trajectory_fn`` vmapped over a leading run axis of x0, key and the leaves of h
    that ``axes`` names (0: all of them; or a Hyper of 0/None such as ``GRID_AXES``)."""
    return jax.jit(jax.vmap(_trajectory(surface, optimizer, length), in_axes=(axes, 0, 0)))


def _final(surface: Surface, optimizer: str, length: int):
    def run(h: Hyper, x0, key, level):
        TRACES["sweep"] += 1
        tx, step = _stepper(surface, optimizer, h, key)

        def counted(carry, t):
            inner, first = carry
            inner, _ = step(inner, t)
            hit = (surface.f(inner[0]) <= level) & ~inner[2] & (t < h.steps)
            return (inner, jnp.minimum(first, jnp.where(hit, t + 1, length + 1))), None

        start_hit = jnp.where(surface.f(x0) <= level, 0, length + 1)
        carry = ((x0, tx.init(x0), jnp.array(False)), start_hit)
        ((x, _, dead), first), _ = jax.lax.scan(counted, carry, jnp.arange(length))
        loss = surface.f(x)
        final = jnp.where(dead | ~jnp.isfinite(loss), jnp.inf, loss)
        return final, first

    return run


@lru_cache(maxsize=48)
def sweep_fn(surface: Surface, optimizer: str, length: int, axes: Hyper | int = 0):
    """jit(vmap(h), x0, key, level) -> (final loss or inf, first step with loss <= level).

    ``axes`` says which leaves of h carry the run axis: 0 (all of them) or a
    Hyper of 0/None such as ``GRID_AXES``.
    """
    in_axes = (axes, None, None, None)
    return jax.jit(jax.vmap(_final(surface, optimizer, length), in_axes=in_axes))
