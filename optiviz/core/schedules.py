"""Learning-rate schedules: callables ``t -> alpha_t`` for t = 0, 1, ...

Every argument may be a traced JAX value, so moving alpha, k, the drop factor,
the interval or the staircase switch never recompiles. (``optax.exponential_decay``
needs ``transition_steps`` and ``staircase`` as Python values and branches on
``decay_rate``, so it cannot take slider values inside ``jit``; the tests check
these formulas against it.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

Schedule = Callable[[jnp.ndarray], jnp.ndarray]


class ScheduleParams(NamedTuple):
    """Schedule hyperparameters, any of which may be traced."""

    alpha: float
    k: float = 0.0
    drop: float = 0.5
    every: float = 10.0
    staircase: float = 0.0


def _held(t, every, staircase):
    """t, or every * floor(t / every) when staircase is on (Keras' staircase=True)."""
    return jnp.where(staircase > 0, every * jnp.floor(t / every), t)


def constant(p: ScheduleParams) -> Schedule:
    """alpha_t = alpha_0."""
    return lambda t: p.alpha * jnp.ones_like(jnp.asarray(t, jnp.float32))


def step(p: ScheduleParams) -> Schedule:
    """Step decay: alpha_t = alpha_0 * drop ** floor(t / every)."""
    return lambda t: p.alpha * p.drop ** jnp.floor(t / p.every)


def exponential(p: ScheduleParams) -> Schedule:
    """Exponential decay: alpha_t = alpha_0 * exp(-k t); t held per block if staircase."""
    return lambda t: p.alpha * jnp.exp(-p.k * _held(t, p.every, p.staircase))


def inverse_time(p: ScheduleParams) -> Schedule:
    """1/t decay: alpha_t = alpha_0 / (1 + k t); t held per block if staircase.

    Keras calls this InverseTimeDecay; optax has no equivalent.
    """
    return lambda t: p.alpha / (1.0 + p.k * _held(t, p.every, p.staircase))


SCHEDULES: dict[str, Callable[[ScheduleParams], Schedule]] = {
    "constant": constant,
    "step": step,
    "exponential": exponential,
    "inverse_time": inverse_time,
}
"""Registry: schedule name to constructor."""

LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "inverse_time": "1/t decay",
}

FORMULAS = {
    "constant": r"\alpha_t = \alpha_0",
    "step": r"\alpha_t = \alpha_0 \cdot \mathrm{drop}^{\lfloor t / \mathrm{every} \rfloor}",
    "exponential": r"\alpha_t = \alpha_0 \, e^{-k t}",
    "inverse_time": r"\alpha_t = \dfrac{\alpha_0}{1 + k t}",
}
"""The LaTeX of each schedule, exactly as implemented above."""

STAIRCASE_NOTE = r"t \;\to\; \mathrm{every}\cdot\lfloor t/\mathrm{every}\rfloor"

USES_K = frozenset({"exponential", "inverse_time"})


def index(name: str) -> int:
    """Position of ``name`` in the registry; raises ``ValueError`` for unknown names."""
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}: choose one of {', '.join(SCHEDULES)}")
    return list(SCHEDULES).index(name)


def evaluate(kind: jnp.ndarray, p: ScheduleParams, t: jnp.ndarray) -> jnp.ndarray:
    """alpha_t for the schedule at registry position ``kind`` (may be traced).

    A ``lax.switch``: when ``kind`` is shared by a whole vmapped batch only the
    chosen schedule is computed; a batched ``kind`` evaluates all of them.
    """
    branches = [
        lambda t, make=make: jnp.asarray(make(p)(t), jnp.float32) for make in SCHEDULES.values()
    ]
    return jax.lax.switch(kind, branches, t)
