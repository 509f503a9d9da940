"""The (alpha, k) grid engine behind ``landscape`` and ``sweep``: blocks of cells on every
core, or spread over several devices.

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

Blocks of about ``BLOCK_CELLS`` cells keep a block's state cache-resident across
its whole loop. On one device they run on ``THREADS`` Python threads (XLA releases
the GIL), so a grid uses every core. On several devices (``devices``) the blocks
are stacked on a leading axis that ``jax.sharding`` splits over a one-axis mesh,
and one compiled program (``mesh_fn``, a ``shard_map``) runs each device's share
one block after another. Either way only one block per thread or device is in
flight, so memory is bounded by the block size, not the grid's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from optiviz.core import engine, limits, optimizers
from optiviz.core.surfaces import Surface

BLOCK_CELLS = 8192
"""Cells per block: a block's state (a few arrays of this many floats) fits in L2."""

MAX_BLOCK_COLS = 1024
"""ks per block, which bounds a block's schedule table (steps x ks floats)."""

COMPILER_OPTIONS = {"xla_cpu_copy_insertion_use_region_analysis": True}
"""XLA options for the block loop alone: region analysis lets the loop update its state
in place; without it XLA copies the block's x every step (about 10% of the time)."""

THREADS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
"""Blocks run at once: one per core this process may use."""


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
    of the block's ks (length, C), and the noise and mini-batches (``engine.Draws``)."""

    factors: jax.Array
    draws: engine.Draws


def _tables(surface: Surface, length: int):
    def run(h: engine.Hyper, ks, key) -> Tables:
        unit = h._replace(schedule=h.schedule._replace(alpha=jnp.float32(1.0)))

        def rates(k):
            schedule = unit.schedule._replace(k=k)
            return engine.learning_rates(unit._replace(schedule=schedule), length)

        return Tables(jax.vmap(rates, out_axes=1)(ks), engine.draws(surface, unit, key, length))

    return run


@lru_cache(maxsize=48)
def tables_fn(surface: Surface, length: int):
    """jit(h, ks, key) -> the ``Tables`` of a grid whose k axis is ks."""
    return jax.jit(_tables(surface, length))


def _bounded(x: jax.Array) -> jax.Array:
    """x, with NaN for each coordinate that is not finite or beyond the divergence
    radius (~(|c| <= R) is true for NaN, inf and |c| > R alike). A NaN coordinate stays
    NaN under every update, so a cell has diverged iff a coordinate is NaN: divergence
    needs no flag of its own, and no pass over the block to keep one."""
    return jnp.where(jnp.abs(x) <= limits.DIVERGENCE_RADIUS, x, jnp.nan)


def _diverged(x: jax.Array) -> jax.Array:
    """(R, C): cells of the (dim, R, C) ``x`` with a NaN coordinate."""
    return jnp.any(jnp.isnan(x), axis=0)


def _block(surface: Surface, optimizer: str, count: bool):
    def run(h: engine.Hyper, alphas, tables: Tables, x0, level):
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
    h = engine.make_hyper(alpha=0.0, steps=1)
    ks, key = np.zeros(cols, np.float32), jax.random.key(0)
    tables = jax.eval_shape(tables_fn(surface, length), h, ks, key)
    example = (h, np.zeros(rows, np.float32), tables, np.zeros(surface.dim, np.float32))
    block = jax.jit(_block(surface, optimizer, count))
    lowered = block.lower(*_abstract((*example, np.float32(0))))
    return lowered.compile(COMPILER_OPTIONS if jax.default_backend() == "cpu" else None)


def resolve_devices(devices: Sequence[jax.Device] | int | None = None) -> tuple[jax.Device, ...]:
    """The devices a grid runs on: None for every local device of JAX's default backend,
    an int n for the first n of them, or the devices themselves (one platform)."""
    local = jax.local_devices()
    if devices is None:
        return tuple(local)
    if isinstance(devices, int):
        if not 1 <= devices <= len(local):
            raise ValueError(
                f"devices must be 1 to {len(local)} (the local devices), not {devices}"
            )
        return tuple(local[:devices])
    chosen = tuple(devices)
    if not chosen:
        raise ValueError("devices must name at least one device")
    if len({d.platform for d in chosen}) > 1:
        raise ValueError("devices must all be on one platform (cpu, gpu or tpu)")
    return chosen


