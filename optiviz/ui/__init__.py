"""The Streamlit layer: reads widgets, calls the core and the figure builders, writes the page."""

from __future__ import annotations

import streamlit as st

import optiviz.ui.shutdown  # noqa: F401 - first: its exit hook must precede any JAX work
from optiviz import scenes
from optiviz.ui import (
    ask,
    classroom,
    controls,
    explore,
    fit,
    fit_controls,
    lab,
    lab_controls,
    lessons,
    presenter,
    state,
    warmup,
)
from optiviz.ui import options as opt
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw

TITLE = "Optiviz · see how optimizers move"


def _notice() -> None:
    bad = state.rejected()
    if bad:
        st.warning(
            "This link had values the app cannot use, so their defaults are shown instead: "
            + ", ".join(f"`{b}`" for b in bad)
        )


def main() -> None:
    """Draw the whole app: sidebar navigation, then the chosen page."""
    warmup.configure_compilation_cache()
    state.init()
    page = draw("page", format_func=opt.PAGES.get, horizontal=True)
    st.title(TITLE)
    presenter.toggle()
    _notice()
    if page != "lessons":
        lessons.banner()
    if page == "explore":
        _explore()
    elif page == "lab":
        _lab()
    else:
        lessons.render()
    state.publish()
    warmup.start_background_compile()


def _lab() -> None:
    name = controls.surface_control()
    with panel("Surface"):
        surface = None if name == "custom" else scenes.resolve_surface(name)
        if surface is not None and fit.shows(surface):
            surface = fit_controls.degree_surface()
        elif surface is None or surface.dim != 2:
            st.info(
                "The lab searches (α, k) on the 2-D registry surfaces and (α, λ) on the "
                "polynomial model: pick one in the sidebar."
            )
            return
        settings = controls.lab_shared_controls(surface)
        lab.render(settings, surface, lab_controls.lab_controls(surface))


def _explore() -> None:
    name = controls.surface_control()
    with panel("Surface"):
        formula = ""
        if name == "custom":
            surface, formula = controls.formula_control()
        elif fit.shows(scenes.resolve_surface(name)):
            surface = fit_controls.degree_surface()
        else:
            surface = scenes.resolve_surface(name)
        page = fit.render if fit.shows(surface) else explore.render
        draft = controls.explore_controls(surface, name, formula)
        if page is explore.render and classroom.showing():
            classroom.render()  # a class question hides the paths until its reveal
            return
        page(draft, surface)
        if page is explore.render:
            ask.ask_control(draft)
