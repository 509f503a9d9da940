"""The plain vmapped sweep: one scan per (alpha, k) cell, vmapped over the cells.

The independent per-cell reference the blocked grid engine (``optiviz.core.sweeps``) is
checked against; the app's searches run through ``engine.each_run`` and the grid blocks,
so it lives with the tests.
"""

from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp

from optiviz.core import optimizers, schedules
from optiviz.core.engine import TRACES, _stepper
from optiviz.core.run_inputs import Hyper, draws
from optiviz.core.surfaces import Surface

GRID_AXES = Hyper(
    schedules.ScheduleParams(alpha=0, k=0, drop=None, every=None, staircase=None),
    optimizers.OptimizerParams(*[None] * len(optimizers.OptimizerParams._fields)),
    kind=None,
    noise=None,
    batch_size=None,
    steps=None,
)
"""``sweep_fn`` axes for runs that differ only in alpha and k: only alpha and k of h
carry the run axis.

Shared scalars stay scalars inside the vmapped loop, so the schedule switch
picks one branch and Adam's bias corrections are computed once per step, not
once per run: about 2.5x faster than batching every leaf.
"""


def _final(surface: Surface, optimizer: str, length: int):
    def run(h: Hyper, x0, key, level):
        TRACES["sweep"] += 1
        tx, step = _stepper(surface, optimizer, h)

        def counted(carry, xs):
            inner, first = carry
            inner, _ = step(inner, xs)
            t = xs[0]
            hit = (surface.f(inner[0]) <= level) & ~inner[2] & (t < h.steps)
            return (inner, jnp.minimum(first, jnp.where(hit, t + 1, length + 1))), None

        start_hit = jnp.where(surface.f(x0) <= level, 0, length + 1)
        carry = ((x0, tx.init(x0), jnp.array(False)), start_hit)
        steps = (jnp.arange(length), draws(surface, h, key, length))
        ((x, _, dead), first), _ = jax.lax.scan(counted, carry, steps)
        loss = surface.f(x)
        final = jnp.where(dead | ~jnp.isfinite(loss), jnp.inf, loss)
        return final, first

    return run


@lru_cache(maxsize=48)
def sweep_fn(surface: Surface, optimizer: str, length: int, axes: Hyper | int = 0):
    """jit(vmap(h), x0, key, level) -> (final loss or inf, first step with loss <= level).

    ``axes`` says which leaves of h carry the run axis: 0 (all of them) or a
    Hyper of 0/None such as ``GRID_AXES``.
    """
    in_axes = (axes, None, None, None)
    return jax.jit(jax.vmap(_final(surface, optimizer, length), in_axes=in_axes))
