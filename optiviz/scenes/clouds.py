"""Summaries of many noisy runs from the same start (the "many seeds" view)."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from optiviz.core.dynamics import Trajectory


def mean_path(runs: Sequence[Trajectory]) -> Trajectory:
    """The mean over ``runs`` of positions, losses, gradients (and validation losses
    on data surfaces), ignoring diverged runs' NaN. Its verdict is the most common
    verdict among the runs, and ``diverged_at`` is set only if every run diverged
    (then the earliest step).
    """
    if not runs:
        raise ValueError("mean_path needs at least one run")
    fields = ("positions", "losses", "grads")
    if runs[0].validation_losses is not None:
        fields += ("validation_losses",)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = {f: _mean(np.stack([getattr(r, f) for r in runs])) for f in fields}
    verdict = Counter(r.verdict for r in runs).most_common(1)[0][0]
    diverged = [r.diverged_at for r in runs if r.diverged_at is not None]
    at = min(diverged) if len(diverged) == len(runs) else None
    return replace(runs[0], **mean, verdict=verdict if at is None else "diverged", diverged_at=at)


def _mean(stack: np.ndarray) -> np.ndarray:
    """The NaN-ignoring mean over the first axis, rounded to float32 like every value the
    engine computes (so a CSV writes it in float32's short digits), in ``stack``'s dtype."""
    return np.nanmean(stack, axis=0).astype(np.float32).astype(stack.dtype)


def end_spread(runs: Sequence[Trajectory]) -> float:
    """Root-mean-square distance of the final positions from their mean (finite runs only)."""
    ends = np.stack([r.positions[-1] for r in runs])
    ends = ends[np.all(np.isfinite(ends), axis=1)]
    if len(ends) == 0:
        return float("nan")
    return float(np.sqrt(np.mean(np.sum((ends - ends.mean(axis=0)) ** 2, axis=1))))
