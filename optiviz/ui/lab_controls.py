"""The lab's own sidebar controls: the space searched (``Axis``: k, or the weight decay λ
on data surfaces), the α range and the second axis's, the landscape's side, the search
budget and the seed."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from optiviz.core.surfaces import Surface
from optiviz.scenes.params import PARAMS
from optiviz.ui import state
from optiviz.ui.widgets import draw

SPACES = {"k": "α and decay rate k", "weight_decay": "α and weight decay λ (validation)"}


@dataclass(frozen=True)
class Axis:
    """The lab's second hyperparameter: its ``lab_space`` value, its range control, the
    explore page's control a clicked run sets, its axis title and symbol, and what a
    run's score is called."""

    space: str
    range_key: str
    setting: str
    title: str
    symbol: str
    scored_by: str


AXES = {
    "k": Axis("k", "lab_k", "k", "decay k", "k", "best loss"),
    "weight_decay": Axis(
        "weight_decay", "lab_decay", "weight_decay", "weight decay λ", "λ", "best validation loss"
    ),
}


def _widened(label: str, pair, options: list[float]) -> tuple[float, float]:
    """The range itself, or, when both handles sit on one value, that value's neighbours."""
    lo, hi = pair
    if lo < hi:
        return lo, hi
    i = options.index(lo)
    lo, hi = options[max(i - 1, 0)], options[min(i + 1, len(options) - 1)]
    st.sidebar.warning(f"{label} needs two different ends: searching {lo:g} to {hi:g}.")
    return lo, hi


def _range(key: str) -> tuple[float, float]:
    return _widened(PARAMS[key].label, draw(key), PARAMS[key].options())


SPACE_SURFACE = "_lab_space_surface"
"""The data surface the "Search over" choice was last drawn for."""


def _space(surface: Surface) -> str:
    """On data surfaces, which pair of hyperparameters the lab searches; k elsewhere. A
    data surface opens on its own space (λ on the polynomial model, k on the others),
    also when another data surface's was chosen before; a link's choice is kept."""
    if "validation_f" not in surface.extras:
        return "k"
    own = "weight_decay" if "degree" in surface.extras else "k"
    if state.get(SPACE_SURFACE, surface.name) != surface.name:
        state.set_values({"lab_space": own})
    state.default("lab_space", own)
    state.set_values({SPACE_SURFACE: surface.name})
    return draw("lab_space", format_func=SPACES.get)


def lab_controls(surface: Surface) -> dict:
    """The lab's own sidebar controls, below the shared ones: the space searched (and λ's
    range there), the α range (and k's), the landscape's side, the budget and the seed."""
    st.sidebar.markdown("**Search space**")
    axis = AXES[_space(surface)]
    decay_range = _range(axis.range_key) if axis.space == "weight_decay" else None
    alpha_range = _range("lab_alpha")
    second_range = decay_range or _range(axis.range_key)
    side, budget, seed = draw("lab_side"), draw("lab_budget"), int(draw("lab_seed"))
    return {
        "space": axis.space,
        "alpha_range": alpha_range,
        "second_range": second_range,
        "side": int(side),
        "budget": int(budget),
        "seed": seed,
    }
