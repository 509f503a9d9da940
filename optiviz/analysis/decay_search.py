"""The (alpha, weight decay lambda) space of a data surface, scored by validation loss.

Each cell or trial is one full run with learning rate alpha and weight decay
lambda, scored by the validation loss at its last step (inf where it
diverged): exactly ``simulate(...).validation_losses[-1]``. Search strategies
are those of :mod:`optiviz.analysis.search` (grid, random, Bayesian), in log space;
``Trial.k`` holds lambda. Only alpha and lambda carry the vmapped run axis, so
each (surface, optimizer, bucket) compiles once, whatever the grid or budget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.analysis.search import SearchResult, _check_range, _Evaluator, run_search
from optiviz.core import engine, limits, optimizers, run_inputs, schedules
from optiviz.core.dynamics import prepare, start_point
from optiviz.core.surfaces import Surface, get

LANDSCAPE_CHUNK = 1024
"""Runs per compiled landscape batch (a 32 x 32 grid; larger grids run in chunks)."""

TRACES: Counter = Counter()
"""How many times the compiled validation sweep has been traced (for tests)."""

DECAY_AXES = run_inputs.Hyper(
    schedules.ScheduleParams(alpha=0, k=None, drop=None, every=None, staircase=None),
    optimizers.OptimizerParams(*[None] * 5, weight_decay=0),
    kind=None,
    noise=None,
    batch_size=None,
    steps=None,
)
"""``vmap`` axes: only alpha and weight_decay carry the run axis."""


def _final_validation(surface: Surface, optimizer: str, length: int):
    val_f = surface.extras["validation_f"]

    def run(h: run_inputs.Hyper, x0, key):
        TRACES["validation_sweep"] += 1
        tx, step = engine._stepper(surface, optimizer, h)
        carry = (x0, tx.init(x0), jnp.array(False))
        steps = (jnp.arange(length), run_inputs.draws(surface, h, key, length))
        (x, _, dead), _ = jax.lax.scan(lambda c, xs: (step(c, xs)[0], None), carry, steps)
        val = val_f(x)
        return jnp.where(dead | ~jnp.isfinite(val), jnp.inf, val)

    return run


@lru_cache(maxsize=16)
def validation_sweep_fn(surface: Surface, optimizer: str, length: int):
    """jit(vmap over alpha and lambda)(h, x0, key) -> final validation loss or inf."""
    run = _final_validation(surface, optimizer, length)
    return jax.jit(jax.vmap(run, in_axes=(DECAY_AXES, None, None)))


class _ValidationEvaluator(_Evaluator):
    """Final validation losses of (alpha, lambda) pairs; the GP target is log10 of the
    validation loss, as ``search`` targets log10 of the loss gap."""

    def __init__(self, surface, optimizer, schedule, start, steps, hyper):
        surface = _data_surface(surface)
        hyper = {key: v for key, v in hyper.items() if key != "weight_decay"}
        k = float(hyper.pop("k", 0.0))
        surface, steps, length, batch, hyper = prepare(
            surface, optimizer, schedule, steps, None, hyper
        )
        self.fn = validation_sweep_fn(surface, optimizer, length)
        self.x0 = start_point(surface, start)
        self.base = run_inputs.make_hyper(
            alpha=0.0, schedule=schedule, k=k, steps=steps, batch_size=batch, **hyper
        )
        self.low = 0.0
        self.start_gap = max(float(surface.extras["validation_f"](self.x0)), 1e-30)

    def __call__(self, alphas: np.ndarray, decays: np.ndarray) -> np.ndarray:
        """Scores of the pairs, in padded batches of MAX_SEARCH_BUDGET (searches) or
        LANDSCAPE_CHUNK (landscapes): two compiled batch sizes serve every budget and side."""
        n = len(alphas)
        size = limits.MAX_SEARCH_BUDGET if n <= limits.MAX_SEARCH_BUDGET else LANDSCAPE_CHUNK
        a, lam = (np.asarray(v, np.float32) for v in (alphas, decays))
        return np.concatenate(
            [self._batch(a[i : i + size], lam[i : i + size], size) for i in range(0, n, size)]
        )[:n]

    def _batch(self, a: np.ndarray, lam: np.ndarray, size: int) -> np.ndarray:
        h = self.base._replace(
            schedule=self.base.schedule._replace(alpha=np.resize(a, size)),
            optimizer=self.base.optimizer._replace(weight_decay=np.resize(lam, size)),
        )
        return np.asarray(self.fn(h, self.x0, jax.random.key(0)), np.float64)


def _data_surface(surface: str | Surface) -> Surface:
    surface = get(surface)
    if "validation_f" not in surface.extras:
        raise ValueError(f"{surface.name} has no validation data: choose a data surface")
    return surface


def decay_landscape(
    surface: str | Surface,
    optimizer: str,
    *,
    alphas: Sequence[float],
    decays: Sequence[float],
    schedule: str = "constant",
    start: Sequence[float] | None = None,
    steps: int | None = None,
    **hyper,
) -> np.ndarray:
    """Final validation loss (inf where diverged), shape (len(alphas), len(decays));
    ``hyper`` as ``simulate``'s (k included), lambda excepted."""
    limits.check("landscape cells", len(alphas) * len(decays), limits.MAX_LANDSCAPE_SIDE**2)
    aa, dd = np.meshgrid(np.asarray(alphas), np.asarray(decays), indexing="ij")
    evaluate = _ValidationEvaluator(surface, optimizer, schedule, start, steps, hyper)
    return evaluate(aa.ravel(), dd.ravel()).reshape(aa.shape)


def decay_search(
    strategy: str,
    *,
    budget: int,
    alpha_range: tuple[float, float],
    decay_range: tuple[float, float],
    seed: int = 0,
    surface: str | Surface,
    optimizer: str,
    schedule: str = "constant",
    start: Sequence[float] | None = None,
    steps: int | None = None,
    **hyper,
) -> SearchResult:
    """``search``'s strategies over (alpha, lambda) in log space, each trial scored by
    its final validation loss; ``Trial.k`` is lambda and ``k_range`` the lambda range."""
    ranges = (_check_range("alpha_range", alpha_range), _check_range("decay_range", decay_range))
    evaluate = _ValidationEvaluator(surface, optimizer, schedule, start, steps, hyper)
    return run_search(strategy, budget, ranges, seed, evaluate)
