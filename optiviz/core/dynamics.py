"""The public engine of runs: ``simulate`` one run, ``simulate_many`` several,
``compare_optimizers`` one per optimizer; the (alpha, k) grid is ``landscape``'s.

All return NumPy arrays; no tracer crosses this boundary. See ``engine`` for
the compiled loop and how often it compiles, and ``verdicts`` for what the
verdict words mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jax
import numpy as np

from optiviz.core import engine, limits, optimizers, run_inputs, schedules, verdicts
from optiviz.core.surfaces import Surface, get

HYPER_KEYS = frozenset(
    {"momentum", "rho", "beta1", "beta2", "eps", "weight_decay", "drop", "every", "staircase"}
)


@dataclass(frozen=True)
class Trajectory:
    """One run. ``positions`` (steps+1, dim), ``losses`` (steps+1): f at each position;
    ``lrs`` (steps): alpha_t used at step t; ``grads`` (steps, dim): the gradient
    applied at step t (mini-batch and noise included). After ``diverged_at``
    positions and losses are NaN. ``losses`` is the data loss alone: weight decay's
    penalty lambda |x|^2 / 2 is never added. ``validation_losses`` (steps+1): on
    data surfaces the held-out loss at each position (NaN where losses are), else None.
    """

    positions: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    grads: np.ndarray
    verdict: str
    diverged_at: int | None
    alpha: float
    optimizer: str
    schedule: str
    validation_losses: np.ndarray | None = None

    @property
    def step_lengths(self) -> np.ndarray:
        """|x_{t+1} - x_t| for each step (NaN after divergence)."""
        return np.linalg.norm(np.diff(self.positions, axis=0), axis=1)

    @property
    def label(self) -> str:
        """The verdict as a legend shows it: "diverged at step 37", "slow", ..."""
        return verdicts.describe(self.verdict, self.diverged_at)


def _checked_hyper(optimizer: str, hyper: dict) -> dict:
    unknown = set(hyper) - HYPER_KEYS
    if unknown:
        raise ValueError(
            f"unknown hyperparameter(s) {sorted(unknown)}: use {', '.join(sorted(HYPER_KEYS))}"
        )
    optimizers.get(optimizer)
    decay = hyper.get("weight_decay", 0.0)
    if not (np.isfinite(decay) and decay >= 0):
        raise ValueError(f"weight_decay must be a finite number >= 0, got {decay}")
    out = dict(hyper)
    out.setdefault("eps", optimizers.DEFAULT_EPS.get(optimizer, 1e-8))
    return out


def start_point(surface: Surface, start: Sequence[float] | None) -> np.ndarray:
    """The start as a float32 vector (the surface's default when None); ValueError if it
    has the wrong length or is not finite."""
    x0 = np.asarray(surface.start if start is None else start, np.float32).reshape(-1)
    if x0.shape != (surface.dim,):
        raise ValueError(f"start must have {surface.dim} coordinate(s), got {x0.size}")
    if not np.all(np.isfinite(x0)):
        raise ValueError("start must be finite")
    return x0


def _finish(surface, raw, steps, alpha, optimizer, schedule) -> Trajectory:
    *raw, validation = raw
    positions, losses, lrs, grads, ends = (np.asarray(a, np.float64) for a in raw)
    positions, losses = positions[: steps + 1].copy(), losses[: steps + 1].copy()
    if validation is not None:
        validation = np.asarray(validation, np.float64)[: steps + 1].copy()
    at = verdicts.first_bad(positions, losses, limits.DIVERGENCE_RADIUS)
    if at is not None:
        for values in (
            (positions, losses) if validation is None else (positions, losses, validation)
        ):
            values[at:] = np.nan
    verdict = verdicts.classify(positions, ends[0], ends[1], surface.scale, at)
    return Trajectory(
        positions,
        losses,
        lrs[:steps],
        grads[:steps],
        verdict,
        at,
        alpha,
        optimizer,
        schedule,
        validation,
    )


def prepare(
    surface: str | Surface,
    optimizer: str,
    schedule: str,
    steps: int | None,
    batch_size: int | None,
    hyper: dict,
) -> tuple[Surface, int, int, float, dict]:
    """Check a run's arguments against the registries and limits; return the surface,
    steps, compiled scan length, batch size and hyperparameters (eps defaulted)."""
    surface = get(surface)
    steps = surface.default_steps if steps is None else int(steps)
    length = limits.bucket(steps)
    schedules.index(schedule)
    hyper = _checked_hyper(optimizer, hyper)
    if surface.n_samples is not None:
        batch_size = surface.n_samples if batch_size is None else batch_size
        limits.check("batch_size", batch_size, surface.n_samples)
    return surface, steps, length, float(batch_size or 1), hyper


def scan_length(steps: int, bucket: int | None = None) -> int:
    """The compiled scan length of a run of ``steps``: the smallest bucket that holds it
    (``limits.bucket``), or ``bucket``, a ``limits.STEP_BUCKETS`` entry at least that long.
    Steps t >= steps leave x unchanged, so a longer scan gives the same run and shares
    the program of that bucket's longer runs."""
    if bucket is None:
        return limits.bucket(steps)
    if bucket not in limits.STEP_BUCKETS or bucket < steps:
        raise ValueError(
            f"bucket must be one of {limits.STEP_BUCKETS} and hold {steps} steps, got {bucket}"
        )
    return bucket


def simulate(
    surface: str | Surface,
    optimizer: str,
    *,
    alpha: float,
    schedule: str = "constant",
    k: float = 0.0,
    start: Sequence[float] | None = None,
    steps: int | None = None,
    noise: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    bucket: int | None = None,
    **hyper,
) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps.

    ``alpha`` is alpha_0 of ``schedule``; ``hyper`` carries momentum, rho, beta1,
    beta2, eps, drop, every, staircase. ``noise`` adds N(0, noise^2) to each
    gradient component. On a data-defined surface ``batch_size`` B (default:
    all samples) draws mini-batches without replacement per epoch from ``seed``;
    B = n_samples is exactly full-batch descent. Nothing here recompiles when
    a number changes; see ``engine`` for what does. ``bucket`` (``scan_length``) runs it in
    a longer compiled scan, to share that scan's program.
    """
    return simulate_many(
        surface,
        optimizer,
        alphas=[alpha],
        schedule=schedule,
        k=k,
        starts=None if start is None else [start],
        steps=steps,
        noise=noise,
        batch_size=batch_size,
        seeds=[seed],
        bucket=bucket,
        **hyper,
    )[0]


def simulate_many(
    surface: str | Surface,
    optimizer: str,
    *,
    alphas: Sequence[float],
    schedule: str = "constant",
    k: float | Sequence[float] = 0.0,
    starts: Sequence[Sequence[float]] | None = None,
    steps: int | None = None,
    noise: float = 0.0,
    batch_size: int | None = None,
    seeds: Sequence[int] | None = None,
    bucket: int | None = None,
    **hyper,
) -> list[Trajectory]:
    """Several runs of one optimizer: one per entry of ``alphas``.

    ``k``, ``starts`` and ``seeds`` are either one value for all runs or one
    per run (a single-element list broadcasts). Every run goes through the one
    compiled program ``simulate`` uses (``engine.each_run``), so run i is exactly
    ``simulate`` at its alpha, k, start and seed, whatever its neighbours; ``bucket`` as
    ``simulate``'s.
    """
    surface, steps, length, batch, hyper = prepare(
        surface, optimizer, schedule, steps, batch_size, hyper
    )
    length = scan_length(steps, bucket)
    n = len(alphas)
    limits.check("runs", n, limits.MAX_SEEDS)
    ks = np.broadcast_to(np.asarray(k, np.float32), (n,))
    starts = [None] if starts is None else list(starts)
    x0 = np.stack([start_point(surface, s) for s in starts])
    x0 = np.broadcast_to(x0, (n, surface.dim))
    seeds = np.broadcast_to(np.asarray([0] if seeds is None else seeds, np.uint32), (n,))
    h = run_inputs.make_hyper(
        alpha=0.0, schedule=schedule, steps=steps, noise=noise, batch_size=batch, **hyper
    )
    columns = engine.each_run(surface, optimizer, length, h, alphas, ks, x0, seeds)
    rows = [[None if c is None else c[i] for c in columns] for i in range(n)]
    return [
        _finish(surface, raw, steps, float(a), optimizer, schedule)
        for raw, a in zip(rows, alphas, strict=True)
    ]


def compare_optimizers(
    surface: str | Surface, optimizers_: Sequence[str], *, alpha: float, **kwargs
) -> list[Trajectory]:
    """One run per optimizer at the same alpha (each optimizer is its own compiled loop)."""
    limits.check("runs", len(optimizers_), limits.MAX_RUNS)
    return [simulate(surface, name, alpha=alpha, **kwargs) for name in optimizers_]


@lru_cache(maxsize=64)
def f_min(surface: Surface) -> float:
    """The lowest loss among the surface's known minima (0 when none are known): f at
    every minimum in one small program (``jax.vmap``), where calling f on each would
    compile each of its operations on its own."""
    if not surface.minima:
        return 0.0
    minima = np.asarray(surface.minima, np.float32).reshape(len(surface.minima), surface.dim)
    return float(np.min(np.asarray(jax.jit(jax.vmap(surface.f))(minima))))
