"""The blocked grid engine: equal to the plain vmapped sweep, whatever the blocks."""

from __future__ import annotations

import dataclasses

import jax
import numpy as np
import pytest

import optiviz
from optiviz.core import engine, optimizers, run_inputs, schedules, surfaces, sweeps
from optiviz.core.dynamics import f_min
from tests.support import plain_sweep

ALPHAS = [1e-3, 0.01, 0.05, 0.3]
KS = [0.0, 0.01, 0.1]
STEPS = 40


def plain(surface, optimizer, alphas, ks, *, start, steps, tol=1e-3, seed=0, **fixed):
    """The plain path: one vmapped scan per cell (``plain_sweep.sweep_fn`` with GRID_AXES)."""
    surface = surfaces.get(surface)
    aa, kk = np.meshgrid(np.float32(alphas), np.float32(ks), indexing="ij")
    fixed.setdefault("eps", optimizers.DEFAULT_EPS.get(optimizer, 1e-8))
    h = run_inputs.make_hyper(alpha=0.0, steps=steps, **fixed)
    h = h._replace(schedule=h.schedule._replace(alpha=aa.ravel(), k=kk.ravel()))
    fn = plain_sweep.sweep_fn(surface, optimizer, 64, plain_sweep.GRID_AXES)
    x0, level = np.float32(start), np.float32(f_min(surface) + tol)
    final, first = fn(h, x0, jax.random.key(seed), level)
    shape = aa.shape
    return np.asarray(final).reshape(shape), np.minimum(np.asarray(first), steps + 1).reshape(shape)


def assert_same(got, want, rtol=1e-4):
    """Same divergence pattern, final losses within rtol, same steps to tolerance."""
    (final, first), (want_final, want_first) = got, want
    np.testing.assert_array_equal(np.isinf(final), np.isinf(want_final))
    finite = np.isfinite(want_final)
    np.testing.assert_allclose(final[finite], want_final[finite], rtol=rtol, atol=1e-7)
    np.testing.assert_array_equal(first, want_first)


@pytest.mark.parametrize("optimizer", list(optimizers.OPTIMIZERS))
@pytest.mark.parametrize("schedule", list(schedules.SCHEDULES))
def test_blocks_equal_the_vmapped_sweep(optimizer: str, schedule: str) -> None:
    kwargs = {"schedule": schedule, "start": [-1.0, 1.5], "steps": STEPS, "every": 7.0}
    got = optiviz.landscape("rosenbrock", optimizer, alphas=ALPHAS, ks=KS, tol=0.5, **kwargs)
    want = plain("rosenbrock", optimizer, ALPHAS, KS, tol=0.5, **kwargs)
    assert_same(got, want)
    assert np.isfinite(want[0]).any()


def test_blocks_equal_the_vmapped_sweep_with_noise_staircase_and_hyperparameters() -> None:
    kwargs = {"schedule": "inverse_time", "start": [1.0, -2.0], "steps": 50, "noise": 0.5}
    hyper = {"staircase": True, "every": 5.0, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3}
    got = optiviz.landscape("himmelblau", "adam", alphas=ALPHAS, ks=KS, seed=3, **kwargs, **hyper)
    want = plain("himmelblau", "adam", ALPHAS, KS, seed=3, **kwargs, **hyper)
    assert_same(got, want)
    assert (want[1] <= 50).any()


def test_blocks_equal_the_vmapped_sweep_on_mini_batches() -> None:
    kwargs = {"schedule": "exponential", "start": [0.0, 0.0], "steps": 60, "seed": 2}
    got = optiviz.landscape(
        "linear_regression", "momentum", alphas=ALPHAS, ks=KS, batch_size=8, **kwargs
    )
    want = plain("linear_regression", "momentum", ALPHAS, KS, batch_size=8.0, **kwargs)
    assert_same(got, want)
    full = optiviz.landscape("linear_regression", "momentum", alphas=ALPHAS, ks=KS, **kwargs)
    assert not np.allclose(full[0], got[0])


@pytest.mark.parametrize("block_cells", [1, 3, 5, 8, 12])
def test_any_blocking_gives_the_same_grid(block_cells: int) -> None:
    alphas = np.geomspace(1e-3, 0.5, 7)
    ks = np.linspace(0.0, 0.1, 5)
    # A start off the chaotic bounce, so float rounding that differs between XLA's
    # scalar and vector loops cannot grow; the grids then agree to float32 rounding.
    kwargs = {"alphas": alphas, "ks": ks, "schedule": "exponential", "steps": 60}
    kwargs["start"] = (-1.5, 2.0)
    whole = optiviz.landscape("rosenbrock", "adam", block_cells=4096, **kwargs)
    blocked = optiviz.landscape("rosenbrock", "adam", block_cells=block_cells, **kwargs)
    np.testing.assert_allclose(blocked[0], whole[0], rtol=1e-6)
    np.testing.assert_array_equal(blocked[1], whole[1])
    assert whole[0].shape == (7, 5)


