"""Why a step is too large: the learning rate beyond which a step overshoots.

Near a minimum x*, one gradient-descent step maps the error e = x - x* to (I - alpha H) e,
so along the Hessian's eigenvector of largest eigenvalue lambda_max it multiplies by
(1 - alpha lambda_max). The error shrinks only while |1 - alpha lambda_max| < 1, that is
for alpha < 2 / lambda_max. Heavy-ball momentum beta moves the line to
2 (1 + beta) / lambda_max and Nesterov's rule to (2 + 2 beta) / ((1 + 2 beta) lambda_max)
(the Jury conditions of each rule's 2 x 2 update matrix on one eigenvalue). Coupled weight
decay lambda_wd adds lambda_wd I to the Hessian the rule sees.

``sharpness`` is lambda_max(H(x)) at many positions: the full Hessian (``jax.hessian``,
vmapped) up to ``FULL_HESSIAN_MAX_DIM`` parameters, Lanczos on Hessian-vector products
beyond. Positions are padded to whole ``CHUNK``s, so one compiled function per surface
serves every path and point (``TRACES`` counts the compilations). Cohen et al.,
"Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability" (ICLR 2021)
plot this sharpness along training against 2 / alpha.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import limits, optimizers, rowwise
from optiviz.core.dynamics import HYPER_KEYS
from optiviz.core.surfaces import Surface, get

TRACES: Counter = Counter()
"""How many times the curvature function of a surface has been traced (for tests)."""

FULL_HESSIAN_MAX_DIM = 32
"""Up to this many parameters the Hessian is formed in full; beyond it, Lanczos."""

LANCZOS_STEPS = 48
"""Lanczos iterations beyond ``FULL_HESSIAN_MAX_DIM`` (fewer when the dimension is smaller)."""

FLAT = float(np.finfo(np.float32).eps)
"""A Hessian is positive when lambda_min > FLAT * lambda_max: beyond float32 rounding."""

THRESHOLDS: dict[str, Callable[[float], float]] = {
    "sgd": lambda beta: 2.0,
    "momentum": lambda beta: 2.0 * (1.0 + beta),
    "nesterov": lambda beta: (2.0 + 2.0 * beta) / (1.0 + 2.0 * beta),
}
"""The numerator c(beta) of each rule's threshold alpha* = c / lambda_max."""

LABELS = {
    "sgd": "2/λ_max",
    "momentum": "2(1+β)/λ_max",
    "nesterov": "(2+2β)/((1+2β)λ_max)",
}
"""Each threshold as the chart names it."""

ADAPTIVE = frozenset(optimizers.OPTIMIZERS) - set(THRESHOLDS)
"""Rules whose threshold depends on their state (Adagrad, RMSprop, Adam, AdamW)."""

ADAPTIVE_NOTE = (
    "No 2/λ_max line for adaptive methods: they divide each step by their running "
    "gradient size, so the α that overshoots changes with their state."
)
"""Why the α_t panel draws no threshold for an adaptive rule."""


CHUNK = limits.STEP_BUCKETS[-1] + 1
"""Rows of every call of a surface's curvature program (``extremes_fn``): a path of the
largest step bucket (2,048 steps) and its start. A point, a path of any length and a
family's members (in chunks) all pad to whole chunks, so a surface compiles one program,
not one per length: the 2/λ_max lines of a staircase page (its runs, its α family's
members and the critical α at the minimum) compiled three, each about 0.3 s of CPU,
where a chunk of 2,049 rows of the staircase takes about 0.1 ms to run."""


