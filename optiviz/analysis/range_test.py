"""The learning-rate range test (Leslie Smith 2015; fastai's ``lr_find``, ``torch-lr-finder``).

One run whose learning rate grows geometrically, alpha_t = lr_min (lr_max / lr_min)^(t / (T-1)),
which is the engine's exponential schedule alpha_0 e^(-k t) with a negative
k = -ln(lr_max / lr_min) / (T - 1). The loss first falls, then, past some threshold, rises;
the rule picks a rate a little below that threshold: the turn is the rate at the lowest point
of the smoothed loss, and the suggestion is the turn divided by MIN_DIVISOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optiviz.core import limits
from optiviz.core.dynamics import f_min, simulate
from optiviz.core.surfaces import Surface, get

SCHEDULE_KNOBS = frozenset({"drop", "every", "staircase"})
"""Schedule settings a caller may pass along with the optimizer's; the test ignores them,
because its schedule is the geometric ramp (a staircase would make the rates repeat)."""

MIN_DIVISOR = 10.0
"""The suggested rate is the rate at the turn divided by this (fastai's original rule)."""


@dataclass(frozen=True)
class RangeTest:
    """A learning-rate range test, truncated where it diverged.

    ``losses[i]`` is f(x_{i+1}), the loss after the step taken with ``lrs[i]``;
    ``smoothed`` is their bias-corrected exponential moving average,
    s_i = (1 - beta) sum_j beta^(i-j) losses[j] / (1 - beta^(i+1)).
    ``stopped_at``: the index where the run stopped for divergence (the last one kept),
    None if it ran to lr_max. The rule: ``turn`` is the rate at the lowest point of the
    smoothed loss (its first index, on a flat bottom), where the loss stops falling and
    starts to rise; ``suggested`` = ``turn`` / ``divisor`` (MIN_DIVISOR, fastai's original
    min/10): "a little below that threshold", where the loss still falls steeply.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_at: int | None
    suggested: float
    diverge_factor: float
    turn: float
    divisor: float = MIN_DIVISOR


def smooth(losses: np.ndarray, beta: float) -> np.ndarray:
    """Bias-corrected EMA: a_i = beta a_{i-1} + (1 - beta) l_i, s_i = a_i / (1 - beta^(i+1))."""
    out = np.empty(len(losses))
    avg = 0.0
    for i, value in enumerate(losses):
        avg = beta * avg + (1 - beta) * value
        out[i] = avg / (1 - beta ** (i + 1))
    return out


def stop_index(gaps: np.ndarray, factor: float) -> int | None:
    """First i where gap_i is not finite or gap_i > factor * min_{j<=i} gap_j + tiny.

    Gaps are losses above the surface's lowest known minimum, so the rule does not depend
    on where zero is; ``tiny`` = 1e-6 * gap_0 keeps float noise at the bottom from
    counting as a rise.
    """
    finite = np.isfinite(gaps)
    if not finite[0]:
        return 0
    best = np.minimum.accumulate(np.where(finite, gaps, np.inf))
    bad = ~finite | (gaps > factor * best + 1e-6 * abs(gaps[0]))
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def turn(lrs: np.ndarray, smoothed: np.ndarray) -> float:
    """The rate at the lowest point of the smoothed loss (the first, on a tie)."""
    return float(lrs[int(np.argmin(smoothed))])


def suggest(lrs: np.ndarray, smoothed: np.ndarray) -> float:
    """The rule: the rate at the turn divided by MIN_DIVISOR."""
    return turn(lrs, smoothed) / MIN_DIVISOR


def _validate(lr_min: float, lr_max: float, steps: int, smoothing: float, factor: float) -> None:
    if not 0 < lr_min < lr_max:
        raise ValueError(f"need 0 < lr_min < lr_max, got lr_min={lr_min}, lr_max={lr_max}")
    limits.check("steps", steps, limits.MAX_STEPS, minimum=2)
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    if not factor > 1:
        raise ValueError(f"diverge_factor must be > 1, got {factor}")


def lr_range_test(
    surface: str | Surface,
    optimizer: str,
    *,
    start: Sequence[float] | None = None,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    steps: int = 200,
    smoothing: float = 0.9,
    diverge_factor: float = 4.0,
    bucket: int | None = None,
    **hyper,
) -> RangeTest:
    """Run ``optimizer`` once with alpha growing geometrically from lr_min to lr_max.

    Stops (truncating every array) at the first step whose smoothed loss, measured above
    the surface's lowest known minimum, exceeds ``diverge_factor`` x the best so far,
    or stops being finite. ``hyper`` is passed to ``simulate`` (momentum, beta1, ...),
    except the schedule knobs in ``SCHEDULE_KNOBS``; ``bucket`` too (``scan_length``: the
    same run in a longer compiled scan, the lab's, whose program its searches share).
    """
    _validate(lr_min, lr_max, steps, smoothing, diverge_factor)
    hyper = {key: value for key, value in hyper.items() if key not in SCHEDULE_KNOBS}
    surface = get(surface)
    k = -np.log(lr_max / lr_min) / (steps - 1)
    run = simulate(
        surface,
        optimizer,
        alpha=lr_min,
        schedule="exponential",
        k=k,
        start=start,
        steps=steps,
        bucket=bucket,
        **hyper,
    )
    gaps = run.losses[1:] - f_min(surface)
    stop = stop_index(smooth(np.where(np.isnan(gaps), np.inf, gaps), smoothing), diverge_factor)
    keep = len(gaps) if stop is None else stop + int(np.isfinite(gaps[stop]))
    keep = max(keep, 1)
    lrs, losses = run.lrs[:keep], run.losses[1 : keep + 1]
    smoothed = smooth(losses, smoothing)
    return RangeTest(
        lrs,
        losses,
        smoothed,
        stop,
        suggest(lrs, smoothed),
        diverge_factor,
        turn=turn(lrs, smoothed),
    )
