"""Weight decay lambda: zero changes nothing, and moving it never recompiles.

``data/runs_before_weight_decay.npz`` holds runs recorded by :func:`record` at
commit e6e8f5d (the engine after the sweep rework, before weight decay existed:
``python tests/test_weight_decay.py PATH`` in a checkout of that commit). With
lambda = 0 today's engine must give those positions bit for bit (Adam: to float32
rounding, see ROUNDED); the match with torch lives in test_optimizers.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, optimizers, surfaces

RECORDED = Path(__file__).parent / "data" / "runs_before_weight_decay.npz"
CASES = {
    "rosenbrock": {"schedule": "exponential", "k": 0.02, "start": (-1.2, 1.0), "momentum": 0.8},
    "linear_regression": {"schedule": "constant", "batch_size": 8, "noise": 0.1, "seed": 3},
}
ALPHAS = {"sgd": 1e-3, "momentum": 5e-4, "nesterov": 5e-4, "adagrad": 0.3, "rmsprop": 0.005}
ALPHAS["adam"] = 0.05
RECORDED_OPTIMIZERS = tuple(ALPHAS)
ROUNDED = frozenset({"adam"})
"""Rules whose compiled program XLA fuses differently once the (zero) decay is chained in:
their runs agree to float32 rounding (under 1e-6), the others bit for bit."""


def _alpha(surface: str, name: str) -> float:
    plain = name in ("sgd", "momentum", "nesterov")
    return ALPHAS[name] * (20 if surface == "linear_regression" and plain else 1)


def record(path: str) -> None:
    """Write the recorded runs (to be run against the commit before weight decay)."""
    out = {
        f"{surface}/{name}": optiviz.simulate(
            surface, name, alpha=_alpha(surface, name), steps=60, **kw
        ).positions
        for surface, kw in CASES.items()
        for name in RECORDED_OPTIMIZERS
    }
    np.savez_compressed(path, **out)


@pytest.mark.parametrize("name", RECORDED_OPTIMIZERS)
@pytest.mark.parametrize("surface", list(CASES))
def test_zero_weight_decay_gives_exactly_the_runs_from_before_it_existed(
    surface: str, name: str
) -> None:
    recorded = np.load(RECORDED)[f"{surface}/{name}"]
    kw = CASES[surface]
    run = optiviz.simulate(
        surface, name, alpha=_alpha(surface, name), steps=60, weight_decay=0.0, **kw
    )
    assert np.linalg.norm(recorded[-1] - recorded[0]) > 1e-2
    if name in ROUNDED:
        np.testing.assert_allclose(run.positions, recorded, rtol=2e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(run.positions, recorded)


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_moving_lambda_never_recompiles(name: str) -> None:
    surface = surfaces.polynomial_regression(4, seed=101)  # a fresh key of every compiled cache
    finals, traces = set(), []
    for decay in (0.0, 1e-3, 0.1, 1.0):
        run = optiviz.simulate(surface, name, alpha=0.01, steps=50, weight_decay=decay)
        finals.add(round(float(np.sum(run.positions[-1] ** 2)), 6))
        traces.append(engine.TRACES["trajectory"])
    assert traces[1:] == traces[:1] * 3  # compiled (or shared, programs.FEEDS) at most once
    assert len(finals) == 4  # each lambda moved the run somewhere else


def test_weight_decay_pulls_the_weights_towards_zero_and_losses_exclude_the_penalty() -> None:
    """GD on L + lambda |x|^2 / 2 for the quadratic L = (x^2 + 20 y^2) / 2 has the closed
    form x_t = (1 - alpha (1 + lambda))^t x_0; the reported loss is L(x_t) alone."""
    alpha, decay, steps = 0.01, 0.5, 40
    run = optiviz.simulate(
        "quadratic", "sgd", alpha=alpha, start=(2.0, 0.0), steps=steps, weight_decay=decay
    )
    x = 2.0 * (1 - alpha * (1 + decay)) ** np.arange(steps + 1)
    np.testing.assert_allclose(run.positions[:, 0], x, rtol=1e-5)
    np.testing.assert_allclose(run.losses, 0.5 * x**2, rtol=1e-5)


def test_negative_or_unknown_decay_is_refused() -> None:
    with pytest.raises(ValueError, match="weight_decay"):
        optiviz.simulate("quadratic", "sgd", alpha=0.01, weight_decay=-0.1)
    with pytest.raises(ValueError, match="weight_decay"):
        optiviz.simulate("quadratic", "sgd", alpha=0.01, weight_decay=float("nan"))


if __name__ == "__main__":
    record(sys.argv[1])