def _lanczos_extremes(hvp: Callable[[jax.Array], jax.Array], dim: int) -> jax.Array:
    """(lambda_min, lambda_max) of the Ritz values of k = min(dim, LANCZOS_STEPS) Lanczos
    steps with full reorthogonalisation; where the Krylov space closes (an invariant
    subspace), it restarts from a fresh vector with a zero off-diagonal."""
    k = min(dim, LANCZOS_STEPS)
    fresh = jax.random.normal(jax.random.key(0), (k + 1, dim))
    basis0 = jnp.zeros((k, dim)).at[0].set(fresh[0] / jnp.linalg.norm(fresh[0]))

    def step(carry, j):
        basis, prev_beta = carry
        q = basis[j]
        w = hvp(q)
        alpha = q @ w
        w = w - basis.T @ (basis @ w)
        w = w - basis.T @ (basis @ w)
        size = jnp.linalg.norm(w)
        closed = size <= 1e-6 * (jnp.abs(alpha) + prev_beta + 1e-30)
        other = fresh[j + 1] - basis.T @ (basis @ fresh[j + 1])
        nxt = jnp.where(closed, other, w)
        basis = basis.at[jnp.minimum(j + 1, k - 1)].set(
            jnp.where(j + 1 < k, nxt / jnp.linalg.norm(nxt), basis[k - 1])
        )
        beta = jnp.where(closed, 0.0, size)
        return (basis, beta), (alpha, beta)

    _, (diag, off) = jax.lax.scan(step, (basis0, jnp.float32(0.0)), jnp.arange(k))
    tri = jnp.diag(diag) + jnp.diag(off[:-1], 1) + jnp.diag(off[:-1], -1)
    values = jnp.linalg.eigvalsh(tri)
    return jnp.stack([values[0], values[-1]])


def _small_extremes(h: jax.Array) -> jax.Array:
    """(lambda_min, lambda_max) of a 1 x 1 or symmetric 2 x 2 matrix in closed form:
    m -+ sqrt(((a - c) / 2)^2 + b^2), m = (a + c) / 2 (it compiles in a third of
    eigvalsh's time and runs faster)."""
    if h.shape == (1, 1):
        return jnp.stack([h[0, 0], h[0, 0]])
    a, b, c = h[0, 0], 0.5 * (h[0, 1] + h[1, 0]), h[1, 1]
    mean, radius = 0.5 * (a + c), jnp.hypot(0.5 * (a - c), b)
    return jnp.stack([mean - radius, mean + radius])


def _extremes_at(surface: Surface) -> Callable[[jax.Array], jax.Array]:
    """x -> (lambda_min, lambda_max) of the Hessian of ``surface.f`` at x."""
    hessian = jax.hessian(surface.f)
    if surface.dim <= 2:
        return lambda x: _small_extremes(hessian(x))
    if surface.dim <= FULL_HESSIAN_MAX_DIM:

        def full(x):
            values = jnp.linalg.eigvalsh(hessian(x))
            return jnp.stack([values[0], values[-1]])

        return full

    def lanczos(x):
        grad = jax.grad(surface.f)
        return _lanczos_extremes(lambda v: jax.jvp(grad, (x,), (v,))[1], surface.dim)

    return lanczos


@lru_cache(maxsize=48)
def extremes_fn(surface: Surface) -> Callable[[jax.Array], jax.Array]:
    """jit((n, dim) positions) -> (n, 2): lambda_min and lambda_max at each, NaN at a
    position that is not finite (``hessian_extremes`` calls it with n = ``CHUNK``)."""
    at = _extremes_at(surface)

    def one(x):
        ok = jnp.all(jnp.isfinite(x))
        values = at(jnp.where(ok, x, jnp.zeros_like(x)))
        return jnp.where(ok, values, jnp.nan)

    def many(xs):
        TRACES["extremes"] += 1
        return jax.vmap(one)(xs)

    return jax.jit(many)


def _positions(surface: Surface, positions) -> np.ndarray:
    xs = np.asarray(positions, np.float32)
    if xs.size % surface.dim or xs.size == 0:
        raise ValueError(f"positions must hold rows of {surface.dim} coordinate(s)")
    return xs.reshape(-1, surface.dim)


