"""The fit page body, for models with more than two parameters: data, losses, plane."""

from __future__ import annotations

import numpy as np
import streamlit as st

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.figures.fit import SLICE_NOTE, data_figure, loss_figure, plane_figure
from optiviz.figures.html import figure_html
from optiviz.scenes import fit
from optiviz.scenes.settings import Settings
from optiviz.ui import controls, downloads, explore_chart, page_body
from optiviz.ui.figure import figure
from optiviz.ui.panels import panel

CONFIG = {"displaylogo": False, "scrollZoom": False}

RELEASE_NOTE = (
    "In the fit view the curve and the losses follow when you let go: every stop's curves, "
    "losses and plane would not fit in the page."
)
"""Why α and k act on release here (``bench.sweep fit-family``: an α family's fit scenes take
seconds of server CPU and their arrays over 600 kB, against the top view's 30 ms and
250 kB)."""


def shows(surface: surfaces.Surface) -> bool:
    """Whether this view draws ``surface``: the polynomial models, of any degree."""
    return "degree" in surface.extras


@st.cache_resource(max_entries=24, show_spinner=False, hash_funcs=explore_chart.HASH_FUNCS)
def scene_for(s: Settings) -> tuple[fit.FitScene, scenes.Scene]:
    """The fit scene of the settings' runs, and the explore scene they come from
    (bounded cache)."""
    runs = scenes.scene(s)
    tracks = [(r.name, r.colour, r.trajectory) for r in runs.runs]
    return fit.fit_scene(runs.surface, tracks), runs


def summary(scene: fit.FitScene) -> str:
    """Markdown: per run the final training and validation loss and the best step."""
    lines = []
    for run in scene.runs:
        best, last = run.best_step, len(run.train) - 1
        lines.append(
            f"<span style='color:{run.colour}'>●</span> **{run.name}**: training loss "
            f"{run.train[-1]:.4g}, validation loss {run.validation[-1]:.4g} at step {last}; "
            f"lowest validation loss {run.validation[best]:.4g} at step {best}"
        )
    return "  \n".join(lines)


def render(draft: controls.Draft, surface: surfaces.Surface) -> None:
    """The fit page's body for the sidebar's ``draft``: the figures in α's fragment, then
    the formulas and downloads (``page_body.page``)."""
    page_body.page(draft, surface, _fit_view)


def _fit_view(s: Settings, surface: surfaces.Surface, shown: downloads.Shown) -> None:
    """α (and k) as page sliders, the fit view having no chart component to draw them,
    then the three figures and the numbers."""
    controls.rate_widgets(s.mode, s.schedule, st, note=RELEASE_NOTE)
    with panel("Fit"):
        scene, runs = scene_for(s)
        shown.runs, shown.html = lambda: runs.runs, lambda: figure_html(data_figure(scene))
        left, right = st.columns(2)
        with left:
            figure(data_figure(scene), key="fit_data", config=CONFIG)
        with right:
            figure(loss_figure(scene), key="fit_losses", config=CONFIG)
        st.markdown(summary(scene), unsafe_allow_html=True)
        figure(plane_figure(scene), key="fit_plane", config=CONFIG)
        share = float(np.sum(scene.plane.explained))
        st.caption(
            SLICE_NOTE.format(dim=scene.dim)
            + f" The plane holds {100 * share:.0f}% of the path's spread; the loss off the "
            "plane is not shown."
        )
