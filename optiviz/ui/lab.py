"""The hyperparameter lab: a landscape over α and a second hyperparameter, grid / random /
Bayesian search on it, and the learning-rate range test.

The second axis (``Axis``) is the schedule's decay rate k on the 2-D registry surfaces,
scored by the final training loss, or, on data surfaces, the weight decay λ, scored by the
final validation loss, so that the search looks for the weight decay that generalises.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

from optiviz import landscape, lr_range_test, scenes, search
from optiviz.analysis import decay_search
from optiviz.analysis.search import STRATEGIES, SearchResult, default_grid
from optiviz.core import optimizers, schedules
from optiviz.core.surfaces import Surface
from optiviz.figures import lab as lab_figures
from optiviz.figures import lab_range_test, lab_search
from optiviz.figures.landscape3d import landscape_3d_figure
from optiviz.scenes import params
from optiviz.scenes.params import PARAMS
from optiviz.scenes.settings import Settings
from optiviz.ui import options as opt
from optiviz.ui import state
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw

PICTURES = params.LAB_PICTURES
SPACES = {"k": "α and decay rate k", "weight_decay": "α and weight decay λ (validation)"}
STRATEGY_LABELS = {"grid": "Grid", "random": "Random", "bayes": "Bayesian (GP + EI)"}
METRICS = {"loss": "final loss (log₁₀)", "steps": "steps to reach the minimum"}
VALIDATION_LABEL = "final validation loss (log₁₀)"


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


def _lab_schedule(s: Settings) -> str:
    """The landscape's k axis needs a schedule that reads k."""
    return s.schedule if s.schedule in schedules.USES_K else "exponential"


def _surface(s: Settings) -> Surface:
    return scenes.resolve_surface(s.surface, s.formula, s.degree)


def _kwargs(s: Settings, axis: str = "k") -> dict:
    """The settings' run, full batch and noiseless; k or λ comes from the lab's axis."""
    kwargs = s.run_kwargs()
    if axis == "k":
        kwargs["schedule"] = _lab_schedule(s)
    for key in ("noise", "batch_size", "seed", axis):
        kwargs.pop(key)
    return kwargs


UNREAD = {"mode": "single", "presets": (), "alpha": 0.0, "noise": 0.0, "batch_size": None}
UNREAD |= {"seed": 0, "n_seeds": Settings.n_seeds}
"""Settings fields no computation of the lab reads (its runs are full batch and
noiseless; α and the second axis are the landscape's and the searches' own), at the
values ``lab_settings`` gives them."""
SURFACES = 12
"""How many lab pages' results a server keeps: the warm-up's lab visits (``ui.warmup``:
each 2-D registry surface's, the polynomial's, the lab lessons'); each cache holds that
many and four more for a class's own settings."""


def lab_settings(s: Settings, space: str) -> Settings:
    """``s`` as the lab's computations read it when searching ``space``, the key of its
    caches: the ``UNREAD`` fields, the hyperparameters the optimizer does not read
    (``optimizers.HYPERPARAMS``), the schedule's knobs it does not read and, on the k
    axis, k itself at fixed values, so that the lab's results answer for every view that
    shares what the lab runs."""
    used = optimizers.HYPERPARAMS[s.optimizer]
    values = {k: v for k, v in optimizers.OptimizerParams()._asdict().items() if k not in used}
    step, uses_k = s.schedule == "step", s.schedule in schedules.USES_K
    read = {"drop": step, "every": step or uses_k, "staircase": uses_k}
    values |= {key: PARAMS[key].default for key, kept in read.items() if not kept}
    if space == "k" or not uses_k:
        values["k"] = 0.0
    return dataclasses.replace(s, compare_optimizers=(s.optimizer,), **UNREAD, **values)


@st.cache_data(max_entries=SURFACES + 4, show_spinner=False)
def cached_landscape(s: Settings, alpha_range, k_range, side: int):
    """(alphas, ks, final losses, steps to tolerance) on a side x side log grid."""
    alphas, ks = default_grid(alpha_range, k_range, side)
    final, first = landscape(_surface(s), s.optimizer, alphas=alphas, ks=ks, **_kwargs(s))
    return alphas, ks, final, first


def _search(s: Settings, space: str, strategy: str, budget: int, ranges, seed: int):
    """One search over α and the ``space`` axis (k or λ), in the ``ranges``' bounds."""
    alpha_range, second_range = ranges
    run = search if space == "k" else decay_search.decay_search
    second = {"k_range" if space == "k" else "decay_range": second_range}
    kwargs = {"surface": _surface(s), "optimizer": s.optimizer, **_kwargs(s, space)}
    return run(strategy, budget=budget, alpha_range=alpha_range, seed=seed, **second, **kwargs)