def hessian_extremes(surface: str | Surface, positions) -> np.ndarray:
    """(n, 2): the smallest and largest Hessian eigenvalue at each of the n positions
    (rows of ``surface.dim`` coordinates), NaN at a position that is not finite. Only the
    finite rows go through the program (a family's members are NaN from their divergence
    on: a quarter of a staircase α family's rows), each row's values its own."""
    surface = get(surface)
    xs = _positions(surface, positions)
    finite = rowwise.finite(xs)
    rows = xs[finite]
    n = len(rows)
    padded = np.zeros((-(-n // CHUNK) * CHUNK, surface.dim), np.float32)
    padded[:n] = rows
    fn = extremes_fn(surface)
    parts = [np.asarray(fn(padded[i : i + CHUNK])) for i in range(0, len(padded), CHUNK)]
    out = np.full((len(xs), 2), np.nan)
    if n:
        out[finite] = np.concatenate(parts)[:n]
    return out


def sharpness(surface: str | Surface, positions) -> np.ndarray:
    """lambda_max of the Hessian of ``surface`` at each position: shape (n,) for n rows of
    ``surface.dim`` coordinates (NaN where a position is not finite). ``surface`` is a
    registered name or a Surface, as ``optiviz.simulate`` takes."""
    return hessian_extremes(surface, positions)[:, 1]


def _checked(optimizer: str, hyper: dict) -> tuple[float, float]:
    """(beta, lambda_wd) from ``simulate``'s hyperparameters; ValueError otherwise."""
    optimizers.get(optimizer)
    unknown = set(hyper) - HYPER_KEYS
    if unknown:
        raise ValueError(f"unknown hyperparameter(s) {sorted(unknown)}")
    beta = float(hyper.get("momentum", optimizers.OptimizerParams().momentum))
    decay = float(hyper.get("weight_decay", 0.0))
    if not (0.0 <= beta < 1.0 and np.isfinite(decay) and decay >= 0.0):
        raise ValueError("momentum must lie in [0, 1) and weight_decay be >= 0")
    return beta, decay


def _at(surface: Surface, at: Sequence[float] | None) -> np.ndarray:
    if at is None:
        if not surface.minima:
            raise ValueError(f"{surface.name} lists no minimum: pass at=")
        at = surface.minima[0]
    x = np.asarray(at, np.float32).reshape(-1)
    if x.shape != (surface.dim,) or not np.all(np.isfinite(x)):
        raise ValueError(f"at must be {surface.dim} finite coordinate(s)")
    return x


def critical_alpha(
    surface: str | Surface,
    optimizer: str = "sgd",
    *,
    at: Sequence[float] | None = None,
    **hyper,
) -> float | None:
    """The alpha beyond which ``optimizer``'s update, linearised at ``at``, is unstable.

    ``at`` defaults to the surface's first listed minimum. With lambda_max the largest
    eigenvalue of H(at) + lambda_wd I (coupled weight decay; AdamW's is decoupled):
    GD 2 / lambda_max; heavy-ball momentum beta 2 (1 + beta) / lambda_max; Nesterov
    (2 + 2 beta) / ((1 + 2 beta) lambda_max). ``hyper`` takes ``simulate``'s keywords
    (``momentum``, ``weight_decay``; the others do not move the line).

    Returns None for Adagrad, RMSprop, Adam and AdamW: they divide each step by their
    running gradient size, so their threshold depends on their state, not on alpha and
    H alone. Returns None too where H(at) (+ lambda_wd I) is not positive definite
    (lambda_min <= ``FLAT`` lambda_max), at a saddle or on a flat tread: there is no
    bowl to settle in, and along a flat or falling direction no alpha is stable.
    """
    surface = get(surface)
    beta, decay = _checked(optimizer, hyper)
    x = _at(surface, at)
    if optimizer in ADAPTIVE:
        return None
    low, high = hessian_extremes(surface, x[None])[0] + decay
    if not (np.isfinite(high) and high > 0 and low > FLAT * high):
        return None
    return THRESHOLDS[optimizer](beta) / float(high)


def critical_alpha_along(
    surface: str | Surface, positions, optimizer: str = "sgd", **hyper
) -> np.ndarray | None:
    """The local threshold c(beta) / (lambda_max(x_t) + lambda_wd) at each position, as
    ``critical_alpha`` defines c: where alpha_t rises above it, a step overshoots along the
    locally steepest direction. NaN where lambda_max + lambda_wd <= 0 (every direction
    falls) or a position is not finite; None for an adaptive rule (see ``critical_alpha``)."""
    surface = get(surface)
    beta, decay = _checked(optimizer, hyper)
    if optimizer in ADAPTIVE:
        return None
    high = sharpness(surface, positions) + decay
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(high > 0, THRESHOLDS[optimizer](beta) / high, np.nan)
