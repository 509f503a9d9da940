"""One block of the (alpha, k) grid as one compiled program (``block_fn``): the arithmetic
``sweeps.run_grid`` runs on every thread or device.

A block is R alphas x C ks of cells stepped as *one* optimizer state whose
parameters are a (dim, R, C) array: one contiguous (R, C) slab per coordinate.
Every rule in ``optimizers`` is elementwise, so this is the arithmetic of one
run per cell, while the step count and Adam's bias corrections stay scalars of
the block (``tests/test_sweeps.py`` checks each rule against the vmapped sweep).
Work that does not depend on the cell is done once:

- every schedule is alpha_0 times a factor of (k, t) alone, so the factors for
  the grid's ks are tabulated once per call and a cell's alpha_t costs one multiply;
- the gradient comes from one forward-mode pass per coordinate (``jax.jvp``), whose
  primal is f at the same point, so the steps-to-tolerance count needs no extra f;
- the loop runs ``h.steps`` iterations (a traced bound), not the bucket's length;
- a coordinate that leaves the box becomes NaN and stays NaN (``_bounded``), so a
  diverged cell needs neither a flag nor freezing: its loss is reported as inf.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import engine, feeds, limits, optimizers, run_inputs
from optiviz.core.surfaces import Surface

COMPILER_OPTIONS = {"xla_cpu_copy_insertion_use_region_analysis": True}
"""XLA options for the block loop alone: region analysis lets the loop update its state
in place; without it XLA copies the block's x every step (about 10% of the time)."""


def _cells(fn):
    """``fn`` of one point's coordinates, mapped over (R, C) arrays of each."""
    return jax.vmap(jax.vmap(fn))


def _value_and_grad(loss):
    """(loss, gradient tuple) at a point given as scalar coordinates: one forward-mode
    pass per coordinate, moving only that one (no multiplies by zero tangents)."""

    def run(*x):
        def partial(i):
            def along(c):
                return loss(jnp.stack([*x[:i], c, *x[i + 1 :]]))

            return jax.jvp(along, (x[i],), (jnp.ones_like(x[i]),))

        passes = [partial(i) for i in range(len(x))]
        return passes[0][0], tuple(tangent for _, tangent in passes)

    return run


class Tables(NamedTuple):
    """What every cell of a block shares, row t for step t: alpha_t / alpha_0 for each
    of the block's ks (length, C), and the noise and mini-batches (``run_inputs.Draws``)."""

    factors: jax.Array
    draws: run_inputs.Draws


def _tables(surface: Surface, length: int):
    def run(h: run_inputs.Hyper, ks, key) -> Tables:
        unit = h._replace(schedule=h.schedule._replace(alpha=jnp.float32(1.0)))

        def rates(k):
            schedule = unit.schedule._replace(k=k)
            return run_inputs.learning_rates(unit._replace(schedule=schedule), length)

        return Tables(jax.vmap(rates, out_axes=1)(ks), run_inputs.draws(surface, unit, key, length))

    return run


@lru_cache(maxsize=48)
def tables_fn(surface: Surface, length: int):
    """jit(h, ks, key) -> the ``Tables`` of a grid whose k axis is ks."""
    return jax.jit(_tables(surface, length))


def quiet(surface: Surface, h: run_inputs.Hyper) -> bool:
    """Whether a grid's runs draw nothing: no noise and, on a data surface, the whole
    data set every step, so that ``fed_tables`` gives what ``tables_fn`` would."""
    whole = surface.n_samples is None or float(h.batch_size) >= surface.n_samples
    return float(h.noise) == 0.0 and whole


def fed_tables(surface: Surface, length: int, h: run_inputs.Hyper, ks: np.ndarray) -> Tables:
    """``tables_fn``'s ``Tables`` for a ``quiet`` grid without its program: the factors
    alpha_t / alpha_0 from ``feeds.rates_fn`` (the program that feeds a trajectory its
    alpha_t, at alpha_0 = 1: a grid compiles no schedule of its own), in calls of
    ``engine.capacity`` ks; no noise (0) and the whole data set (weight 1/n each), as
    ``feeds.feeder`` feeds a run. Its ``draws.lr``, which no block reads, is 0."""
    size = engine.capacity(surface, length)
    rates = feeds.rates_fn(length, size)
    ks = np.asarray(ks, np.float32)
    parts = []
    for lo in range(0, len(ks), size):
        part = np.zeros(size, np.float32)
        count = min(size, len(ks) - lo)
        part[:count] = ks[lo : lo + count]
        rows = rates(feeds.rates_hyper(h), np.int32(count), np.ones(size, np.float32), part)
        parts.append(np.asarray(rows)[:count])
    n = surface.n_samples or 0
    weight = np.float32(1) / np.float32(n) if n else np.float32(0)
    noise = np.zeros((length, surface.dim), np.float32)
    draws = run_inputs.Draws(np.zeros(length, np.float32), noise, np.full((length, n), weight))
    return Tables(np.ascontiguousarray(np.concatenate(parts).T), draws)


