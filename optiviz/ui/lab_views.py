"""The lab's landscape picture (a map or a 3-D surface) and its (α, λ) search space.

The (α, λ) space exists on data surfaces: each run is scored by its final
validation loss, so the search looks for the weight decay that generalises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import streamlit as st

from optiviz import decay_search, params, scenes
from optiviz.figures import lab as lab_figures
from optiviz.figures.landscape3d import landscape_3d_figure
from optiviz.params import PARAMS
from optiviz.search import STRATEGIES, SearchResult, default_grid
from optiviz.settings import Settings
from optiviz.surfaces import Surface
from optiviz.ui import options as opt
from optiviz.ui import state
from optiviz.ui.widgets import draw

PICTURES = params.LAB_PICTURES
SPACES = {"k": "α and decay rate k", "weight_decay": "α and weight decay λ (validation)"}
VALIDATION_LABEL = "final validation loss (log₁₀)"
STRATEGY_LABELS = {"grid": "Grid", "random": "Random", "bayes": "Bayesian (GP + EI)"}


def space_controls(surface: Surface) -> dict:
    """On data surfaces, which pair of hyperparameters the lab searches, and λ's range."""
    if "validation_f" not in surface.extras:
        return {"space": "k"}
    state.default("lab_space", "weight_decay" if "degree" in surface.extras else "k")
    space = draw("lab_space", format_func=SPACES.get)
    if space != "weight_decay":
        return {"space": space}
    options = PARAMS["lab_decay"].options()
    lo, hi = draw("lab_decay")
    if lo >= hi:
        i = options.index(lo)
        lo, hi = options[max(i - 1, 0)], options[min(i + 1, len(options) - 1)]
    return {"space": space, "decay_range": (lo, hi)}


def picture_control() -> str:
    """Map (clickable) or 3-D surface, for the landscape."""
    return draw("lab_picture", st) or PICTURES[0]


def draw_landscape(
    picture: str, alphas, seconds, values, result: SearchResult, labels: tuple[str, str], on_click
) -> None:
    """The landscape as the chosen picture, with ``result``'s trials and best trial."""
    z_label, y_label = labels
    if picture == PICTURES[1]:
        fig = landscape_3d_figure(
            alphas,
            seconds,
            values,
            trials=result.trials,
            best=result.best_trial,
            y_label=y_label,
            z_label=z_label,
        )
        st.plotly_chart(fig, key="landscape_3d")
        st.caption("Height and colour are the score; holes are runs that diverged.")
        return
    fig = lab_figures.landscape_figure(
        alphas,
        seconds,
        values,
        trials=result.trials,
        best=result.best_trial,
        metric_label=z_label,
        y_label=y_label,
    )
    st.plotly_chart(fig, key="landscape_chart", on_select=on_click, selection_mode="points")
    st.caption(
        "Grey cells diverged. Click a cell or a trial to open that run. A trial whose "
        "number would sit on an earlier one's is left unnumbered: hover it to read it."
    )


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


def clicked_run(chart_key: str) -> tuple[float, float] | None:
    """(α, the second hyperparameter) of the point a click on chart ``chart_key`` chose."""
    return customdata_pair((state.clicked_point(chart_key) or {}).get("customdata"))


def _kwargs(s: Settings) -> dict:
    """The settings' run, full batch and noiseless; λ comes from the search."""
    kwargs = s.run_kwargs()
    for key in ("noise", "batch_size", "seed", "weight_decay"):
        kwargs.pop(key)
    return kwargs


def _surface(s: Settings) -> Surface:
    return scenes.resolve_surface(s.surface, s.formula, s.degree)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_decay_landscape(s: Settings, alpha_range, decay_range, side: int):
    """(alphas, decays, final validation losses) on a side x side log grid."""
    alphas, decays = default_grid(alpha_range, decay_range, side)
    values = decay_search.decay_landscape(
        _surface(s), s.optimizer, alphas=alphas, decays=decays, **_kwargs(s)
    )
    return alphas, decays, values


@st.cache_data(max_entries=16, show_spinner=False)
def cached_decay_search(s: Settings, strategy: str, budget: int, alpha_range, decay_range, seed):
    """One (α, λ) search's result (bounded cache)."""
    return decay_search.decay_search(
        strategy,
        budget=budget,
        alpha_range=alpha_range,
        decay_range=decay_range,
        seed=seed,
        surface=_surface(s),
        optimizer=s.optimizer,
        **_kwargs(s),
    )


def _open_run(alpha: float, decay: float) -> None:
    state.set_values(
        {
            "page": "explore",
            "mode": "single",
            "alpha": opt.nearest(opt.alpha_options(), alpha),
            "weight_decay": opt.nearest(opt.decay_options()[1:], decay),
        }
    )


def _on_click() -> None:
    run = clicked_run("landscape_chart")
    if run is not None:
        _open_run(*run)


def decay_panel(s: Settings, c: dict, shown_control: Callable[[], str]) -> None:
    """The (α, λ) landscape scored by validation loss, its searches and best-so-far."""
    picture = picture_control()
    shown = shown_control()
    with st.spinner("Running every cell of the landscape…"):
        alphas, decays, final = cached_decay_landscape(
            s, c["alpha_range"], c["decay_range"], c["side"]
        )
    results = {
        name: cached_decay_search(
            s, name, c["budget"], c["alpha_range"], c["decay_range"], c["seed"]
        )
        for name in STRATEGIES
    }
    values = np.where(np.isfinite(final), np.log10(np.maximum(final, 1e-12)), np.inf)
    left, right = st.columns([3, 2])
    with left:
        labels = (VALIDATION_LABEL, "weight decay λ")
        draw_landscape(picture, alphas, decays, values, results[shown], labels, _on_click)
    with right:
        st.plotly_chart(lab_figures.best_so_far_figure(results), key="best_so_far")
        st.markdown(
            "  \n".join(
                f"**{STRATEGY_LABELS[n]}**: best validation loss {r.best_trial.loss:.4g} at "
                f"α={r.best_trial.alpha:.3g}, λ={r.best_trial.k:.3g}"
                for n, r in results.items()
            )
        )
