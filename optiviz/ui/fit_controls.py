"""Sidebar controls of fit: the model's degree and the weight decay λ."""

from __future__ import annotations

import streamlit as st

from optiviz import limits, surfaces
from optiviz.ui import options as opt
from optiviz.ui import state

DEFAULT_DEGREE = 15


def degree_surface() -> surfaces.Surface:
    """The "Model degree" slider, and the polynomial-regression surface of that degree."""
    state.default("degree", DEFAULT_DEGREE)
    degree = st.sidebar.slider(
        "Model degree",
        0,
        limits.MAX_DEGREE,
        key="degree",
        help="The polynomial's degree (it has degree + 1 coefficients): 1 is a straight "
        "line that underfits sin(πx); 15 can bend through every noisy point and overfits.",
        **state.BIND,
    )
    return surfaces.polynomial_regression(int(degree))


def weight_decay_control() -> float:
    """The "Weight decay λ" slider on a log scale that starts at 0."""
    state.default("weight_decay", 0.0)
    return float(
        st.sidebar.select_slider(
            "Weight decay λ",
            opt.decay_options(),
            format_func=opt.fmt,
            key="weight_decay",
            help="Pulls every weight towards 0 each step (g ← g + λx; AdamW: x ← x − αλx), "
            "while the loss shown stays the data loss, without the λ|x|²/2 penalty.",
            **state.BIND,
        )
    )
