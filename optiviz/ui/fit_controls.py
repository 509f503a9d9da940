"""Sidebar controls of fit: the model's degree and the weight decay λ."""

from __future__ import annotations

from optiviz.core import surfaces
from optiviz.ui.widgets import draw


def degree_surface() -> surfaces.Surface:
    """The "Model degree" slider, and the polynomial-regression surface of that degree."""
    return surfaces.polynomial_regression(int(draw("degree")))


def weight_decay_control() -> float:
    """The "Weight decay λ" slider on a log scale that starts at 0."""
    return float(draw("weight_decay"))
