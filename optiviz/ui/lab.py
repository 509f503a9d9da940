"""The hyperparameter lab: the (α, k) landscape, grid / random / Bayesian search on it,
and the learning-rate range test."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from optiviz import landscape, lr_range_test, optimizers, scenes, schedules, search
from optiviz.figures import lab as lab_figures
from optiviz.params import PARAMS
from optiviz.search import STRATEGIES, default_grid
from optiviz.settings import Settings
from optiviz.surfaces import Surface
from optiviz.ui import lab_views, state
from optiviz.ui import options as opt
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw

STRATEGY_LABELS = lab_views.STRATEGY_LABELS
METRICS = {"loss": "final loss (log₁₀)", "steps": "steps to reach the minimum"}


def _lab_schedule(s: Settings) -> str:
    """The landscape's k axis needs a schedule that reads k."""
    return s.schedule if s.schedule in schedules.USES_K else "exponential"


def _surface(s: Settings) -> Surface:
    return scenes.resolve_surface(s.surface, s.formula, s.degree)


def _kwargs(s: Settings) -> dict:
    kwargs = s.run_kwargs() | {"schedule": _lab_schedule(s)}
    for key in ("k", "noise", "batch_size", "seed"):
        kwargs.pop(key)
    return kwargs


@st.cache_data(max_entries=8, show_spinner=False)
def cached_landscape(s: Settings, alpha_range, k_range, side: int):
    """(alphas, ks, final losses, steps to tolerance) on a side x side log grid."""
    alphas, ks = default_grid(alpha_range, k_range, side)
    final, first = landscape(_surface(s), s.optimizer, alphas=alphas, ks=ks, **_kwargs(s))
    return alphas, ks, final, first


@st.cache_data(max_entries=16, show_spinner=False)
def cached_search(s: Settings, strategy: str, budget: int, alpha_range, k_range, seed: int):
    """One search's result (bounded cache)."""
    kwargs = _kwargs(s)
    return search(
        strategy,
        budget=budget,
        alpha_range=alpha_range,
        k_range=k_range,
        seed=seed,
        surface=_surface(s),
        optimizer=s.optimizer,
        **kwargs,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def cached_range_test(s: Settings, lr_min: float, lr_max: float, steps: int):
    """The range test for the settings' surface, optimizer and start."""
    return lr_range_test(
        _surface(s),
        s.optimizer,
        start=s.start,
        lr_min=lr_min,
        lr_max=lr_max,
        steps=steps,
        **s.hyper(),
    )


def open_in_explore(alpha: float, k: float | None, schedule: str) -> None:
    """Send a run to the explore page as a single run (values snapped to the sliders)."""
    values = {
        "page": "explore",
        "mode": "single",
        "schedule": schedule,
        "alpha": opt.nearest(opt.alpha_options(), alpha),
    }
    if k is not None:
        values["k"] = opt.nearest(opt.k_options()[1:], k)
    state.set_values(values)


def _on_cell_click(schedule: str) -> None:
    run = lab_views.clicked_run("landscape_chart")
    if run is not None:
        open_in_explore(*run, schedule)


def _widened(label: str, pair, options: list[float]) -> tuple[float, float]:
    """The range itself, or, when both handles sit on one value, that value's neighbours."""
    lo, hi = pair
    if lo < hi:
        return lo, hi
    i = options.index(lo)
    lo, hi = options[max(i - 1, 0)], options[min(i + 1, len(options) - 1)]
    st.sidebar.warning(f"{label} needs two different ends: searching {lo:g} to {hi:g}.")
    return lo, hi


def _k_range() -> tuple[float, float]:
    """Drawn only where the lab searches (α, k): the (α, λ) lab has its λ range instead."""
    return _widened("k range", draw("lab_k"), PARAMS["lab_k"].options())


def lab_controls(surface: Surface) -> dict:
    """The lab's own sidebar controls, below the shared ones."""
    st.sidebar.markdown("**Search space**")
    space = lab_views.space_controls(surface)
    alpha_range = draw("lab_alpha")
    k_range = _k_range() if space["space"] == "k" else None
    side, budget, seed = draw("lab_side"), draw("lab_budget"), int(draw("lab_seed"))
    return {
        "alpha_range": _widened("α range", alpha_range, PARAMS["lab_alpha"].options()),
        "k_range": k_range,
        "side": int(side),
        "budget": int(budget),
        "seed": seed,
        **space,
    }


def _shown_control() -> str:
    return draw("lab_shown", st, format_func=STRATEGY_LABELS.get, horizontal=True)


def _landscape_panel(s: Settings, c: dict) -> None:
    picture = lab_views.picture_control()
    metric = draw("lab_metric", st, format_func=METRICS.get, horizontal=True)
    shown = _shown_control()
    with st.spinner("Running every cell of the landscape…"):
        alphas, ks, final, first = cached_landscape(s, c["alpha_range"], c["k_range"], c["side"])
    results = {
        name: cached_search(s, name, c["budget"], c["alpha_range"], c["k_range"], c["seed"])
        for name in STRATEGIES
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log10(np.maximum(final, 1e-12)) if metric == "loss" else first.astype(float)
    values = np.where(np.isfinite(final), values, np.inf)
    left, right = st.columns([3, 2])
    with left:
        lab_views.draw_landscape(
            picture,
            alphas,
            ks,
            values,
            results[shown],
            (METRICS[metric], "decay k"),
            partial(_on_cell_click, _lab_schedule(s)),
        )
    with right:
        st.plotly_chart(lab_figures.best_so_far_figure(results), key="best_so_far")
        st.markdown(
            "  \n".join(
                f"**{STRATEGY_LABELS[n]}**: best loss {r.best_trial.loss:.4g} at "
                f"α={r.best_trial.alpha:.3g}, k={r.best_trial.k:.3g}"
                for n, r in results.items()
            )
        )
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
    st.plotly_chart(lab_figures.surrogate_figure(result.snapshots[i - 1]), key="surrogate")


def suggestion_button_text(suggested: float, stop: float) -> str:
    """The range test's button: the suggested α, and the slider stop it opens if that
    differs (the explore page's α slider has stops only)."""
    if f"{stop:.3g}" == f"{suggested:.3g}":
        return f"Use suggested α = {stop:g} in the main view"
    return f"Use suggested α ≈ {suggested:.3g} (nearest stop {stop:g}) in the main view"


def _range_test_panel(s: Settings) -> None:
    st.subheader("Learning-rate range test")
    test = cached_range_test(s, 1e-5, 10.0, 200)
    st.caption(
        "One run whose α grows every step. The loss first falls, then at some threshold "
        f"turns and rises: the turn (○) is the lowest point of the smoothed loss, at "
        f"α = {test.turn:.3g}. Pick α a little below it: the rule suggests the turn ÷ "
        f"{test.divisor:g} = {test.suggested:.3g} (◆), where the loss still falls fast."
    )
    st.plotly_chart(lab_figures.range_test_figure(test), key="range_test")
    stop = opt.nearest(opt.alpha_options(), test.suggested)
    st.button(
        suggestion_button_text(test.suggested, stop),
        key="rt_send",
        on_click=open_in_explore,
        args=(stop, None, "constant"),
        help="Opens the Explore page with this α (the α slider's stop) and a constant schedule.",
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
        if c["space"] == "weight_decay":
            lab_views.decay_panel(s, c, _shown_control)
        else:
            _landscape_panel(s, c)
    with panel("Range test"):
        _range_test_panel(s)