@st.cache_data(max_entries=len(STRATEGIES) * (SURFACES + 4), show_spinner=False)
def cached_search(s: Settings, strategy: str, budget: int, alpha_range, k_range, seed: int):
    """One (α, k) search's result (bounded cache)."""
    return _search(s, "k", strategy, budget, (alpha_range, k_range), seed)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_decay_landscape(s: Settings, alpha_range, decay_range, side: int):
    """(alphas, decays, final validation losses) on a side x side log grid."""
    alphas, decays = default_grid(alpha_range, decay_range, side)
    values = decay_search.decay_landscape(
        _surface(s), s.optimizer, alphas=alphas, decays=decays, **_kwargs(s, "weight_decay")
    )
    return alphas, decays, values


@st.cache_data(max_entries=16, show_spinner=False)
def cached_decay_search(s: Settings, strategy: str, budget: int, alpha_range, decay_range, seed):
    """One (α, λ) search's result (bounded cache)."""
    return _search(s, "weight_decay", strategy, budget, (alpha_range, decay_range), seed)


@st.cache_data(max_entries=SURFACES + 4, show_spinner=False)
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


RANGE_TEST = (1e-5, 10.0, 200)
"""The range test's (lr_min, lr_max, steps)."""


def score_calls(s: Settings, space: str, c: dict) -> list[Callable[[], object]]:
    """The cached calls the landscape panel makes for lab settings ``s``
    (``lab_settings``) and lab controls ``c`` searching ``space``, in its order: the
    landscape, then each strategy's search."""
    ranges = (c["alpha_range"], c["second_range"])
    landscape = cached_landscape if space == "k" else cached_decay_landscape
    searched = cached_search if space == "k" else cached_decay_search
    calls = [partial(landscape, s, *ranges, c["side"])]
    return calls + [partial(searched, s, n, c["budget"], *ranges, c["seed"]) for n in STRATEGIES]


def scores(s: Settings, space: str, c: dict) -> tuple:
    """The results of ``score_calls``: (alphas, the second axis's values, the final losses,
    the steps to tolerance or None, each strategy's result)."""
    grid, *found = (call() for call in score_calls(s, space, c))
    alphas, seconds, final, *first = grid
    results = dict(zip(STRATEGIES, found, strict=True))
    return alphas, seconds, final, first[0] if first else None, results


def explore_alpha(alpha: float) -> float:
    """The α the explore page opens for a run of the lab: ``alpha`` to three significant
    digits, which its α slider takes exactly (between two stops, ``Param.between``)."""
    lo, hi = PARAMS["alpha"].span()
    return float(np.clip(float(f"{alpha:.3g}"), lo, hi))


def open_in_explore(alpha: float, axis: Axis | None, value: float | None, schedule: str) -> None:
    """Send a run to the explore page as a single run: α to three digits
    (``explore_alpha``), the second hyperparameter where ``axis`` names one snapped to its
    control's stops; the schedule too, where ``schedule`` is not empty."""
    values = {"page": "explore", "mode": "single", "alpha": explore_alpha(alpha)}
    if schedule:
        values["schedule"] = schedule
    if axis is not None and value is not None:
        values[axis.setting] = opt.nearest(PARAMS[axis.range_key].options(), value)
    state.set_values(values)


def customdata_pair(custom: object) -> tuple[float, float] | None:
    """The first two entries of a clicked point's ``customdata`` as positive floats, or None.

    Streamlit hands on the point as plotly.js gives it: a list where the figure held a
    list, but an object ``{"0": α, "1": k, ...}`` where it held a NumPy array (plotly.py
    sends arrays as typed arrays, and a typed-array row turns into such an object in JSON).
    """
    if isinstance(custom, Mapping):
        custom = [custom.get(str(i), custom.get(i)) for i in range(2)]
    if isinstance(custom, str) or not isinstance(custom, Sequence) or len(custom) < 2:
        return None
    try:
        pair = float(custom[0]), float(custom[1])
    except (TypeError, ValueError):
        return None
    return pair if all(math.isfinite(v) and v > 0 for v in pair) else None


def _on_click(axis: Axis, schedule: str) -> None:
    point = state.clicked_point("landscape_chart") or {}
    run = customdata_pair(point.get("customdata"))
    if run is not None:
        open_in_explore(run[0], axis, run[1], schedule)


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


def _draw_landscape(picture: str, alphas, seconds, values, result: SearchResult, labels, on_click):
    """The landscape as the chosen picture, with ``result``'s trials and best trial."""
    z_label, y_label = labels
    marks = {"trials": result.trials, "best": result.best_trial, "y_label": y_label}
    if picture == PICTURES[1]:
        fig = landscape_3d_figure(alphas, seconds, values, **marks, z_label=z_label)
        st.plotly_chart(fig, key="landscape_3d")
        st.caption("Height and colour are the score; holes are runs that diverged.")
        return
    fig = lab_figures.landscape_figure(alphas, seconds, values, **marks, metric_label=z_label)
    st.plotly_chart(fig, key="landscape_chart", on_select=on_click, selection_mode="points")
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
        st.plotly_chart(lab_search.best_so_far_figure(results), key="best_so_far")
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
    st.plotly_chart(lab_search.surrogate_figure(result.snapshots[i - 1]), key="surrogate")


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
    st.plotly_chart(lab_range_test.range_test_figure(test), key="range_test")
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
