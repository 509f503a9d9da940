"""Every optimizer x schedule against torch.optim + LambdaLR on Rosenbrock, step for step.

Our runs are float32; the reference is torch in float64, so the 1e-4 relative
tolerance measures our rounding, not torch's. The learning rates keep every
run well conditioned: RMSprop at alpha = 0.02 bounces across the valley and
amplifies rounding so much that torch float32 and float64 differ by 20%, so it
runs at 0.005 here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import optiviz
from optiviz.core import optimizers, schedules

STEPS = 80
START = (-1.2, 1.0)
HYPER = {"momentum": 0.8, "rho": 0.9, "beta1": 0.85, "beta2": 0.99}
ALPHAS = {
    "sgd": 1e-3,
    "momentum": 5e-4,
    "nesterov": 5e-4,
    "adagrad": 0.3,
    "rmsprop": 0.005,
    "adam": 0.05,
    "adamw": 0.05,
}
SCHEDULES = {
    "constant": ("constant", {}),
    "step": ("step", {"drop": 0.5, "every": 20}),
    "exponential": ("exponential", {"k": 0.02}),
    "exponential staircase": ("exponential", {"k": 0.03, "staircase": True, "every": 10}),
    "inverse_time": ("inverse_time", {"k": 0.05}),
    "inverse_time staircase": ("inverse_time", {"k": 0.1, "staircase": True, "every": 8}),
}


def multiplier(kind: str, k=0.0, drop=0.5, every=10, staircase=False) -> Callable[[int], float]:
    """alpha_t / alpha_0 for LambdaLR, written independently of optiviz.core.schedules."""

    def held(t: int) -> float:
        return every * math.floor(t / every) if staircase else t

    return {
        "constant": lambda t: 1.0,
        "step": lambda t: drop ** math.floor(t / every),
        "exponential": lambda t: math.exp(-k * held(t)),
        "inverse_time": lambda t: 1.0 / (1.0 + k * held(t)),
    }[kind]


def _torch():
    """torch, imported by the first test that compares with it (2 s of CPU): a
    pytest-xdist worker given none of them never imports it."""
    return pytest.importorskip("torch")


def torch_optimizer(name: str, params: list, alpha: float, eps: float, decay: float = 0.0):
    """The torch.optim counterpart of each rule, with our hyperparameters."""
    torch = _torch()
    beta, betas = HYPER["momentum"], (HYPER["beta1"], HYPER["beta2"])
    wd = {"weight_decay": decay}
    make = {
        "sgd": lambda: torch.optim.SGD(params, lr=alpha, **wd),
        "momentum": lambda: torch.optim.SGD(params, lr=alpha, momentum=beta, **wd),
        "nesterov": lambda: torch.optim.SGD(params, lr=alpha, momentum=beta, nesterov=True, **wd),
        "adagrad": lambda: torch.optim.Adagrad(
            params, lr=alpha, eps=eps, initial_accumulator_value=0.0, **wd
        ),
        "rmsprop": lambda: torch.optim.RMSprop(params, lr=alpha, alpha=HYPER["rho"], eps=eps, **wd),
        "adam": lambda: torch.optim.Adam(params, lr=alpha, betas=betas, eps=eps, **wd),
        "adamw": lambda: torch.optim.AdamW(params, lr=alpha, betas=betas, eps=eps, **wd),
    }
    return make[name]()


def torch_positions(
    name: str, kind: str, params: dict, eps: float, start=START, alpha=None, decay=0.0
) -> np.ndarray:
    """Positions x_0..x_STEPS of torch's run, float64, one scheduler step per optimizer step."""
    torch = _torch()
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(name, [p], alpha or ALPHAS[name], eps, decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, multiplier(kind, **params))
    out = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
        loss.backward()
        opt.step()
        sched.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def test_cases_cover_every_optimizer_and_schedule() -> None:
    assert set(ALPHAS) == set(optimizers.OPTIMIZERS)
    assert {kind for kind, _ in SCHEDULES.values()} == set(schedules.SCHEDULES)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("name", list(ALPHAS))
