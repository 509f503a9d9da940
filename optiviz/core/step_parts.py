"""Inside a step: what each step of a run is made of, as vectors on the map.

For step t of a run with learning rate alpha_t and the gradient g_t the rule reads
(coupled weight decay included: g_t = grad L(x_t) + lambda x_t, except for AdamW):

- the gradient step -alpha_t g_t: where plain gradient descent would go;
- the momentum term, for heavy ball -alpha_t beta v_t (v_{t+1} = beta v_t + g_t, v_0 = 0)
  and for Nesterov -alpha_t beta v_{t+1}: what the carried speed adds;
- the actual step x_{t+1} - x_t, which for GD and momentum is the sum of the two;
- for Adagrad, RMSprop, Adam and AdamW, the effective rate of each coordinate
  alpha_t / (sqrt(s_t) + eps), s_t the rule's running square (Adagrad's sum G_{t+1},
  RMSprop's average s_{t+1}, Adam's bias-corrected v_hat): the step is that rate times
  the rule's direction (g_t, or Adam's m_hat).

The recurrences are those of ``optimizers.FORMULAS``, re-run in NumPy over the run's own
gradients, so nothing recompiles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optiviz.core import optimizers
from optiviz.core.dynamics import Trajectory

DECOUPLED = frozenset({"adamw"})
"""Rules that decay the weights outside their rule, so their gradient is grad L alone."""


class StepParts(NamedTuple):
    """Per step t (rows 0..T-1, columns the parameters): ``gradient_step`` -alpha_t g_t,
    ``momentum`` (None for rules without one), ``step`` x_{t+1} - x_t, and
    ``effective_rate`` alpha_t / (sqrt(s_t) + eps) (None for GD and momentum)."""

    gradient_step: np.ndarray
    momentum: np.ndarray | None
    step: np.ndarray
    effective_rate: np.ndarray | None


def _params(optimizer: str, hyper: dict) -> optimizers.OptimizerParams:
    known = {k: float(v) for k, v in hyper.items() if k in optimizers.OptimizerParams._fields}
    known.setdefault("eps", optimizers.DEFAULT_EPS.get(optimizer, 1e-8))
    return optimizers.OptimizerParams(**known)


def _velocities(g: np.ndarray, beta: float) -> np.ndarray:
    """v_t for t = 0..T along axis -2 (v_0 = 0, v_{t+1} = beta v_t + g_t)."""
    shape = list(g.shape)
    shape[-2] += 1
    v = np.zeros(shape)
    for t in range(g.shape[-2]):
        v[..., t + 1, :] = beta * v[..., t, :] + g[..., t, :]
    return v


def _running(g: np.ndarray, keep: float, new: float) -> np.ndarray:
    """s_{t+1} = keep s_t + new g_t^2 (s_0 = 0), for t = 0..T-1 along axis -2."""
    s, out = np.zeros(g.shape[:-2] + g.shape[-1:]), np.empty_like(g)
    for t in range(g.shape[-2]):
        s = keep * s + new * g[..., t, :] ** 2
        out[..., t, :] = s
    return out


def _adam_square(g: np.ndarray, p: optimizers.OptimizerParams) -> np.ndarray:
    """v_hat_{t+1} = v_{t+1} / (1 - beta2^(t+1))."""
    t = np.arange(1, g.shape[-2] + 1)[:, None]
    return _running(g, p.beta2, 1.0 - p.beta2) / (1.0 - p.beta2**t)


SQUARES: dict[str, Callable[[np.ndarray, optimizers.OptimizerParams], np.ndarray]] = {
    "adagrad": lambda g, p: _running(g, 1.0, 1.0),
    "rmsprop": lambda g, p: _running(g, p.rho, 1.0 - p.rho),
    "adam": _adam_square,
    "adamw": _adam_square,
}
"""Each adaptive rule's running square s_t, from its gradients."""


def _momentum(optimizer: str, g: np.ndarray, lrs: np.ndarray, beta: float) -> np.ndarray | None:
    if optimizer not in ("momentum", "nesterov"):
        return None
    v = _velocities(g, beta)
    carried = v[..., :-1, :] if optimizer == "momentum" else v[..., 1:, :]
    return -lrs[..., None] * beta * carried


def parts_of(optimizer: str, positions, lrs, grads, **hyper) -> StepParts:
    """``step_parts`` on arrays, each with any leading axes (a family's members):
    ``positions`` (..., T + 1, dim), ``lrs`` (..., T) and ``grads`` (..., T, dim), the
    gradients the rule was fed (noise included, weight decay not)."""
    optimizers.get(optimizer)
    p = _params(optimizer, hyper)
    x = np.asarray(positions, np.float64)
    lrs = np.asarray(lrs, np.float64)
    g = np.asarray(grads, np.float64).reshape(lrs.shape + x.shape[-1:])
    if optimizer not in DECOUPLED:
        g = g + p.weight_decay * x[..., :-1, :]
    square = SQUARES.get(optimizer)
    rate = None if square is None else lrs[..., None] / (np.sqrt(square(g, p)) + p.eps)
    step = np.diff(x, axis=-2)
    return StepParts(-lrs[..., None] * g, _momentum(optimizer, g, lrs, p.momentum), step, rate)


def step_parts(trajectory: Trajectory, **hyper) -> StepParts:
    """The parts of every step of ``trajectory`` (see the module's docstring); ``hyper``
    holds the run's ``simulate`` keywords (momentum, rho, beta2, eps, weight_decay; the
    others are ignored, and missing ones take the engine's defaults)."""
    tr = trajectory
    return parts_of(tr.optimizer, tr.positions, tr.lrs, tr.grads, **hyper)
