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

from optiviz.core import rowwise

VERDICTS = ("converged", "slow", "oscillating", "diverged")
GRAD_TOL = 1e-3
STEP_TOL = 1e-4
REVERSAL_SHARE = 0.5


def first_bad(positions: np.ndarray, losses: np.ndarray, radius: float) -> int | None:
    """Index of the first row whose position or loss is not finite or leaves the box."""
    at = int(first_bad_many(positions[None], losses[None], radius)[0])
    return None if at < 0 else at


def first_bad_many(positions: np.ndarray, losses: np.ndarray, radius: float) -> np.ndarray:
    """``first_bad`` of each run at once: ``positions`` (runs, T + 1, dim) and ``losses``
    (runs, T + 1) in, each run's first bad row out, -1 for a run with none."""
    bad = ~np.isfinite(losses) | ~rowwise.finite(positions) | rowwise.beyond(positions, radius)
    return np.where(bad.any(axis=-1), bad.argmax(axis=-1), -1)


def classify(
    positions: np.ndarray,
    grad_norm_start: float,
    grad_norm_end: float,
    scale: float,
    diverged_at: int | None,
) -> str:
    """The verdict of one run, by the rules in this module's docstring."""
    at = -1 if diverged_at is None else diverged_at
    return classify_many(positions[None], np.asarray([grad_norm_end]), scale, np.asarray([at]))[0]


def classify_many(
    positions: np.ndarray, grad_norm_end: np.ndarray, scale: float, diverged_at: np.ndarray
) -> tuple[str, ...]:
    """``classify`` of each run at once: ``positions`` (runs, T + 1, dim), each run's
    |grad f| at the end and its divergence step (-1: none) in, the verdicts out."""
    runs, steps = positions.shape[0], positions.shape[1] - 1
    out = np.full(runs, "slow", dtype=object)
    if steps >= 1:
        m = min(steps, max(5, steps // 10))
        moves = np.diff(positions[:, -m - 1 :], axis=1)
        longest = rowwise.norm(moves).max(axis=1)
        settled = (np.asarray(grad_norm_end) <= GRAD_TOL) & (longest <= STEP_TOL * scale)
        dots = rowwise.dot(moves[:, 1:], moves[:, :-1])
        if dots.shape[1]:
            out[np.mean(dots < 0, axis=1) >= REVERSAL_SHARE] = "oscillating"
        out[settled] = "converged"
    out[np.asarray(diverged_at) >= 0] = "diverged"
    return tuple(out.tolist())


def describe(verdict: str, diverged_at: int | None) -> str:
    """The legend text: "diverged at step 37", or the verdict itself."""
    return f"diverged at step {diverged_at}" if verdict == "diverged" else verdict
