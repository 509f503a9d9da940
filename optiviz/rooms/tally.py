"""What a class question's answer is, and how the class did: pure NumPy on trajectories.

- **where**: the ball's position after N steps, ``positions[N]``; a guess counts when it
  lies within ``radius(surface)`` of it (Euclidean distance over the map's axes).
- **which settles first**: the run whose settling step is smallest, where a run settles
  at the first step t from which every later position stays within
  ``SETTLE_SHARE × surface.scale`` of its last one (never, for a run that diverged).
- **which diverges first**: the run with the smallest ``diverged_at``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from optiviz.core.dynamics import Trajectory

SETTLE_SHARE = 0.01
"""A run has settled once it stays within this share of the map's diagonal of its end."""
RADIUS_SHARE = 0.1
"""A where guess is right within about this share of the map's diagonal."""
ASKS = {"settles": "settles first", "diverges": "diverges first"}


def radius(scale: float) -> float:
    """``RADIUS_SHARE × scale`` rounded down to 1, 2 or 5 times a power of ten, so the
    summary says "within 0.5" rather than "within 0.566" (rosenbrock: scale 5.66 → 0.5)."""
    raw = RADIUS_SHARE * scale
    decade = 10.0 ** math.floor(math.log10(raw))
    return max(m * decade for m in (1.0, 2.0, 5.0) if m * decade <= raw * (1 + 1e-9))


def position_at(trajectory: Trajectory, n: int) -> np.ndarray | None:
    """The ball's position after ``n`` steps, or None where it had diverged by then."""
    if trajectory.diverged_at is not None and trajectory.diverged_at <= n:
        return None
    point = np.asarray(trajectory.positions[n], dtype=np.float64)
    return point if np.all(np.isfinite(point)) else None


def settle_step(trajectory: Trajectory, scale: float) -> int | None:
    """The first step from which the run stays within ``SETTLE_SHARE × scale`` of its
    last position; None for a diverged run."""
    if trajectory.diverged_at is not None:
        return None
    p = np.asarray(trajectory.positions, dtype=np.float64)
    far = np.linalg.norm(p - p[-1], axis=1) > SETTLE_SHARE * scale
    hits = np.flatnonzero(far)
    return 0 if hits.size == 0 else int(hits[-1]) + 1


def right_choice(
    trajectories: Mapping[str, Trajectory], ask: str, scale: float
) -> tuple[str, int] | None:
    """The label that ``ask`` ("settles" or "diverges") names, with its step; None if no
    run settles (or diverges). Ties go to the first label."""
    if ask == "settles":
        steps = {k: settle_step(t, scale) for k, t in trajectories.items()}
    else:
        steps = {k: t.diverged_at for k, t in trajectories.items()}
    found = [(s, i, k) for i, (k, s) in enumerate(steps.items()) if s is not None]
    if not found:
        return None
    step, _, label = min(found)
    return label, step


def within(answers: Sequence[Mapping], target: np.ndarray, r: float) -> int:
    """How many point answers lie within ``r`` of ``target``."""
    axes = ("x", "y")[: len(target)]
    if not answers:
        return 0
    guesses = np.array([[a[k] for k in axes] for a in answers], dtype=np.float64)
    return int(np.sum(np.linalg.norm(guesses - target, axis=1) <= r))


def where_summary(answers: Sequence[Mapping], target: np.ndarray | None, r: float, n: int) -> str:
    """One line: "14 of 27 guessed within 0.5 of where the ball was after 40 steps"."""
    total = len(answers)
    if total == 0:
        return "Nobody answered."
    if target is None:
        return f"The ball had left the map by step {n}: none of the {total} guesses could be right."
    hits = within(answers, target, r)
    return f"{hits} of {total} guessed within {r:g} of where the ball was after {n} steps."


def counts(answers: Sequence[Mapping], choices: Sequence[str]) -> list[int]:
    """How many answers picked each choice, in the choices' order."""
    seen = Counter(a["choice"] for a in answers)
    return [seen.get(c, 0) for c in choices]


def which_summary(
    answers: Sequence[Mapping], choices: Sequence[str], right: tuple[str, int] | None, ask: str
) -> str:
    """One line: "9 of 27 picked good α=0.1, which settles first (step 31)"."""
    total = len(answers)
    if total == 0:
        return "Nobody answered."
    if right is None:
        verb = "settled" if ask == "settles" else "diverged"
        top = max(zip(counts(answers, choices), choices, strict=True))
        return f"No run {verb}; the most picked was {top[1]} ({top[0]} of {total})."
    label, step = right
    hits = counts(answers, [label])[0]
    return f"{hits} of {total} picked {label}, which {ASKS[ask]} (step {step})."
