"""The shared rule (``programs.heavy_ball``): GD, momentum and Nesterov compile one
trajectory program, and each run is its own rule's, bit for bit."""

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


@pytest.mark.parametrize("name", sorted(programs.FEEDS))
@pytest.mark.parametrize(
    ("surface", "alpha", "hyper"),
    [
        ("staircase", 0.055, {}),
        ("staircase", 2.8, {"momentum": 0.5, "weight_decay": 0.05}),
        ("rosenbrock", 0.0042, {}),  # chaotic for GD: a last bit differing grows into a path
    ],
)
def test_the_shared_program_is_each_rules_own_bit_for_bit(
    name: str, surface: str, alpha: float, hyper: dict
) -> None:
    """Every array of a run of the shared program equals the one the optimizer's own rule
    (``optax.identity`` or ``optax.trace``, compiled alone) gives, bit for bit."""
    s, steps = surfaces.get(surface), 300
    length = limits.bucket(steps)
    h = run_inputs.make_hyper(alpha=0.0, steps=steps, **hyper)
    x0 = np.float32([s.start])
    shared = engine.each_run(s, name, length, h, [alpha], [0.0], x0, [0])
    size = engine.capacity(s, length)
    lrs = np.full((size, length), alpha, np.float32)
    noise = np.zeros((size, length, s.dim), np.float32)
    pad = np.zeros((size - 1, s.dim), np.float32)
    own = engine.trajectory_fn(s, name, length)(
        h,
        np.int32(1),
        np.concatenate([x0, pad]),
        lrs,
        noise,
        np.zeros((size, length, 0), np.float32),
    )
    for got, want in zip(shared[:2] + shared[3:5], own[:4], strict=True):
        np.testing.assert_array_equal(got[0], np.asarray(want)[0], strict=True)
