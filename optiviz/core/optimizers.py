"""Update rules, in PyTorch's conventions, built from optax transformations.

Each constructor returns an ``optax.GradientTransformation`` whose update is the
*direction* d_t; the engine then moves x <- x - alpha_t * d_t, so the schedule
stays a traced value. The formulas in ``FORMULAS`` are exactly these rules.

Weight decay lambda follows PyTorch: every rule but AdamW reads the coupled
gradient g_t = grad L(x_t) + lambda x_t (L2 regularisation, torch's
``weight_decay``); AdamW decays the weights outside its adaptive rule,
d_t = m_hat / (sqrt(v_hat) + eps) + lambda x_t, as ``torch.optim.AdamW`` does.
Both use ``optax.add_decayed_weights``. The loss the app reports is L alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax.numpy as jnp
import optax


class OptimizerParams(NamedTuple):
    """Optimizer hyperparameters (PyTorch defaults), any of which may be traced."""

    momentum: float = 0.9
    rho: float = 0.99
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0


class AdagradState(NamedTuple):
    sum_of_squares: optax.Updates


def scale_by_adagrad(eps: float) -> optax.GradientTransformation:
    """Adagrad as in torch.optim.Adagrad: G <- G + g^2 (G_0 = 0); d = g / (sqrt(G) + eps).

    optax.adagrad puts eps inside the square root and starts G at 0.1.
    """

    def init(params):
        return AdagradState(jnp.zeros_like(params))

    def update(g, state, params=None):
        total = state.sum_of_squares + g * g
        return g / (jnp.sqrt(total) + eps), AdagradState(total)

    return optax.GradientTransformation(init, update)


def coupled(
    rule: Callable[[OptimizerParams], optax.GradientTransformation],
) -> Callable[[OptimizerParams], optax.GradientTransformation]:
    """``rule`` fed the coupled gradient g + lambda x (torch's ``weight_decay``)."""

    def build(p: OptimizerParams) -> optax.GradientTransformation:
        return optax.chain(optax.add_decayed_weights(p.weight_decay), rule(p))

    build.__doc__ = f"g <- g + lambda x; then {rule.__doc__}"
    return build


def sgd(p: OptimizerParams) -> optax.GradientTransformation:
    """d = g."""
    return optax.identity()


def momentum(p: OptimizerParams) -> optax.GradientTransformation:
    """v <- beta v + g; d = v (heavy ball, torch dampening=0)."""
    return optax.trace(decay=p.momentum)


def nesterov(p: OptimizerParams) -> optax.GradientTransformation:
    """v <- beta v + g; d = g + beta v (torch nesterov=True)."""
    return optax.trace(decay=p.momentum, nesterov=True)


def adagrad(p: OptimizerParams) -> optax.GradientTransformation:
    """G <- G + g^2; d = g / (sqrt(G) + eps)."""
    return scale_by_adagrad(p.eps)


def rmsprop(p: OptimizerParams) -> optax.GradientTransformation:
    """s <- rho s + (1 - rho) g^2 (s_0 = 0); d = g / (sqrt(s) + eps)."""
    return optax.scale_by_rms(decay=p.rho, eps=p.eps, initial_scale=0.0, eps_in_sqrt=False)


def adam(p: OptimizerParams) -> optax.GradientTransformation:
    """Kingma & Ba: m, v moving averages; d = m_hat / (sqrt(v_hat) + eps)."""
    return optax.scale_by_adam(b1=p.beta1, b2=p.beta2, eps=p.eps, eps_root=0.0)


def adamw(p: OptimizerParams) -> optax.GradientTransformation:
    """Loshchilov & Hutter: d = m_hat / (sqrt(v_hat) + eps) + lambda x (decoupled decay)."""
    return optax.chain(
        optax.scale_by_adam(b1=p.beta1, b2=p.beta2, eps=p.eps, eps_root=0.0),
        optax.add_decayed_weights(p.weight_decay),
    )


OPTIMIZERS: dict[str, Callable[[OptimizerParams], optax.GradientTransformation]] = {
    "sgd": coupled(sgd),
    "momentum": coupled(momentum),
    "nesterov": coupled(nesterov),
    "adagrad": coupled(adagrad),
    "rmsprop": coupled(rmsprop),
    "adam": coupled(adam),
    "adamw": adamw,
}
"""Registry: optimizer name to constructor."""


LABELS = {
    "sgd": "Gradient descent",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}

HYPERPARAMS: dict[str, tuple[str, ...]] = {
    "sgd": ("weight_decay",),
    "momentum": ("momentum", "weight_decay"),
    "nesterov": ("momentum", "weight_decay"),
    "adagrad": ("eps", "weight_decay"),
    "rmsprop": ("rho", "eps", "weight_decay"),
    "adam": ("beta1", "beta2", "eps", "weight_decay"),
    "adamw": ("beta1", "beta2", "eps", "weight_decay"),
}
"""Which hyperparameters each rule reads."""

DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8, "adamw": 1e-8}
"""PyTorch's default eps per optimizer."""

