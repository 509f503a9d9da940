"""Hyperparameter search over (alpha, k): grid, random and Bayesian, in log space.

Every strategy proposes points of the unit square u = (u_alpha, u_k), mapped to
alpha = alpha_lo (alpha_hi / alpha_lo)^u_alpha and likewise k, and scores each by the
final loss of that run (inf where it diverged), exactly ``simulate(...).losses[-1]``: the
trials run through the program ``simulate`` itself compiles (``engine.each_run``, its
α_t fed by ``feeds.rates_fn``), so a search compiles nothing that the range test or a run
of the same surface, optimizer and step bucket has not already compiled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from optiviz.analysis import gp
from optiviz.core import engine, limits, run_inputs
from optiviz.core.dynamics import f_min, prepare, start_point
from optiviz.core.surfaces import Surface, get

STRATEGIES = ("grid", "random", "bayes")
LANDSCAPE_SIDE = 128
"""Cells per side of the default (alpha, k) landscape."""
SURROGATE_SIDE = 40
"""Cells per side of the grid on which Bayesian snapshots record the surrogate."""
N_INITIAL = 5
"""Random points Bayesian search evaluates before the surrogate chooses."""
N_RANDOM_CANDIDATES = 1000
"""Random candidates (besides the surrogate grid) over which EI is maximised."""
TARGET_FLOOR = 1e-8
"""Loss gaps below this share of the starting gap count as this share (log of zero)."""


@dataclass(frozen=True)
class Trial:
    """One evaluated run: ``loss`` its final loss (inf = diverged); ``best`` the lowest
    loss among trials 0..index."""

    index: int
    alpha: float
    k: float
    loss: float
    best: float


@dataclass(frozen=True)
class Snapshot:
    """The surrogate when Bayesian search chose trial ``index``, on a log grid.

    ``mean``, ``std``: the GP posterior of the target log10(loss gap) and ``ei`` its
    expected improvement, each of shape (len(alphas), len(ks)); ``trials``: those it was
    fitted to; (``next_alpha``, ``next_k``): the point it chose.
    """

    index: int
    alphas: np.ndarray
    ks: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    ei: np.ndarray
    trials: tuple[Trial, ...]
    next_alpha: float
    next_k: float


@dataclass(frozen=True)
class SearchResult:
    """The trials of one search, in order; ``snapshots`` only for ``"bayes"``."""

    strategy: str
    trials: tuple[Trial, ...]
    alpha_range: tuple[float, float]
    k_range: tuple[float, float]
    snapshots: tuple[Snapshot, ...] = ()

    @property
    def best_trial(self) -> Trial:
        """The first trial with the lowest loss."""
        return min(self.trials, key=lambda t: (t.loss, t.index))

    @property
    def best_so_far(self) -> np.ndarray:
        """Lowest loss after each trial (the "best so far" curve)."""
        return np.array([t.best for t in self.trials])


def default_grid(
    alpha_range: tuple[float, float], k_range: tuple[float, float], n: int = LANDSCAPE_SIDE
) -> tuple[np.ndarray, np.ndarray]:
    """Log-spaced axes for a landscape: n alphas and n ks, endpoints included."""
    _check_range("alpha_range", alpha_range)
    _check_range("k_range", k_range)
    limits.check("landscape side", n, limits.MAX_LANDSCAPE_SIDE, minimum=2)
    return np.geomspace(*alpha_range, n), np.geomspace(*k_range, n)


def _check_range(name: str, pair: Sequence[float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in pair)
    if not (math.isfinite(hi) and 0 < lo < hi):
        raise ValueError(f"{name} must be (low, high) with 0 < low < high, got {tuple(pair)}")
    return lo, hi


def _to_values(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """lo (hi / lo)^u: the unit interval mapped onto [lo, hi] in log space."""
    return lo * (hi / lo) ** np.asarray(u, np.float64)


class _Evaluator:
    """Final losses of (alpha, k) pairs: each pair one run of ``engine.each_run``, the
    program of ``simulate``, so a trial's loss is exactly that run's."""

    def __init__(self, surface, optimizer, schedule, start, steps, hyper):
        surface, steps, length, batch, hyper = prepare(
            surface, optimizer, schedule, steps, None, hyper
        )
        self.run = (surface, optimizer, length)
        self.x0 = start_point(surface, start)
        self.steps = steps
        self.base = run_inputs.make_hyper(
            alpha=0.0, schedule=schedule, steps=steps, batch_size=batch, **hyper
        )
        self.low = f_min(surface)
        # f(x0) - low, from the first runs' losses[0]: f called eagerly would compile
        # each of its operations on its own
        self.start_gap = None

    def __call__(self, alphas: np.ndarray, ks: np.ndarray) -> np.ndarray:
        """f(x_steps) of each run, inf where it diverged (NaN positions) or is not finite."""
        seeds = np.zeros(len(alphas), np.uint32)
        _, losses, *_ = engine.each_run(*self.run, self.base, alphas, ks, self.x0, seeds)
        if self.start_gap is None:
            self.start_gap = max(float(losses[0, 0]) - self.low, 1e-30)
        final = np.asarray(losses[:, self.steps], np.float64)
        return np.where(np.isfinite(final), final, np.inf)

    def targets(self, losses: np.ndarray) -> np.ndarray:
        """log10 of the loss gap (floored); a diverged run scores as the worst finite one
        (or the start, if worse): a higher cap makes the GP's mean overshoot near the edge
        of divergence, where the best rates often lie, and steers the search away."""
        gaps = np.maximum(losses - self.low, TARGET_FLOOR * self.start_gap)
        y = np.log10(gaps)
        finite = np.isfinite(y)
        cap = max(y[finite].max(initial=-np.inf), math.log10(self.start_gap))
        return np.where(finite, y, cap)


def _trials(alphas, ks, losses, offset: int = 0, best: float = math.inf) -> list[Trial]:
    out = []
    for i, (a, k, loss) in enumerate(zip(alphas, ks, losses, strict=True)):
        best = min(best, float(loss))
        out.append(Trial(offset + i, float(a), float(k), float(loss), best))
    return out


def _grid_points(budget: int, rng: np.random.Generator) -> np.ndarray:
    """The n x n lattice (n = floor(sqrt(budget))), endpoints included, alpha outer."""
    n = math.isqrt(budget)
    side = np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.5])
    ua, uk = np.meshgrid(side, side, indexing="ij")
    return np.stack([ua.ravel(), uk.ravel()], axis=1)


def _random_points(budget: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(size=(budget, 2))


POINTS = {"grid": _grid_points, "random": _random_points}
"""Registry: batch strategy to its proposal of unit-square points."""


def _batch_search(points: Callable, budget, rng, ranges, evaluate) -> list[Trial]:
    u = points(budget, rng)
    alphas, ks = _to_values(u[:, 0], *ranges[0]), _to_values(u[:, 1], *ranges[1])
    return _trials(alphas, ks, evaluate(alphas, ks))


def _surrogate_grid() -> np.ndarray:
    side = np.linspace(0.0, 1.0, SURROGATE_SIDE)
    ua, uk = np.meshgrid(side, side, indexing="ij")
    return np.stack([ua.ravel(), uk.ravel()], axis=1)


def _choose(u_seen, y_seen, candidates, n_grid):
    """Fit the GP and return (index of the EI-maximising candidate, mean, std, ei on grid)."""
    model = gp.fit(u_seen, y_seen)
    mean, std = model.predict(candidates)
    ei = gp.expected_improvement(mean, std, float(y_seen.min()))
    return int(np.argmax(ei)), mean[:n_grid], std[:n_grid], ei[:n_grid]


def _snapshot(trials, axes, mean, std, ei, a, k) -> Snapshot:
    shape = (len(axes[0]), len(axes[1]))
    fields = (v.reshape(shape) for v in (mean, std, ei))
    return Snapshot(len(trials), *axes, *fields, tuple(trials), float(a), float(k))


def _bayes_search(budget, rng, ranges, evaluate) -> tuple[list[Trial], list[Snapshot]]:
    u = rng.uniform(size=(min(budget, N_INITIAL), 2))
    values = (_to_values(u[:, 0], *ranges[0]), _to_values(u[:, 1], *ranges[1]))
    trials = _trials(*values, evaluate(*values))
    grid = _surrogate_grid()
    candidates = np.concatenate([grid, rng.uniform(size=(N_RANDOM_CANDIDATES, 2))])
    axes = tuple(_to_values(np.linspace(0, 1, SURROGATE_SIDE), *r) for r in ranges)
    snapshots = []
    while len(trials) < budget:
        y = evaluate.targets(np.array([t.loss for t in trials]))
        pick, mean, std, ei = _choose(u, y, candidates, len(grid))
        a, k = (_to_values(candidates[pick, i], *ranges[i]) for i in (0, 1))
        snapshots.append(_snapshot(trials, axes, mean, std, ei, a, k))
        trials += _trials(
            [a], [k], evaluate(np.array([a]), np.array([k])), len(trials), trials[-1].best
        )
        u = np.vstack([u, candidates[pick]])
    return trials, snapshots


def search(
    strategy: str,
    *,
    budget: int,
    alpha_range: tuple[float, float],
    k_range: tuple[float, float],
    seed: int = 0,
    surface: str | Surface,
    optimizer: str,
    schedule: str = "exponential",
    start: Sequence[float] | None = None,
    steps: int | None = None,
    **hyper,
) -> SearchResult:
    """Search (alpha, k) with ``strategy`` for at most ``budget`` runs, in log space.

    "grid": the n x n lattice with n = floor(sqrt(budget)) (so a budget that is not a
    square runs n^2 < budget trials), endpoints included, alpha outer, k inner.
    "random": ``budget`` points uniform in log space from ``numpy.random.default_rng(seed)``.
    "bayes": N_INITIAL such random points, then each next point maximises expected
    improvement of a Gaussian process (``gp.fit``, refitted after every trial) of
    log10(loss - f_min), over the SURROGATE_SIDE^2 grid plus N_RANDOM_CANDIDATES random
    points.
    """
    _check_strategy(strategy, budget)
    ranges = (_check_range("alpha_range", alpha_range), _check_range("k_range", k_range))
    evaluate = _Evaluator(get(surface), optimizer, schedule, start, steps, hyper)
    return run_search(strategy, budget, ranges, seed, evaluate)


def _check_strategy(strategy: str, budget: int) -> None:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    limits.check("budget", budget, limits.MAX_SEARCH_BUDGET)


def run_search(strategy: str, budget: int, ranges, seed: int, evaluate) -> SearchResult:
    """``strategy`` over the log box ``ranges`` = ((alpha lo, hi), (second lo, hi)), scored
    by ``evaluate``: (alphas, seconds) -> scores, with ``targets(scores)`` the GP's
    target (see ``_Evaluator``). ``search`` and ``decay_search`` are this, with their own
    evaluators; Trial.k holds the second hyperparameter."""
    _check_strategy(strategy, budget)
    rng = np.random.default_rng(seed)
    snapshots: list[Snapshot] = []
    if strategy == "bayes":
        trials, snapshots = _bayes_search(budget, rng, ranges, evaluate)
    else:
        trials = _batch_search(POINTS[strategy], budget, rng, ranges, evaluate)
    return SearchResult(strategy, tuple(trials), *ranges, snapshots=tuple(snapshots))
