"""What a trajectory program runs: one rule, ``heavy_ball``, for GD, momentum and
Nesterov, and one, ``running_square``, for Adagrad and RMSprop.

Each is its shared rule fed the numbers that make it that rule (``program``): beta (0 for
GD) and Nesterov's look-ahead, a select between two vectors, not a branch; Adagrad's or
RMSprop's weights of the running square and a select of its side. So a page racing the
three compiles one trajectory program where it compiled three, and a page racing Adagrad
and RMSprop one where it compiled two (each compile about 0.5-1 s of CPU on this 2-core
container), and each run is the one its own rule (``optax.identity``, ``optax.trace``,
``optimizers.scale_by_adagrad``, ``optax.scale_by_rms``) gives, bit for bit: the same
expressions, rounded alike (``running_square`` says how).

Adam and AdamW keep a program each. One ``adaptive`` program for Adagrad, RMSprop and
Adam (their running squares and steps computed side by side, the rule a select)
compiled no slower than Adam's, but it rounded differently: its selects changed how XLA
fused and contracted the step, and Adam's runs moved by float32 rounding on most
surfaces (37 of 49 against e50d915), which the lessons' quoted numbers and the
members-equal-``simulate`` tests' references would feel on chaotic runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
import optax

from optiviz.core import optimizers
from optiviz.core.optimizers import OptimizerParams


class HeavyBallParams(NamedTuple):
    """What ``heavy_ball`` is fed: beta (0 for GD), the look-ahead (1 for Nesterov, else
    0) and the coupled weight decay."""

    momentum: float
    look_ahead: float
    weight_decay: float


def heavy_ball(p: HeavyBallParams) -> optax.GradientTransformation:
    """v <- beta v + g; d = g + beta v_t (= v_{t+1}, heavy ball), or with the look-ahead
    d = g + beta v_{t+1} (Nesterov); at beta = 0, d = g (GD). The arithmetic of
    ``optax.trace`` (d = g + beta * v)."""

    def init(params):
        return optax.TraceState(trace=jnp.zeros_like(params))

    def update(g, state, params=None):
        v = g + p.momentum * state.trace
        carried = jnp.where(p.look_ahead > 0, v, state.trace)
        return g + p.momentum * carried, optax.TraceState(trace=v)

    return optax.GradientTransformation(init, update)


class RunningSquareParams(NamedTuple):
    """What ``running_square`` is fed: the old sum's weight a and the new square's b
    (Adagrad 1 and 1, RMSprop rho and 1 - rho), Adagrad's side (1 for Adagrad, else 0),
    eps and the coupled weight decay."""

    keep: float
    add: float
    adagrad: float
    eps: float
    weight_decay: float


def running_square(p: RunningSquareParams) -> optax.GradientTransformation:
    """Adagrad's side: G <- G + g^2, d = g / (sqrt(G) + eps) (``optimizers.adagrad``);
    RMSprop's: s <- a s + b g^2, d = (1 / (sqrt(s) + eps)) g (``optax.scale_by_rms``),
    s_0 = 0. Each side rounds as its own program does: XLA's CPU code contracts the
    sum's one product with a single use into an FMA, Adagrad's g g + G and RMSprop's
    a s + (b g^2), so the sum is u v + w with u, v and w selected (g, g, G or a, s,
    b g^2), and RMSprop's d is divided by 1 (exact) where Adagrad's divides by the
    denominator."""

    def init(params):
        return optimizers.AdagradState(jnp.zeros_like(params))

    def update(g, state, params=None):
        old, adagrad = state.sum_of_squares, p.adagrad > 0
        u, v = jnp.where(adagrad, g, p.keep), jnp.where(adagrad, g, old)
        s = u * v + jnp.where(adagrad, old, p.add * g**2)
        den = jnp.sqrt(s) + p.eps
        d = jnp.where(adagrad, g, 1 / den * g) / jnp.where(adagrad, den, 1)
        return d, optimizers.AdagradState(s)

    return optax.GradientTransformation(init, update)


RULES: dict[str, Callable] = {
    **optimizers.OPTIMIZERS,
    "heavy_ball": optimizers.coupled(heavy_ball),
    "running_square": optimizers.coupled(running_square),
}
"""What a step may run (``engine``): each optimizer's own rule, ``heavy_ball`` and
``running_square``."""


def _f32(value: float) -> np.float32:
    return np.float32(value)


FEEDS: dict[str, Callable[[OptimizerParams], tuple[str, NamedTuple]]] = {
    "sgd": lambda p: ("heavy_ball", HeavyBallParams(_f32(0), _f32(0), p.weight_decay)),
    "momentum": lambda p: ("heavy_ball", HeavyBallParams(p.momentum, _f32(0), p.weight_decay)),
    "nesterov": lambda p: ("heavy_ball", HeavyBallParams(p.momentum, _f32(1), p.weight_decay)),
    "adagrad": lambda p: (
        "running_square",
        RunningSquareParams(_f32(1), _f32(1), _f32(1), p.eps, p.weight_decay),
    ),
    "rmsprop": lambda p: (
        "running_square",
        RunningSquareParams(p.rho, _f32(1) - _f32(p.rho), _f32(0), p.eps, p.weight_decay),
    ),
}
"""The optimizers that share a rule: each one's rule and what it is fed, from its
hyperparameters."""


def program(name: str, p: OptimizerParams) -> tuple[str, NamedTuple]:
    """The rule of ``RULES`` whose program runs optimizer ``name``, and what it is fed:
    ``FEEDS``' for GD, momentum, Nesterov, Adagrad and RMSprop, the optimizer itself with
    ``p`` otherwise."""
    feed = FEEDS.get(name)
    return (name, p) if feed is None else feed(p)
