"""The stops of the page's sliders and pickers: even log grids of α, k, weight decay and ε,
the batch sizes of a data set, and the option nearest a value (``optiviz.scenes.params``'s
rows name them as their ``stops``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


def _nice(values: np.ndarray) -> list[float]:
    return sorted({float(f"{v:.2g}") for v in values})


ALPHA_PER_DECADE = 16
"""The α slider's stops per decade of its even log grid."""


@lru_cache(maxsize=1)
def _alpha_grid() -> tuple[float, ...]:
    n = ALPHA_PER_DECADE
    return tuple(_nice(10 ** (np.arange(-5 * n, int(2.5 * n) + 1) / n)))


def alpha_options() -> list[float]:
    """The α slider's stops: an even log grid from 1e-5 to 320, ``ALPHA_PER_DECADE`` a
    decade (10^(i/16), two significant digits). Presets and lessons' rates are not stops:
    the track marks each preset, and a rate between two stops (a preset's, a lesson's, a
    link's) is taken exactly as the slider's current value (``Param.shown_stops``)."""
    return list(_alpha_grid())


@lru_cache(maxsize=1)
def _k_grid() -> tuple[float, ...]:
    return (0.0, *_nice(10 ** (np.arange(-4 * 8, 1) / 8)))


def k_options() -> list[float]:
    """Decay rates: 0, then a log scale from 1e-4 to 1 (eight a decade, two significant
    digits)."""
    return list(_k_grid())


@lru_cache(maxsize=1)
def _decay_grid() -> tuple[float, ...]:
    return (0.0, *_nice(10 ** (np.arange(-5 * 3, 1 * 3 + 1) / 3)))


def decay_options() -> list[float]:
    """Weight decays: 0, then a log scale from 1e-5 to 10 (three per decade)."""
    return list(_decay_grid())


def eps_options() -> list[float]:
    """Epsilons from 1e-12 to 1e-1 in decades."""
    return [float(f"1e{e}") for e in range(-12, 0)]


def batch_options(n: int) -> list[int]:
    """Batch sizes 1, 2, 4, ... and n itself."""
    powers = [2**i for i in range(int(np.log2(n)) + 1)]
    return sorted(set(powers) | {n})


def nearest(values: Sequence[float], x: float) -> float:
    """The option closest to x on a log scale (x and options positive)."""
    target = np.log(max(float(x), 1e-300))
    return min(values, key=lambda v: abs(np.log(max(v, 1e-300)) - target))
