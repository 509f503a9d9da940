"""Every size a user can choose, with its named maximum, in one place.

The core API enforces these with :func:`check` (a ``ValueError`` naming the
limit), and the widgets use them as their slider bounds, so a hostile URL or
a notebook call can never ask for unbounded work.
"""

from __future__ import annotations

MAX_STEPS = 2000
"""Steps of one trajectory."""

STEP_BUCKETS = (64, 128, 256, 512, 1024, 2048)
"""Scan lengths actually compiled: a run of n steps uses the smallest bucket >= n."""

MAX_RUNS = 8
"""Runs overlaid in one comparison."""

MAX_SEEDS = 50
"""Runs in the many-seeds cloud."""

MAX_LANDSCAPE_SIDE = 256
"""Cells per side of the lab's (alpha, k) landscape."""

MAX_LANDSCAPE_CELLS = 1024 * 1024
"""Cells of one landscape through the API; it runs in blocks, so memory stays bounded."""

MAX_SEARCH_BUDGET = 64
"""Trials of one hyperparameter search."""

MAX_SAMPLES = 1000
"""Training or validation samples of a generated data set."""

MAX_DEGREE = 20
"""Degree of the polynomial-regression model (degree + 1 parameters)."""

MAX_FORMULA_LENGTH = 300
"""Characters of a typed loss function."""

MAX_FORMULA_DEPTH = 30
"""Nesting depth of a typed loss function's syntax tree."""

MAX_EXPONENT = 64
"""Largest constant exponent allowed in a typed formula."""

DIVERGENCE_RADIUS = 1e6
"""A run has diverged once any coordinate exceeds this in magnitude."""


def check(name: str, value: float, maximum: float, minimum: float = 1) -> None:
    """Raise ``ValueError`` unless ``minimum <= value <= maximum``."""
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}.")


def bucket(steps: int) -> int:
    """The compiled scan length for ``steps``: the smallest bucket that holds it."""
    check("steps", steps, MAX_STEPS)
    return next(b for b in STEP_BUCKETS if b >= steps)
