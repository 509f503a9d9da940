"""The shared rules (``programs.heavy_ball``, ``programs.running_square``): GD, momentum
and Nesterov compile one trajectory program, Adagrad and RMSprop another, and each run is
its own rule's, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, limits, programs, run_inputs, surfaces


def test_gd_momentum_and_nesterov_run_one_program() -> None:
    """A page racing GD, momentum and Nesterov compiles one trajectory program
    (``heavy_ball``, fed beta and the look-ahead), not three."""
    surface = surfaces.from_expression("x^2 + 0.321*y^2")  # compiled by no other test
    before = engine.TRACES["trajectory"]
    for name in ("sgd", "momentum", "nesterov"):
        optiviz.simulate(surface, name, alpha=0.1, steps=100, momentum=0.7)
    assert engine.TRACES["trajectory"] == before + 1


def test_adagrad_and_rmsprop_run_one_program() -> None:
    """A page racing Adagrad and RMSprop (adaptive-valley) compiles one trajectory program
    (``running_square``, fed the running square's weights and its side), not two; Adam
    keeps its own."""
    surface = surfaces.from_expression("x^2 + 0.432*y^2")  # compiled by no other test
    before = engine.TRACES["trajectory"]
    for name in ("adagrad", "rmsprop"):
        optiviz.simulate(surface, name, alpha=0.1, steps=100, rho=0.9)
    assert engine.TRACES["trajectory"] == before + 1
    optiviz.simulate(surface, "adam", alpha=0.1, steps=100)
    assert engine.TRACES["trajectory"] == before + 2


def test_adagrad_and_rmsprop_differ_in_the_shared_program() -> None:
    """The shared program runs each rule, not one of them for both: on the quadratic
    valley the two runs part, and each matches its closed-form first step (Adagrad's
    first d is g / (|g| + eps) = sign(g), RMSprop's g / (sqrt(1 - rho) |g| + eps))."""
    s = surfaces.get("quadratic")
    alpha, rho = 0.1, 0.9
    ada = optiviz.simulate(s, "adagrad", alpha=alpha, steps=20)
    rms = optiviz.simulate(s, "rmsprop", alpha=alpha, steps=20, rho=rho)
    x0, g0 = np.float64(ada.positions[0]), np.float64(ada.grads[0])
    np.testing.assert_allclose(ada.positions[1], x0 - alpha * np.sign(g0), rtol=1e-5)
    rms_step = g0 / (np.sqrt(1 - rho) * np.abs(g0) + 1e-8)
    np.testing.assert_allclose(rms.positions[1], x0 - alpha * rms_step, rtol=1e-5)
    assert not np.allclose(ada.positions, rms.positions)


@pytest.mark.parametrize("name", sorted(programs.FEEDS))
@pytest.mark.parametrize(
    ("surface", "alpha", "hyper"),
    [
        ("staircase", 0.055, {}),
        ("staircase", 2.8, {"momentum": 0.5, "weight_decay": 0.05}),
        ("rosenbrock", 0.0042, {}),  # chaotic for GD: a last bit differing grows into a path
        ("himmelblau", 0.8, {"rho": 0.5, "eps": 0.01}),
        ("linear_regression", 0.075, {"rho": 0.9, "weight_decay": 0.1, "batch_size": 10**6}),
    ],
)
def test_the_shared_program_is_each_rules_own_bit_for_bit(
    name: str, surface: str, alpha: float, hyper: dict
) -> None:
    """Every array of a run of the shared program equals the one the optimizer's own rule
    (``optax.identity``, ``optax.trace``, ``optimizers.scale_by_adagrad`` or
    ``optax.scale_by_rms``, compiled alone) gives, bit for bit."""
    s, steps = surfaces.get(surface), 300
    length = limits.bucket(steps)
    h = run_inputs.make_hyper(alpha=0.0, steps=steps, **hyper)
    x0 = np.float32([s.start])
    shared = engine.each_run(s, name, length, h, [alpha], [0.0], x0, [0])
    size = engine.capacity(s, length)
    lrs = np.full((size, length), alpha, np.float32)
    noise = np.zeros((size, length, s.dim), np.float32)
    pad = np.zeros((size - 1, s.dim), np.float32)
    n = s.n_samples or 0  # the whole data set weighs each sample 1/n (feeds.feeder)
    own = engine.trajectory_fn(s, name, length)(
        h,
        np.int32(1),
        np.concatenate([x0, pad]),
        lrs,
        noise,
        np.full((size, length, n), np.float32(1) / np.float32(max(n, 1)), np.float32),
    )
    for got, want in zip(shared[:2] + shared[3:5], own[:4], strict=True):
        np.testing.assert_array_equal(got[0], np.asarray(want)[0], strict=True)
