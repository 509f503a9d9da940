"""The (alpha, k) grid engine behind ``landscape`` and ``sweep``: blocks of cells on every
core, or spread over several devices. What one block computes, and how it is compiled,
is ``grid_block``'s.

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

from optiviz.core import run_inputs
from optiviz.core.grid_block import (
    COMPILER_OPTIONS,
    Tables,
    block_fn,
    block_run,
    fed_tables,
    quiet,
    table_shapes,
    tables_fn,
)
from optiviz.core.surfaces import Surface

BLOCK_CELLS = 8192
"""Cells per block: a block's state (a few arrays of this many floats) fits in L2."""

MAX_BLOCK_COLS = 1024
"""ks per block, which bounds a block's schedule table (steps x ks floats)."""

THREADS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
"""Blocks run at once: one per core this process may use."""


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
    block = block_run(surface, optimizer, count)

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
    h = run_inputs.make_hyper(alpha=0.0, steps=1)
    table = table_shapes(surface, length, cols)
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
    h: run_inputs.Hyper,
    axes: tuple[np.ndarray, np.ndarray],
    x0: np.ndarray,
    seed: int,
    level: np.float32 | None,
    block_cells: int = BLOCK_CELLS,
    devices: Sequence[jax.Device] | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Final losses and first steps over the alphas x ks grid ``axes``, in blocks;
    with ``level`` None, steps to the level are not counted.

    ``h`` holds the shared scalars (its alpha and k are ignored); ``seed`` keys the noise
    and mini-batches, which only a grid that is not ``quiet`` draws (``tables_fn``); a
    quiet one is fed its α_t factors by ``fed_tables`` and compiles no table program.
    A block is at most ``MAX_BLOCK_COLS`` ks by enough alphas for about ``block_cells``
    cells, with at least one block per thread or device where the grid allows; edges are
    padded by repeating the last alpha or k. On JAX's default device alone the blocks run
    on ``THREADS`` threads; on any other devices (``resolve_devices``) in one program over
    their mesh (``mesh_fn``).
    """
    devices = resolve_devices(devices)
    threaded = devices == (jax.devices()[0],)
    blocks = _blocks(axes, block_cells, THREADS if threaded else len(devices))
    if quiet(surface, h):
        tables = [fed_tables(surface, length, h, k) for k in blocks.ks]
    else:
        key = jax.random.key(seed)
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
