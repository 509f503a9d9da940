"""The hyperparameter lab: a landscape over α and a second hyperparameter, grid / random /
Bayesian search on it, and the learning-rate range test.

The second axis (``Axis``) is the schedule's decay rate k on the 2-D registry surfaces,
scored by the final training loss, or, on data surfaces, the weight decay λ, scored by the
final validation loss, so that the search looks for the weight decay that generalises.
This module draws the page; its computations are ``lab_results``', its sidebar
``lab_controls``', and a run opened on the explore page ``lab_open``'s.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from optiviz.analysis.search import SearchResult
from optiviz.core import optimizers, schedules
from optiviz.core.surfaces import Surface
from optiviz.figures import lab as lab_figures
from optiviz.figures import lab_range_test, lab_search
from optiviz.figures.landscape3d import landscape_3d_figure
from optiviz.scenes import params
from optiviz.scenes.settings import Settings
from optiviz.ui.figure import figure
from optiviz.ui.lab_controls import AXES, Axis
from optiviz.ui.lab_open import _on_click, explore_alpha, open_in_explore
from optiviz.ui.lab_results import (
    RANGE_TEST,
    _lab_schedule,
    cached_range_test,
    lab_settings,
    scores,
)
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw

PICTURES = params.LAB_PICTURES
STRATEGY_LABELS = {"grid": "Grid", "random": "Random", "bayes": "Bayesian (GP + EI)"}
METRICS = {"loss": "final loss (log₁₀)", "steps": "steps to reach the minimum"}
VALIDATION_LABEL = "final validation loss (log₁₀)"
CONFIG = {"displaylogo": False}
"""plotly.js's config for the lab's figures (``optiviz.ui.figure``, the page's own plotly.js)."""


def _draw_landscape(picture: str, alphas, seconds, values, result: SearchResult, labels, on_click):
    """The landscape as the chosen picture, with ``result``'s trials and best trial."""
    z_label, y_label = labels
    marks = {"trials": result.trials, "best": result.best_trial, "y_label": y_label}
    if picture == PICTURES[1]:
        fig = landscape_3d_figure(alphas, seconds, values, **marks, z_label=z_label)
        figure(fig, key="landscape_3d", config=CONFIG)
        st.caption("Height and colour are the score; holes are runs that diverged.")
        return
    fig = lab_figures.landscape_figure(alphas, seconds, values, **marks, metric_label=z_label)
    figure(fig, key="landscape_chart", config=CONFIG, on_click=on_click)
    st.caption(
        "Grey cells diverged. Click a cell or a trial to open that run. A trial whose "
        "number would sit on an earlier one's is left unnumbered: hover it to read it."
    )


def _scores(s: Settings, axis: Axis, c: dict, metric: str) -> tuple:
    """(alphas, the second axis's values, the map's values, each strategy's result)."""
    with st.spinner("Running every cell of the landscape…"):
        alphas, seconds, final, first, results = scores(lab_settings(s, axis.space), axis.space, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log10(np.maximum(final, 1e-12)) if metric == "loss" else first.astype(float)
    return alphas, seconds, np.where(np.isfinite(final), values, np.inf), results


def _landscape_panel(s: Settings, axis: Axis, c: dict) -> None:
    picture = draw("lab_picture", st) or PICTURES[0]
    if axis.space == "k":
        metric = draw("lab_metric", st, format_func=METRICS.get, horizontal=True)
        title, schedule = METRICS[metric], _lab_schedule(s)
    else:
        metric, title, schedule = "loss", VALIDATION_LABEL, ""
    shown = draw("lab_shown", st, format_func=STRATEGY_LABELS.get, horizontal=True)
    alphas, seconds, values, results = _scores(s, axis, c, metric)
    left, right = st.columns([3, 2])
    with left:
        _draw_landscape(
            picture,
            alphas,
            seconds,
            values,
            results[shown],
            (title, axis.title),
            partial(_on_click, axis, schedule),
        )
    with right:
        figure(lab_search.best_so_far_figure(results), key="best_so_far", config=CONFIG)
        st.markdown(
            "  \n".join(
                f"**{STRATEGY_LABELS[n]}**: {axis.scored_by} {r.best_trial.loss:.4g} at "
                f"α={r.best_trial.alpha:.3g}, {axis.symbol}={r.best_trial.k:.3g}"
                for n, r in results.items()
            )
        )
    if axis.space == "k":
        _surrogate(results["bayes"])


def _surrogate(result) -> None:
    if not result.snapshots:
        return
    st.subheader("What Bayesian search believes")
    i = st.slider(
        "Bayesian step",
        1,
        len(result.snapshots),
        len(result.snapshots),
        key="lab_snapshot",
        help="Scrub through the search: the surrogate's mean and uncertainty after "
        "the trials so far, and where expected improvement sends the next run.",
    )
    figure(lab_search.surrogate_figure(result.snapshots[i - 1]), key="surrogate", config=CONFIG)


def suggestion_button_text(alpha: float) -> str:
    """The range test's button, naming the α it opens (``explore_alpha``)."""
    return f"Use suggested α = {alpha:g} in the main view"


def _range_test_panel(s: Settings) -> None:
    st.subheader("Learning-rate range test")
    test = cached_range_test(s, *RANGE_TEST)
    st.caption(
        "One run whose α grows every step. The loss first falls, then at some threshold "
        f"turns and rises: the turn (○) is the lowest point of the smoothed loss, at "
        f"α = {test.turn:.3g}. Pick α a little below it: the rule suggests the turn ÷ "
        f"{test.divisor:g} = {test.suggested:.3g} (◆), where the loss still falls fast."
    )
    figure(lab_range_test.range_test_figure(test), key="range_test", config=CONFIG)
    alpha = explore_alpha(test.suggested)
    st.button(
        suggestion_button_text(alpha),
        key="rt_send",
        on_click=open_in_explore,
        args=(alpha, None, None, "constant"),
        help="Opens the Explore page with this α, exactly, and a constant schedule.",
    )


def render(s: Settings, surface: Surface, c: dict) -> None:
    """The lab page body for shared settings ``s`` and lab controls ``c``."""
    st.caption(surface.description)
    if s.weight_decay > 0:
        st.caption(optimizers.PENALTY_NOTE)
    if c["space"] == "k" and s.schedule not in schedules.USES_K:
        st.info(
            "The landscape's k axis is a decay rate, so this page uses exponential "
            "decay α₀·e^(−kt). Choose 1/t decay in the sidebar to search that instead."
        )
    with panel("Landscape and search"):
        _landscape_panel(s, AXES[c["space"]], c)
    with panel("Range test"):
        _range_test_panel(lab_settings(s, c["space"]))