def test_matches_torch(name: str, schedule: str) -> None:
    kind, params = SCHEDULES[schedule]
    eps = optimizers.DEFAULT_EPS.get(name, 1e-8)
    k = params.get("k", 0.0)
    rest = {key: v for key, v in params.items() if key != "k"}
    run = optiviz.simulate(
        "rosenbrock",
        name,
        alpha=ALPHAS[name],
        schedule=kind,
        k=k,
        start=START,
        steps=STEPS,
        eps=eps,
        **HYPER,
        **rest,
    )
    reference = torch_positions(name, kind, params, eps)
    assert run.diverged_at is None
    assert np.linalg.norm(reference[-1] - reference[0]) > 0.1  # a run that goes somewhere
    np.testing.assert_allclose(run.positions, reference, rtol=1e-4, atol=0)


ADAPTIVE = ["adagrad", "rmsprop", "adam", "adamw"]
NEAR = (0.9, 0.8)  # gradients of order 1, so an eps of 0.1 weighs against sqrt(s)


@pytest.mark.parametrize("name", ADAPTIVE)
def test_eps_placement_and_zero_start_match_torch(name: str) -> None:
    """With eps = 0.1 near the minimum, eps inside the root (optax's eps_in_sqrt or
    eps_root) or G_0 = 0.1 (optax.adagrad) moves the path by far more than 1e-4."""
    alpha, eps = 0.01, 0.1
    run = optiviz.simulate(
        "rosenbrock", name, alpha=alpha, start=NEAR, steps=STEPS, eps=eps, **HYPER
    )
    reference = torch_positions(name, "constant", {}, eps, start=NEAR, alpha=alpha)
    assert np.linalg.norm(reference[-1] - reference[0]) > 0.01
    np.testing.assert_allclose(run.positions, reference, rtol=1e-4, atol=0)


DECAYS = {"sgd": 2.0, "momentum": 2.0, "nesterov": 2.0, "adagrad": 1.0, "rmsprop": 1.0}
DECAYS |= {"adam": 1.0, "adamw": 0.5}
"""lambda per rule: large enough on Rosenbrock to move the path far past the tolerance."""


@pytest.mark.parametrize("schedule", ["constant", "exponential"])
@pytest.mark.parametrize("name", list(ALPHAS))
def test_weight_decay_matches_torch(name: str, schedule: str) -> None:
    """Coupled L2 (torch's weight_decay) for every rule but AdamW, decoupled for AdamW."""
    kind, params = SCHEDULES[schedule]
    eps, decay = optimizers.DEFAULT_EPS.get(name, 1e-8), DECAYS[name]
    common = {"schedule": kind, "start": START, "steps": STEPS, "eps": eps, **HYPER, **params}
    run = optiviz.simulate("rosenbrock", name, alpha=ALPHAS[name], weight_decay=decay, **common)
    plain = optiviz.simulate("rosenbrock", name, alpha=ALPHAS[name], **common)
    reference = torch_positions(name, kind, params, eps, decay=decay)
    assert run.diverged_at is None
    assert np.max(np.abs(reference - plain.positions)) > 1e-2  # the decay matters here
    np.testing.assert_allclose(run.positions, reference, rtol=1e-4, atol=0)


def test_adamw_is_adam_when_lambda_is_zero_and_differs_from_coupled_adam() -> None:
    common = {"alpha": 0.05, "start": START, "steps": STEPS}
    adam, adamw = (optiviz.simulate("rosenbrock", n, **common) for n in ("adam", "adamw"))
    # Two compiled programs (AdamW adds lambda x after the rule): equal to float32 rounding.
    np.testing.assert_allclose(adamw.positions, adam.positions, rtol=2e-6, atol=1e-6)
    coupled, decoupled = (
        optiviz.simulate("rosenbrock", n, weight_decay=1.0, **common) for n in ("adam", "adamw")
    )
    assert np.max(np.abs(coupled.positions - decoupled.positions)) > 1e-2
