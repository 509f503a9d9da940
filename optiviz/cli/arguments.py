"""Argument types of the ``optiviz`` command: each parses one string or says why not."""

from __future__ import annotations

import argparse

import numpy as np

from optiviz.core import limits

FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The core computes in float32: a larger number would become inf there."""

SEED_MAX = 2**31 - 1


def between(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False):
    """A type: a finite number in [lo, hi], with either end excluded when open."""

    def parse(text: str) -> float:
        value = number(text)
        low_ok = value > lo if lo_open else value >= lo
        high_ok = value < hi if hi_open else value <= hi
        if not (low_ok and high_ok):
            left, right = "(" if lo_open else "[", ")" if hi_open else "]"
            raise argparse.ArgumentTypeError(f"must be in {left}{lo:g}, {hi:g}{right}, got {text}")
        return value

    return parse


HYPER = {
    "momentum": ("β of momentum and Nesterov (default 0.9)", between(0, 1, hi_open=True)),
    "rho": ("decay ρ of RMSprop's average of g² (default 0.99)", between(0, 1, hi_open=True)),
    "beta1": ("β1 of Adam (default 0.9)", between(0, 1, hi_open=True)),
    "beta2": ("β2 of Adam (default 0.999)", between(0, 1, hi_open=True)),
    "eps": ("ε added to the adaptive rules' denominator", between(0, 1, lo_open=True)),
    "drop": ("factor of the step schedule at each drop (default 0.5)", between(0, 1, lo_open=True)),
    "every": ("steps between the step schedule's drops (default 10)", between(1, limits.MAX_STEPS)),
}
"""Optional hyperparameter flags shared by ``run`` and ``sweep``: their help and type."""

GRID_HELP = (
    "comma-separated values (0.01,0.1,1) or LO:HI:N, N log-spaced values from LO to HI "
    "inclusive (1e-3:1:32)"
)


def positive(text: str) -> float:
    """A finite number > 0 (for alpha)."""
    value = number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def number(text: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text}")
    if abs(value) > FLOAT32_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {FLOAT32_MAX:.3g} in size, got {text}")
    return value


def seed(text: str) -> int:
    """A seed, 0 to 2^31 - 1."""
    if not text.strip().isdigit() or int(text) > SEED_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {SEED_MAX}, got {text}")
    return int(text)


def point(text: str) -> tuple[float, ...]:
    """A start point "X" or "X,Y"."""
    return tuple(number(part) for part in text.split(","))


def grid(text: str, *, zero_ok: bool) -> np.ndarray:
    """Values from a comma list or LO:HI:N (N log-spaced values, both ends included, so
    0 < LO <= HI); every value > 0, or >= 0 when ``zero_ok``; at most
    ``limits.MAX_LANDSCAPE_SIDE`` of them."""
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise argparse.ArgumentTypeError(f"a range is LO:HI:N, got {text!r}")
        lo, hi, n = number(parts[0]), number(parts[1]), count(parts[2])
        if not 0 < lo <= hi:
            raise argparse.ArgumentTypeError(f"a log range needs 0 < LO <= HI, got {text!r}")
        values = np.geomspace(lo, hi, n)
    else:
        values = np.array([number(part) for part in text.split(",")])
        count(str(values.size))
    if np.any(values < 0) or (not zero_ok and np.any(values == 0)):
        sign = ">= 0" if zero_ok else "> 0"
        raise argparse.ArgumentTypeError(f"every value must be {sign}, got {text!r}")
    return values


def count(text: str) -> int:
    """A whole number of grid values, 1 to ``limits.MAX_LANDSCAPE_SIDE``."""
    if not text.strip().isdigit() or not 1 <= int(text) <= limits.MAX_LANDSCAPE_SIDE:
        raise argparse.ArgumentTypeError(
            f"the number of values must be between 1 and {limits.MAX_LANDSCAPE_SIDE}, got {text}"
        )
    return int(text)
