"""Each schedule's alpha_t, as ``simulate`` reports it, against its formula and optax."""

from __future__ import annotations

import math

import numpy as np
import optax
import pytest

import optiviz
from optiviz.core import schedules

ALPHA, STEPS = 0.01, 60
T = np.arange(STEPS)
RTOL = 2e-6  # alpha_t is computed in float32


def expected(name: str, k: float = 0.0, drop: float = 0.5, every: int = 10, stair: bool = False):
    """alpha_t for t = 0..STEPS-1 from the formulas in issue 2, in float64."""
    t = every * np.floor(T / every) if stair else T
    formulas = {
        "constant": ALPHA * np.ones(STEPS),
        "step": ALPHA * drop ** np.floor(T / every),
        "exponential": ALPHA * np.exp(-k * t),
        "inverse_time": ALPHA / (1 + k * t),
    }
    return formulas[name]


def lrs(schedule: str, k: float = 0.0, **hyper) -> np.ndarray:
    run = optiviz.simulate(
        "parabola", "sgd", alpha=ALPHA, schedule=schedule, k=k, steps=STEPS, **hyper
    )
    assert run.lrs.shape == (STEPS,)
    return run.lrs


CASES = [
    ("constant", {}),
    ("step", {"drop": 0.5, "every": 10}),
    ("step", {"drop": 0.8, "every": 7}),
    ("exponential", {"k": 0.05}),
    ("inverse_time", {"k": 0.3}),
]


def test_cases_cover_every_schedule() -> None:
    assert {name for name, _ in CASES} == set(schedules.SCHEDULES)


@pytest.mark.parametrize(("name", "params"), CASES)
def test_lrs_equal_formula(name: str, params: dict) -> None:
    k = params.get("k", 0.0)
    hyper = {key: v for key, v in params.items() if key != "k"}
    got = lrs(name, k=k, **hyper)
    np.testing.assert_allclose(got, expected(name, **params), rtol=RTOL)
    assert got[0] == pytest.approx(ALPHA, rel=1e-7)


@pytest.mark.parametrize("name", ["exponential", "inverse_time"])
@pytest.mark.parametrize("every", [4, 10])
def test_staircase_holds_alpha_per_block(name: str, every: int) -> None:
    got = lrs(name, k=0.1, staircase=True, every=every)
    np.testing.assert_allclose(got, expected(name, k=0.1, every=every, stair=True), rtol=RTOL)
    blocks = got.reshape(-1, every)  # every divides STEPS
    assert np.all(blocks == blocks[:, :1])
    assert np.all(np.diff(blocks[:, 0]) < 0)


@pytest.mark.parametrize("name", ["exponential", "inverse_time"])
def test_staircase_off_is_continuous(name: str) -> None:
    got = lrs(name, k=0.1, staircase=False, every=10)
    assert np.all(np.diff(got) < 0)


@pytest.mark.parametrize(("staircase", "every"), [(False, 1), (True, 5), (True, 12)])
def test_exponential_matches_optax(staircase: bool, every: int) -> None:
    k = 0.07
    reference = optax.exponential_decay(
        init_value=ALPHA,
        transition_steps=every,
        decay_rate=math.exp(-k * every),
        staircase=staircase,
    )
    want = np.array([float(reference(t)) for t in T])
    got = lrs("exponential", k=k, staircase=staircase, every=every)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_unknown_schedule_raises() -> None:
    with pytest.raises(ValueError, match="unknown schedule"):
        optiviz.simulate("parabola", "sgd", alpha=0.1, schedule="cosine", steps=5)
