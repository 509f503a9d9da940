"""The explore page's settings spelled out, for the tests and the benchmarks."""

from __future__ import annotations

from typing import Any

FOUR = ("too small", "good", "too large", "my α")
"""The race of the first screen once α has moved: the three presets and "my α"."""


def staircase_settings(**changes: Any):
    """The explore page's ``Settings`` on the staircase, spelled out: the race of the four
    rates (``FOUR``) with gradient descent, a constant α = 0.8, 150 steps from (0.3, 1.0),
    PyTorch's defaults for the other knobs. ``changes`` replace fields."""
    from optiviz.scenes.settings import Settings

    base = {
        "surface": "staircase",
        "mode": "compare",
        "optimizer": "sgd",
        "compare_optimizers": ("sgd",),
        "presets": FOUR,
        "alpha": 0.8,
        "schedule": "constant",
        "k": 0.0,
        "drop": 0.5,
        "every": 10,
        "staircase": False,
        "momentum": 0.9,
        "rho": 0.99,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "steps": 150,
        "start": (0.3, 1.0),
    }
    return Settings(**(base | changes))
