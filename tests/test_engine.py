"""The engine's programs: what a trajectory program holds, and the draw programs it is fed."""

from __future__ import annotations

import re

import jax
import numpy as np
import pytest

import optiviz
from optiviz.core import engine, feeds, run_inputs, surfaces

LINEAR = surfaces.get("linear_regression")


def _program_text(surface: surfaces.Surface, optimizer: str, length: int) -> str:
    """The jaxpr of ``trajectory_fn``'s program for a call of ``capacity`` rows."""
    size = engine.capacity(surface, length)
    args = (
        run_inputs.make_hyper(alpha=0.0, steps=length),
        np.int32(1),
        np.zeros((size, surface.dim), np.float32),
        np.zeros((size, length), np.float32),
        np.zeros((size, length, surface.dim), np.float32),
        np.zeros((size, length, surface.n_samples or 0), np.float32),
    )
    many = engine._batch(surface, optimizer, length, size)
    return str(jax.make_jaxpr(many)(*args))


@pytest.mark.parametrize("name", ["quadratic", "linear_regression"])
def test_a_trajectory_program_holds_no_prng(name: str) -> None:
    """α_t, the noise and the mini-batches are drawn by programs of their own, so the
    program each optimizer compiles holds no schedule switch, no threefry, no normal and
    no permutation."""
    text = _program_text(surfaces.get(name), "adam", 64)
    for primitive in ("cond", "threefry2x32", "random_bits", "erf_inv", "sort"):
        assert re.search(rf"\b{primitive}\b", text) is None, primitive


def test_the_runs_are_fed_the_draws_run_inputs_defines() -> None:
    """A noisy mini-batch run's gradients are, step for step, the mini-batch loss's
    gradient at its positions plus the noise, both from ``run_inputs.draws`` (computed
    here in a program of its own) at the run's seed."""
    steps, length, seed, batch, noise = 50, 64, 7, 8, 0.3
    run = optiviz.simulate(
        LINEAR, "momentum", alpha=0.05, steps=steps, noise=noise, batch_size=batch, seed=seed
    )
    h = run_inputs.make_hyper(alpha=0.05, steps=steps, noise=noise, batch_size=batch)
    drawn = jax.jit(lambda h, key: run_inputs.draws(LINEAR, h, key, length))(
        h, jax.random.key(np.uint32(seed))
    )
    weights, added = np.asarray(drawn.weights)[:steps], np.asarray(drawn.noise)[:steps]
    assert len({tuple(w > 0) for w in weights}) > 1  # the batches really change
    grad = jax.vmap(jax.grad(LINEAR.weighted_loss))
    want = np.asarray(grad(np.float32(run.positions[:-1]), weights)) + added
    np.testing.assert_allclose(run.grads, want, rtol=1e-5, atol=1e-6)


def test_draw_programs_compile_only_when_needed_and_are_shared() -> None:
    """At a constant α, without noise and with the whole data set no draw program
    compiles; the first decaying, noisy or mini-batch run compiles its program, and other
    optimizers, seeds and numbers reuse it."""
    for fn in (feeds.rates_fn, feeds.noise_fn, feeds.weights_fn):
        fn.cache_clear()
    before = feeds.TRACES.copy()

    def new(name: str) -> int:
        return feeds.TRACES[name] - before[name]

    def news() -> tuple[int, int, int]:
        return new("rates"), new("noise"), new("weights")

    kw = {"alpha": 0.05, "steps": 60}
    optiviz.simulate(LINEAR, "sgd", **kw)
    optiviz.simulate(LINEAR, "adam", batch_size=LINEAR.n_samples, **kw)
    assert news() == (0, 0, 0)
    optiviz.simulate(LINEAR, "sgd", schedule="exponential", k=0.1, **kw)
    optiviz.simulate(LINEAR, "nesterov", schedule="step", alpha=0.1, steps=50)
    optiviz.simulate(LINEAR, "adam", schedule="inverse_time", k=0.2, **kw)  # other leaves
    assert news() == (1, 0, 0)
    optiviz.simulate(LINEAR, "sgd", noise=0.2, **kw)
    optiviz.simulate(LINEAR, "momentum", noise=0.5, seed=3, **kw)
    assert news() == (1, 1, 0)
    optiviz.simulate(LINEAR, "adam", batch_size=4, **kw)
    optiviz.simulate(LINEAR, "sgd", batch_size=9, noise=0.1, seed=2, schedule="step", **kw)
    assert news() == (1, 1, 1)


def test_the_constants_fed_are_the_rules_values() -> None:
    """What a run is fed without a draw program is what the rules give, bit for bit: at a
    constant α, α_t = ``learning_rates``; with the whole data set, the weights are
    ``minibatch_weights`` at B = n at every step. So those runs are unchanged."""
    n, length = LINEAR.n_samples, 64
    h = run_inputs.make_hyper(alpha=0.0, steps=length, batch_size=n)
    alphas = np.float32([0.3, 0.07, 0.0, 0.0])
    fed = feeds.feeder(LINEAR, length, 4, h)
    lrs, _, weights = fed(np.int32(2), alphas, np.zeros(4, np.float32), np.zeros(4, np.uint32))
    for i in (0, 1):
        h_i = h._replace(schedule=h.schedule._replace(alpha=alphas[i]))
        want = jax.jit(run_inputs.learning_rates, static_argnums=1)(h_i, length)
        np.testing.assert_array_equal(np.asarray(lrs)[i], np.asarray(want), strict=True)
    rule = run_inputs.batch_weights(jax.random.key(5), length, np.float32(n), n)
    np.testing.assert_array_equal(np.asarray(weights)[1], np.asarray(rule), strict=True)
