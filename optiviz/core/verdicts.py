"""What happened to a run, in one word.

For a run of T steps with tail window m = max(5, T // 10) (the last m steps):

- ``"diverged"``: some position or loss stopped being finite, or a coordinate
  left the box |x_i| <= DIVERGENCE_RADIUS; ``diverged_at`` is that step.
- ``"converged"``: at the end |grad f| <= GRAD_TOL (an absolute tolerance) and
  every step in the tail is shorter than STEP_TOL * (diagonal of the plot box).
- ``"oscillating"``: not converged, and in at least half of the tail the step
  reverses direction (consecutive steps have a negative dot product).
- ``"slow"``: anything else: still moving the same way when time ran out.
"""

from __future__ import annotations

import numpy as np

VERDICTS = ("converged", "slow", "oscillating", "diverged")
GRAD_TOL = 1e-3
STEP_TOL = 1e-4
REVERSAL_SHARE = 0.5


def first_bad(positions: np.ndarray, losses: np.ndarray, radius: float) -> int | None:
    """Index of the first row whose position or loss is not finite or leaves the box."""
    bad = ~np.isfinite(losses) | ~np.all(np.isfinite(positions), axis=1)
    with np.errstate(invalid="ignore"):
        bad |= np.any(np.abs(positions) > radius, axis=1)
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def classify(
    positions: np.ndarray,
    grad_norm_start: float,
    grad_norm_end: float,
    scale: float,
    diverged_at: int | None,
) -> str:
    """The verdict of one run, by the rules in this module's docstring."""
    if diverged_at is not None:
        return "diverged"
    steps = len(positions) - 1
    if steps < 1:
        return "slow"
    m = min(steps, max(5, steps // 10))
    moves = np.diff(positions[-m - 1 :], axis=0)
    lengths = np.linalg.norm(moves, axis=1)
    if grad_norm_end <= GRAD_TOL and lengths.max() <= STEP_TOL * scale:
        return "converged"
    dots = np.sum(moves[1:] * moves[:-1], axis=1)
    if dots.size and np.mean(dots < 0) >= REVERSAL_SHARE:
        return "oscillating"
    return "slow"


def describe(verdict: str, diverged_at: int | None) -> str:
    """The legend text: "diverged at step 37", or the verdict itself."""
    return f"diverged at step {diverged_at}" if verdict == "diverged" else verdict