def _on_devices(surface: Surface, optimizer: str, count: bool):
    """Each device's share of the stacked blocks, one after another (``lax.map``)."""
    block = _block(surface, optimizer, count)

    def run(h, alphas, columns, tables: Tables, x0, level):
        def one(args):
            a, j = args
            return block(h, a, jax.tree.map(lambda table: table[j], tables), x0, level)

        return jax.lax.map(one, (alphas, columns))

    return run


@lru_cache(maxsize=16)
def mesh_fn(
    surface: Surface,
    optimizer: str,
    length: int,
    shape: tuple[int, int, int, int],
    count: bool,
    devices: tuple[jax.Device, ...],
):
    """One program over a mesh of ``devices``: (h, alphas (B, rows), columns (B,), tables
    stacked over the grid's P column parts, x0, level) -> (final, first), each
    (B, rows, cols), where ``shape`` is (B, rows, cols, P) and B is a multiple of the
    device count. Block b is alphas[b] by the ks of column part columns[b]; the block
    axis is split over the devices, every other input is replicated."""
    blocks, rows, cols, parts = shape
    mesh = Mesh(np.array(devices), ("blocks",))
    split, whole = NamedSharding(mesh, P("blocks")), NamedSharding(mesh, P())
    program = jax.shard_map(
        _on_devices(surface, optimizer, count),
        mesh=mesh,
        in_specs=(P(), P("blocks"), P("blocks"), P(), P(), P()),
        out_specs=P("blocks"),
        check_vma=False,  # the block's loop starts from replicated x0; no collectives
    )
    h = engine.make_hyper(alpha=0.0, steps=1)
    ks, key = np.zeros(cols, np.float32), jax.random.key(0)
    table = jax.eval_shape(tables_fn(surface, length), h, ks, key)
    tables = jax.tree.map(lambda t: jax.ShapeDtypeStruct((parts, *t.shape), t.dtype), table)

    def spec(a, sharding):
        return jax.ShapeDtypeStruct(np.shape(a), np.asarray(a).dtype, sharding=sharding)

    example = (
        jax.tree.map(lambda a: spec(a, whole), h),
        spec(np.zeros((blocks, rows), np.float32), split),
        spec(np.zeros(blocks, np.int32), split),
        jax.tree.map(lambda t: jax.ShapeDtypeStruct(t.shape, t.dtype, sharding=whole), tables),
        spec(np.zeros(surface.dim, np.float32), whole),
        spec(np.float32(0), whole),
    )
    lowered = jax.jit(program, out_shardings=split).lower(*example)
    return lowered.compile(COMPILER_OPTIONS if devices[0].platform == "cpu" else None)