def test_blocks_are_bounded_and_cover_the_grid(monkeypatch) -> None:
    calls = []
    original = sweeps.block_fn

    def spying(*args):
        fn = original(*args)

        def call(h, alphas, tables, x0, level):
            calls.append((alphas.shape, tables.factors.shape))
            return fn(h, alphas, tables, x0, level)

        return call

    monkeypatch.setattr(sweeps, "block_fn", spying)
    alphas, ks = np.linspace(0.01, 0.1, 5), np.linspace(0.0, 0.2, 7)
    kwargs = {"schedule": "inverse_time", "steps": 30}
    final, first = optiviz.landscape(
        "quadratic", "sgd", alphas=alphas, ks=ks, block_cells=6, **kwargs
    )
    # 7 ks in 2 blocks of 4 columns (the last padded), 6 // 4 = 1 alpha per block
    assert set(calls) == {((1,), (64, 4))}
    assert len(calls) == 5 * 2
    monkeypatch.undo()
    want = plain("quadratic", "sgd", alphas, ks, start=surfaces.get("quadratic").start, **kwargs)
    assert_same((final, first), want)


def test_moving_alpha_and_k_never_retraces_the_blocks() -> None:
    surface = dataclasses.replace(surfaces.get("himmelblau"))
    before = engine.TRACES["sweep"]
    kwargs = {"schedule": "exponential", "steps": 50, "block_cells": 6}
    optiviz.landscape(surface, "rmsprop", alphas=[0.01, 0.02, 0.03], ks=[0.1, 0.2], **kwargs)
    assert engine.TRACES["sweep"] == before + 1
    optiviz.landscape(surface, "rmsprop", alphas=[0.3, 0.2, 0.1], ks=[0.0, 0.5], **kwargs)
    optiviz.landscape(
        surface, "rmsprop", alphas=[1e-4, 0.5, 2.0], ks=[0.9, 0.01], rho=0.5, **kwargs
    )
    assert engine.TRACES["sweep"] == before + 1


@pytest.mark.parametrize("optimizer", ["sgd", "nesterov", "adam"])
def test_sweep_is_the_landscape_without_the_count(optimizer: str) -> None:
    kwargs = {"alphas": ALPHAS, "ks": KS, "schedule": "step", "steps": 45, "noise": 0.2}
    final = optiviz.sweep("himmelblau", optimizer, seed=1, **kwargs)
    counted, _ = optiviz.landscape("himmelblau", optimizer, seed=1, **kwargs)
    # Two compiled programs: XLA may fuse them differently, so equal to float32 rounding.
    np.testing.assert_array_equal(np.isinf(final), np.isinf(counted))
    np.testing.assert_allclose(final, counted, rtol=1e-5)
    assert np.isfinite(final).any()


@pytest.mark.parametrize("schedule", list(schedules.SCHEDULES))
@pytest.mark.parametrize("name", ["rosenbrock", "linear_regression"])
def test_fed_tables_equal_the_table_program_on_a_quiet_grid(schedule: str, name: str) -> None:
    """A grid without noise or mini-batches is fed its α_t factors by the trajectories'
    rates program: the same tables as the grid's own table program, bit for bit."""
    from optiviz.core import grid_block

    surface = surfaces.get(name)
    batch = float(surface.n_samples or 1)
    h = run_inputs.make_hyper(alpha=0.0, schedule=schedule, steps=60, every=7.0, batch_size=batch)
    assert grid_block.quiet(surface, h)
    ks = np.float32(np.geomspace(1e-3, 0.5, 300))  # more ks than one rates call holds
    fed = grid_block.fed_tables(surface, 64, h, ks)
    own = grid_block.tables_fn(surface, 64)(h, ks, jax.random.key(0))
    assert fed.factors.shape == (64, len(ks))
    read = (lambda t: t.factors, lambda t: t.draws.noise, lambda t: t.draws.weights)
    for part in read:  # what a block reads (not draws.lr, which a block never reads)
        np.testing.assert_array_equal(part(fed), np.asarray(part(own)))


def test_a_noisy_or_mini_batch_grid_is_not_quiet() -> None:
    from optiviz.core import grid_block

    data = surfaces.get("linear_regression")
    assert not grid_block.quiet(data, run_inputs.make_hyper(alpha=0.0, steps=5, batch_size=4.0))
    noisy = run_inputs.make_hyper(alpha=0.0, steps=5, noise=0.1)
    assert not grid_block.quiet(surfaces.get("rosenbrock"), noisy)