def table_shapes(surface: Surface, length: int, cols: int) -> Tables:
    """The shapes and dtypes of a block's ``Tables`` for ``cols`` ks (no trace)."""

    def f32(*shape: int) -> jax.ShapeDtypeStruct:
        return jax.ShapeDtypeStruct(shape, np.float32)

    weights = f32(length, surface.n_samples or 0)
    return Tables(
        f32(length, cols), run_inputs.Draws(f32(length), f32(length, surface.dim), weights)
    )


def _bounded(x: jax.Array) -> jax.Array:
    """x, with NaN for each coordinate that is not finite or beyond the divergence
    radius (~(|c| <= R) is true for NaN, inf and |c| > R alike). A NaN coordinate stays
    NaN under every update, so a cell has diverged iff a coordinate is NaN: divergence
    needs no flag of its own, and no pass over the block to keep one."""
    return jnp.where(jnp.abs(x) <= limits.DIVERGENCE_RADIUS, x, jnp.nan)


def _diverged(x: jax.Array) -> jax.Array:
    """(R, C): cells of the (dim, R, C) ``x`` with a NaN coordinate."""
    return jnp.any(jnp.isnan(x), axis=0)


def block_run(surface: Surface, optimizer: str, count: bool):
    """(h, alphas (R,), tables of C ks, x0, level) -> (final loss or inf, first step with
    loss <= level or steps + 1), each (R, C): one block's loop, compiled by ``block_fn``
    or within the one program of ``sweeps.mesh_fn``."""

    def run(h: run_inputs.Hyper, alphas, tables: Tables, x0, level):
        engine.TRACES["sweep"] += 1
        tx = optimizers.get(optimizer)(h.optimizer)
        shape = (alphas.shape[0], tables.factors.shape[1])
        f = _cells(lambda *c: surface.f(jnp.stack(c)))

        def hits(first, x, value, t):
            return jnp.where(~_diverged(x) & (value <= level), jnp.minimum(first, t), first)

        def step(t, carry):
            x, state, first = carry
            loss = engine.step_loss(surface, tables.draws.weights[t])
            value, g = _cells(_value_and_grad(loss))(*x)
            if count:
                first = hits(first, x, value if surface.n_samples is None else f(*x), t)
            g = jnp.stack(g) + tables.draws.noise[t][:, None, None]
            d, state = tx.update(g, state, x)
            return _bounded(x - alphas[:, None] * tables.factors[t][None, :] * d), state, first

        x = jnp.broadcast_to(x0[:, None, None], (len(x0), *shape))
        start = (x, tx.init(x), jnp.full(shape, h.steps + 1))
        x, _, first = jax.lax.fori_loop(0, h.steps, step, start)
        final = f(*x)
        if count:
            first = hits(first, x, final, h.steps)
        return jnp.where(_diverged(x) | ~jnp.isfinite(final), jnp.inf, final), first

    return run


def _abstract(tree):
    return jax.tree.map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), tree)


@lru_cache(maxsize=48)
def block_fn(surface: Surface, optimizer: str, length: int, rows: int, cols: int, count: bool):
    """(h, alphas (rows,), tables of cols ks, x0, level) -> (final loss or inf, first
    step with loss <= level or steps + 1), each (rows, cols); without ``count`` the
    first steps are all steps + 1. Compiled ahead of time (one trace), so the threads
    share it and never trace it twice."""
    h = run_inputs.make_hyper(alpha=0.0, steps=1)
    tables = table_shapes(surface, length, cols)
    example = (h, np.zeros(rows, np.float32), tables, np.zeros(surface.dim, np.float32))
    block = jax.jit(block_run(surface, optimizer, count))
    lowered = block.lower(*_abstract((*example, np.float32(0))))
    return lowered.compile(COMPILER_OPTIONS if jax.default_backend() == "cpu" else None)
