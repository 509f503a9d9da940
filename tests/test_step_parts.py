"""Inside a step: the parts of a step against hand computations and the engine's own steps."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core.step_parts import step_parts


def _run(optimizer: str, alpha: float, steps: int = 2, **hyper) -> optiviz.Trajectory:
    return optiviz.simulate(
        "quadratic", optimizer, alpha=alpha, start=[1.0, 1.0], steps=steps, **hyper
    )


def test_heavy_ball_by_hand() -> None:
    """f = (x^2 + 20 y^2)/2 from (1, 1), alpha 0.1, beta 0.5: g0 = (1, 20), x1 = (0.9, -1),
    g1 = (0.9, -20), v1 = g0, so step 1's momentum term is -0.1 * 0.5 * (1, 20)."""
    parts = step_parts(_run("momentum", 0.1, momentum=0.5), momentum=0.5)
    np.testing.assert_allclose(parts.gradient_step, [[-0.1, -2.0], [-0.09, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(parts.momentum, [[0.0, 0.0], [-0.05, -1.0]], atol=1e-7)
    np.testing.assert_allclose(parts.step, [[-0.1, -2.0], [-0.14, 1.0]], rtol=1e-5, atol=1e-6)
    assert parts.effective_rate is None


def test_nesterov_by_hand() -> None:
    """v1 = g0 = (1, 20), d0 = g0 + beta v1 = (1.5, 30): the momentum term is -alpha beta v1."""
    parts = step_parts(_run("nesterov", 0.1, steps=1, momentum=0.5), momentum=0.5)
    np.testing.assert_allclose(parts.momentum, [[-0.05, -1.0]], rtol=1e-6)
    np.testing.assert_allclose(parts.step, [[-0.15, -3.0]], rtol=1e-5)


def test_adams_effective_rate_by_hand() -> None:
    """Step 0: v_hat = g0^2, so the rate is alpha / |g0| = (0.1, 0.005). Step 1 from
    x1 = (0.9, 0.9), g1 = (0.9, 18): v_hat = (0.999 * 0.001 g0^2 + 0.001 g1^2) / (1 - 0.999^2)."""
    parts = step_parts(_run("adam", 0.1))
    g0, g1 = np.array([1.0, 20.0]), np.array([0.9, 18.0])
    v_hat = (0.999 * 0.001 * g0**2 + 0.001 * g1**2) / (1 - 0.999**2)
    np.testing.assert_allclose(parts.effective_rate[0], [0.1, 0.005], rtol=1e-5)
    np.testing.assert_allclose(parts.effective_rate[1], 0.1 / np.sqrt(v_hat), rtol=1e-5)
    np.testing.assert_allclose(parts.step[0], [-0.1, -0.1], rtol=1e-5)
    assert parts.momentum is None


def test_adagrad_and_rmsprop_rates_by_hand() -> None:
    g0 = np.array([1.0, 20.0])
    adagrad = step_parts(_run("adagrad", 0.1, steps=1))
    np.testing.assert_allclose(adagrad.effective_rate[0], 0.1 / g0, rtol=1e-5)
    rms = step_parts(_run("rmsprop", 0.1, steps=1, rho=0.9), rho=0.9)
    np.testing.assert_allclose(rms.effective_rate[0], 0.1 / np.sqrt(0.1 * g0**2), rtol=1e-5)
    np.testing.assert_allclose(rms.step[0], -rms.effective_rate[0] * g0, rtol=1e-5)


def test_coupled_weight_decay_is_part_of_the_gradient_step() -> None:
    parts = step_parts(_run("sgd", 0.05, steps=1, weight_decay=2.0), weight_decay=2.0)
    np.testing.assert_allclose(parts.gradient_step[0], [-0.05 * 3.0, -0.05 * 22.0], rtol=1e-6)
    np.testing.assert_allclose(parts.step, parts.gradient_step, rtol=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_the_parts_add_up_to_the_engines_steps(optimizer: str) -> None:
    run = optiviz.simulate("rosenbrock", optimizer, alpha=0.0005, steps=300, momentum=0.8)
    parts = step_parts(run, momentum=0.8)
    carried = 0.0 if parts.momentum is None else parts.momentum
    scale = np.abs(parts.step).max()
    np.testing.assert_allclose(parts.gradient_step + carried, parts.step, atol=1e-4 * scale)


def test_adams_rate_times_its_direction_is_its_step() -> None:
    """The step is -rate * m_hat, m_hat the bias-corrected average of the gradients."""
    run = optiviz.simulate("rosenbrock", "adam", alpha=0.01, steps=200)
    parts = step_parts(run)
    g = run.grads
    m, m_hat = np.zeros(2), []
    for t, gt in enumerate(g):
        m = 0.9 * m + 0.1 * gt
        m_hat.append(m / (1 - 0.9 ** (t + 1)))
    np.testing.assert_allclose(-parts.effective_rate * np.array(m_hat), parts.step, atol=2e-5)
