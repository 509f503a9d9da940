"""The choices the controls offer, derived from the core registries (no Streamlit here)."""

from __future__ import annotations

import numpy as np

from optiviz import limits, optimizers, schedules, surfaces

MODES = {
    "compare": "Compare learning rates",
    "optimizers": "Compare optimizers",
    "single": "Single run",
    "seeds": "Many seeds (noise)",
}
"""View modes: key to label."""

PAGES = {"explore": "Explore", "lab": "Hyperparameter lab", "lessons": "Lessons"}


def _nice(values: np.ndarray) -> list[float]:
    return sorted({float(f"{v:.2g}") for v in values})


def alpha_options() -> list[float]:
    """Learning rates on a log scale from 1e-5 to 300, plus every surface's presets."""
    grid = _nice(10 ** (np.arange(-5 * 16, 2.5 * 16 + 1) / 16))
    presets = [v for n in surfaces.names() for v in surfaces.get(n).lr_presets.values()]
    return sorted(set(grid) | {float(v) for v in presets})


def default_alpha(surface: surfaces.Surface) -> float:
    """The α a surface opens with, on the slider's scale: its "good" preset, or, where it
    has none, the geometric mean of "too small" and the next preset up."""
    rates = list(surface.lr_presets.values())
    between = float(np.sqrt(rates[0] * rates[min(1, len(rates) - 1)]))
    return nearest(alpha_options(), surface.lr_presets.get("good", between))


def available_presets(surface: surfaces.Surface) -> list[str]:
    """The comparison picker's choices: the surface's own preset labels, then "my α"."""
    return [*surface.lr_presets, "my α"]


def k_options() -> list[float]:
    """Decay rates: 0, then a log scale from 1e-4 to 1."""
    return [0.0, *_nice(10 ** (np.arange(-4 * 8, 1) / 8))]


def decay_options() -> list[float]:
    """Weight decays: 0, then a log scale from 1e-5 to 10 (three per decade)."""
    return [0.0, *_nice(10 ** (np.arange(-5 * 3, 1 * 3 + 1) / 3))]


def eps_options() -> list[float]:
    """Epsilons from 1e-12 to 1e-1 in decades."""
    return [float(f"1e{e}") for e in range(-12, 0)]


def batch_options(n: int) -> list[int]:
    """Batch sizes 1, 2, 4, ... and n itself."""
    powers = [2**i for i in range(int(np.log2(n)) + 1)]
    return sorted(set(powers) | {n})


def nearest(values: list[float], x: float) -> float:
    """The option closest to x on a log scale (x and options positive)."""
    target = np.log(max(float(x), 1e-300))
    return min(values, key=lambda v: abs(np.log(max(v, 1e-300)) - target))


def fmt(value: float) -> str:
    """A compact number: 0.055, 1e-05, 300."""
    return f"{value:g}"


SURFACE_NAMES = surfaces.names()
OPTIMIZER_NAMES = list(optimizers.OPTIMIZERS)
SCHEDULE_NAMES = list(schedules.SCHEDULES)
STEP_RANGE = (10, limits.MAX_STEPS)
