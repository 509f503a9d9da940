"""A page body shared by the explore and fit views: the caption, the controls above the
picture, the α-dependent view inside α's fragment (with the share link), the formulas
and the downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz.core import optimizers, schedules, surfaces
from optiviz.scenes.settings import Settings
from optiviz.ui import controls, share, state
from optiviz.ui.downloads import Shown, downloads
from optiviz.ui.panels import panel


def formulas(names: tuple[str, ...], schedule: str, staircase: bool, weight_decay: float) -> None:
    """The update rule(s) of optimizers ``names`` and the schedule, exactly as the core
    implements them."""
    for name in names:
        st.latex(rf"\textbf{{{optimizers.LABELS[name]}}}:\; " + optimizers.FORMULAS[name])
    st.latex(rf"\textbf{{{schedules.LABELS[schedule]}}}:\; " + schedules.FORMULAS[schedule])
    if staircase and schedule in schedules.USES_K:
        st.latex(r"\text{staircase: } " + schedules.STAIRCASE_NOTE)
    if weight_decay > 0:
        st.latex(rf"\text{{weight decay }} \lambda = {weight_decay:g}:\; " + optimizers.DECAY_NOTE)


View = Callable[[Settings, surfaces.Surface, Shown], None]
"""A page's α-dependent body: draws the settings' pictures and fills ``Shown``."""


def page(
    draft: controls.Draft,
    surface: surfaces.Surface,
    view: View,
    above: Callable[[], object] | None = None,
) -> None:
    """A page body, top to bottom: the caption, ``above`` (controls of the body, such as
    the picture), ``view`` inside α's fragment, the formulas and the downloads. Moving α
    reruns only the fragment (the sidebar's other controls, ``above``, the formulas and
    the download buttons stay as they are); the fragment also rewrites the share link,
    which holds α."""
    state.set_values({"surface_dim": surface.dim})
    st.caption(surface.description)
    if above is not None:
        above()
    body = st.container()
    f = draft.fields
    with panel("Formulas"):
        formulas(f["compare_optimizers"], f["schedule"], f["staircase"], f["weight_decay"])
    shown, link = Shown(), None
    with panel("Download and share"):
        link = downloads(shown)
    with body:
        _alpha_fragment(draft, surface, view, shown, link)


@st.fragment
def _alpha_fragment(
    draft: controls.Draft,
    surface: surfaces.Surface,
    view: View,
    shown: Shown,
    link: DeltaGenerator | None,
) -> None:
    """α's slider, ``view`` and the share link. A move that changes the sidebar's race
    list (the first α move, which adds "my α") reruns the whole app instead. The address
    is written again at its end, so that it follows α as the share link does."""
    if state.pop(state.APP_RERUN):
        st.rerun()
    shown.runs, shown.html = tuple, None
    view(draft.settings(), surface, shown)
    now = state.pairs()  # read once for both: about 40 session-state reads
    if link is not None:
        with link:
            share.link_box(state.share_link(now), key="share_link")
    state.publish(now)