FORMULAS = {
    "sgd": r"x_{t+1} = x_t - \alpha_t\, g_t",
    "momentum": r"v_{t+1} = \beta v_t + g_t,\quad x_{t+1} = x_t - \alpha_t\, v_{t+1}",
    "nesterov": r"v_{t+1} = \beta v_t + g_t,\quad x_{t+1} = x_t - \alpha_t\,(g_t + \beta v_{t+1})",
    "adagrad": r"G_{t+1} = G_t + g_t^2,\quad x_{t+1} = x_t - \alpha_t\,"
    r"\frac{g_t}{\sqrt{G_{t+1}} + \varepsilon}",
    "rmsprop": r"s_{t+1} = \rho s_t + (1-\rho) g_t^2,\quad x_{t+1} = x_t - \alpha_t\,"
    r"\frac{g_t}{\sqrt{s_{t+1}} + \varepsilon}",
    # Two lines (gathered): in one, the rule ran past the page's right edge.
    "adam": r"\begin{gathered}m_{t+1} = \beta_1 m_t + (1-\beta_1) g_t,\;"
    r"v_{t+1} = \beta_2 v_t + (1-\beta_2) g_t^2,\\"
    r"\hat m = \frac{m_{t+1}}{1-\beta_1^{t+1}},\; \hat v = \frac{v_{t+1}}{1-\beta_2^{t+1}},\;"
    r"x_{t+1} = x_t - \alpha_t \frac{\hat m}{\sqrt{\hat v} + \varepsilon}\end{gathered}",
    "adamw": r"m, v, \hat m, \hat v \text{ as Adam},\;"
    r"x_{t+1} = x_t - \alpha_t \left(\frac{\hat m}{\sqrt{\hat v} + \varepsilon}"
    r" + \lambda x_t\right)",
}
"""The LaTeX of each rule, exactly as implemented above (v_0 = G_0 = s_0 = m_0 = 0)."""

COUPLED_DECAY = r"g_t = \nabla L(x_t) + \lambda x_t"
"""The gradient every rule but AdamW reads when weight decay lambda > 0 (torch's L2)."""

DECAY_NOTE = COUPLED_DECAY + r"\text{ (AdamW: decoupled, as in its rule; the loss shown is } L)"
"""How lambda enters every rule, as the formulas panel states it."""

PENALTY_NOTE = (
    "With weight decay λ > 0 every loss shown is the data loss alone, without the "
    "penalty λ|x|²/2 that the decay adds to what the optimizer minimises."
)
"""The sentence shown wherever a loss is drawn while lambda > 0."""


def get(name: str) -> Callable[[OptimizerParams], optax.GradientTransformation]:
    """The constructor for ``name``; raises ``ValueError`` for unknown names."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name]