def _split(n: int, size: int) -> tuple[int, int]:
    """(parts, part length) covering n items in parts of at most ``size``, balanced."""
    parts = -(-n // max(1, size))
    return parts, -(-n // parts)


def _padded(values: np.ndarray, length: int) -> np.ndarray:
    """``values`` as float32, extended to ``length`` by repeating the last one."""
    return np.asarray(values, np.float32)[np.minimum(np.arange(length), len(values) - 1)]


class _Blocks(NamedTuple):
    """A grid cut into row_parts x col_parts blocks: alphas (row_parts, rows) and
    ks (col_parts, cols), padded by repeating the last alpha or k."""

    alphas: np.ndarray
    ks: np.ndarray

    @property
    def cells(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(len(self.alphas)) for j in range(len(self.ks))]


def _blocks(axes: tuple[np.ndarray, np.ndarray], block_cells: int, workers: int) -> _Blocks:
    """At most ``MAX_BLOCK_COLS`` ks by enough alphas for about ``block_cells`` cells,
    with at least ``workers`` blocks where the grid allows."""
    alphas, ks = axes
    col_parts, cols = _split(len(ks), min(MAX_BLOCK_COLS, block_cells))
    row_parts, rows = _split(len(alphas), max(1, block_cells // cols))
    if row_parts * col_parts < workers:
        row_parts, rows = _split(len(alphas), -(-len(alphas) // max(1, workers // col_parts)))
    return _Blocks(
        _padded(alphas, row_parts * rows).reshape(row_parts, rows),
        _padded(ks, col_parts * cols).reshape(col_parts, cols),
    )


def _on_threads(fn, h, blocks: _Blocks, tables: list[Tables], x0, level) -> list:
    """Each block's (final, first) through the compiled block ``fn``, on THREADS threads."""

    def block(ij: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        i, j = ij
        return tuple(np.asarray(a) for a in fn(h, blocks.alphas[i], tables[j], x0, level))

    with ThreadPoolExecutor(min(THREADS, len(blocks.cells))) as pool:
        return list(pool.map(block, blocks.cells))


def _on_mesh(fn_of_shape, h, blocks: _Blocks, tables: list[Tables], x0, level, n: int) -> list:
    """Each block's (final, first) from one program over ``n`` devices: the block list
    is padded to a multiple of n by repeating its last block."""
    cells = blocks.cells
    padded = [cells[min(b, len(cells) - 1)] for b in range(-(-len(cells) // n) * n)]
    rows, cols = blocks.alphas.shape[1], blocks.ks.shape[1]
    fn = fn_of_shape((len(padded), rows, cols, len(blocks.ks)))
    stacked = jax.tree.map(lambda *t: jnp.stack(t), *tables)
    alphas = blocks.alphas[[i for i, _ in padded]]
    columns = np.array([j for _, j in padded], np.int32)
    final, first = (np.asarray(a) for a in fn(h, alphas, columns, stacked, x0, level))
    return [(final[b], first[b]) for b in range(len(cells))]


def run_grid(
    surface: Surface,
    optimizer: str,
    length: int,
    h: engine.Hyper,
    axes: tuple[np.ndarray, np.ndarray],
    x0: np.ndarray,
    key: jax.Array,
    level: np.float32 | None,
    block_cells: int = BLOCK_CELLS,
    devices: Sequence[jax.Device] | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Final losses and first steps over the alphas x ks grid ``axes``, in blocks;
    with ``level`` None, steps to the level are not counted.

    ``h`` holds the shared scalars (its alpha and k are ignored). A block is at most
    ``MAX_BLOCK_COLS`` ks by enough alphas for about ``block_cells`` cells, with at
    least one block per thread or device where the grid allows; edges are padded by
    repeating the last alpha or k. On JAX's default device alone the blocks run on
    ``THREADS`` threads; on any other devices (``resolve_devices``) in one program
    over their mesh (``mesh_fn``).
    """
    devices = resolve_devices(devices)
    threaded = devices == (jax.devices()[0],)
    blocks = _blocks(axes, block_cells, THREADS if threaded else len(devices))
    tables = [tables_fn(surface, length)(h, k, key) for k in blocks.ks]
    count = level is not None
    level = np.float32(-np.inf if level is None else level)
    rows, cols = blocks.alphas.shape[1], blocks.ks.shape[1]
    if threaded:
        fn = block_fn(surface, optimizer, length, rows, cols, count)
        parts = _on_threads(fn, h, blocks, tables, x0, level)
    else:

        def fn_of_shape(shape):
            return mesh_fn(surface, optimizer, length, shape, count, devices)

        parts = _on_mesh(fn_of_shape, h, blocks, tables, x0, level, len(devices))
    row_parts, col_parts = len(blocks.alphas), len(blocks.ks)
    final, first = (
        np.stack([part[m] for part in parts])
        .reshape(row_parts, col_parts, rows, cols)
        .transpose(0, 2, 1, 3)
        .reshape(row_parts * rows, col_parts * cols)
        for m in (0, 1)
    )
    shape = (len(axes[0]), len(axes[1]))
    return final[: shape[0], : shape[1]], first[: shape[0], : shape[1]]
