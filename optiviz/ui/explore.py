"""The explore page: the ball rolling, the verdicts, the readout and the formulas."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz import scenes
from optiviz.core import optimizers, schedules, surfaces
from optiviz.figures import chart_data
from optiviz.figures.html import chart_html
from optiviz.figures.runs import Run
from optiviz.scenes import clouds, export, grids, params
from optiviz.scenes.params import MY_ALPHA
from optiviz.scenes.settings import Settings
from optiviz.ui import chart_component, controls, first_screen, sliders, state
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw

PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "filename": "optiviz"},
}


def settings_key(s: Settings) -> str:
    """The cache key of ``s``: its ``repr``, which spells every field exactly (floats
    round-trip, strings quoted, True apart from 1), so two different settings never
    share a cache entry. Streamlit's own hashing walks the dataclass field by field,
    about 1.5 ms a call, four calls a run."""
    return repr(s)


HASH_FUNCS = {Settings: settings_key}
"""``hash_funcs`` of every cached function that takes ``Settings``."""


SCENES = 384
"""Scenes kept: three for each of a class of 100 on one server (a race's other rates, its
"my α", the race), so that an α move finds the rates that do not depend on it."""


@st.cache_resource(max_entries=SCENES, show_spinner=False, hash_funcs=HASH_FUNCS)
def scene_for(s: Settings) -> scenes.Scene:
    """The scene for the settings (bounded cache: moving back to a value costs nothing).
    A race with "my α" and other rates is put together from two cached scenes
    (``_race_scene``), so that releasing α runs "my α" alone."""
    return _race_scene(s) or scenes.scene(s)


def _race_scene(s: Settings) -> scenes.Scene | None:
    """Compare learning rates with "my α" among other rates: the scene of the others
    (which do not depend on α, so it is cached at α = 0 for every α) with "my α"'s run
    from a scene of its own, in the race's order. The runs are ``scenes.scene(s)``'s: a
    run of ``simulate_many`` is ``simulate``'s wherever it sits, and each run's line and
    data are its own. None for any other view."""
    if s.mode != "compare" or MY_ALPHA not in s.presets or len(s.presets) < 2:
        return None
    others = tuple(p for p in s.presets if p != MY_ALPHA)
    fixed = scene_for(replace(s, presets=others, alpha=0.0))
    (mine,) = scene_for(replace(s, presets=(MY_ALPHA,))).runs
    rest = iter(fixed.runs)
    return replace(fixed, runs=tuple(mine if p == MY_ALPHA else next(rest) for p in s.presets))


def drawn_settings(s: Settings) -> tuple[Settings, int | None]:
    """The settings the chart draws, and the index of its latent run: in Compare learning
    rates "my α" always has its traces (hidden until α's slider moves, when it starts to
    race), so the thumb has a run to move."""
    if s.mode == "compare" and MY_ALPHA not in s.presets:
        return replace(s, presets=(*s.presets, MY_ALPHA)), len(s.presets)
    return s, None


@st.cache_resource(max_entries=48, show_spinner=False, hash_funcs=HASH_FUNCS)
def chart_for(s: Settings, three_d: bool = False) -> dict:
    """The chart component's data for the settings (:func:`compute_chart`); the default
    page's is shipped (``first_screen``, proven equal), so a new server draws it at once.
    Checked once to be strict JSON (``chart_component.check_json``), and shared by every
    session as it is (a resource: a hit is not unpickled again), so nothing downstream may
    change it: ``sliders.by_reference`` and ``chart_component.chart`` build new dicts."""
    data = first_screen.lookup(s, three_d) or compute_chart(s, three_d)
    chart_component.check_json(data)
    return data


def compute_chart(s: Settings, three_d: bool = False) -> dict:
    """The chart component's data for the settings, from the engine: the top view, or the
    3-D view, with the sliders of α and k (``sliders.sliders``). The runs drawn are the
    scene's, which are their families' members at α and k bit for bit (the same compiled
    program, ``optiviz.scenes.family``), so the view a drag lands on and the view the page
    then sends are the same numbers, and no family is needed to draw the view."""
    drawn, latent = drawn_settings(s)
    scene = scene_for(drawn)
    if three_d:  # the box is the 3-D axes': the surface's bounds
        data = chart_data.surface_chart(scene, grids.surface_grid(scene.surface, 61), latent)
        box = [list(b) for b in scene.surface.bounds]
        return data | {"sliders": sliders.sliders(drawn, scene, box, three_d=True)}
    follows = tuple(i for i, _, _ in sliders.followers(drawn, "alpha"))
    grid = grids.surface_grid(scene.surface, 161)
    data = chart_data.map_chart(scene, grid, follows=follows, latent=latent)
    box = chart_data.map_box(data["figure"]["layout"])
    return data | {"sliders": sliders.sliders(drawn, scene, box)}


def _on_slider(key: str) -> None:
    """A chart slider let go: its value into session state (and so the address), with
    what a move of α does in Compare learning rates ("my α" joins the race)."""
    moved = chart_component.slider_moved(key)
    if not moved or moved.get("key") not in sliders.KEYS:
        return
    name, value = moved["key"], moved.get("value")
    if value not in params.PARAMS[name].options():
        return
    state.set_values({name: value, RELEASED: (name, value) if moved.get("drawn") else None})
    if name == "alpha" and state.get("mode") == "compare":
        state.on_alpha_change()


def _on_click(key: str) -> None:
    point = chart_component.clicked(key)
    if point:
        values = {"start_x": round(float(point["x"]), 3), "start_clicked": True}
        if state.get("surface_dim", 2) == 2:
            values["start_y"] = round(float(point["y"]), 3)
        state.set_values(values)


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


@dataclass
class Shown:
    """What α's fragment drew last: its runs, and the page the HTML download saves,
    each made when asked for. The downloads sit outside the fragment, so an α move does
    not redraw them; they read this when clicked."""

    runs: Callable[[], Sequence[Run]] = tuple
    html: Callable[[], str] | None = None


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
    if link is not None:
        link.code(state.share_link(), language=None)
    state.publish()


def render(draft: controls.Draft, surface: surfaces.Surface) -> None:
    """The explore page's body for the sidebar's ``draft``; surfaces in x and y add the
    picture control (the top view or the 3-D view) above the chart."""
    page(draft, surface, _explore_view, above=picture_control if surface.dim == 2 else None)


def _explore_view(s: Settings, surface: surfaces.Surface, shown: Shown) -> None:
    """The chart (the picture chosen above it) and, for a cloud, its spread. A click on
    the chart sets the start inputs in the sidebar, so it reruns the whole app."""
    if s.weight_decay > 0:
        st.caption(optimizers.PENALTY_NOTE)
    with panel("Animation"):
        scene = partial(scene_for, s)  # only when needed: the shipped first screen has none
        shown.runs, shown.html = lambda: scene().runs, partial(_animation, s)
        three_d = surface.dim == 2 and state.get("picture", PICTURES[0]) == PICTURES[1]
        _views(s, scene, three_d)
    if state.pop("start_clicked"):
        st.rerun()


PICTURES = params.PICTURES


def picture_control() -> str:
    """Which picture to draw: only that one is built and sent to the browser. Drawn
    outside α's fragment, so an α move does not send it again; a switch reruns the app."""
    return draw("picture", st) or PICTURES[0]


RELEASED = "_slider_released"
"""Set by ``_on_slider``: (key, value) of the chart slider just let go where the browser
drew that stop's member (the trigger's ``drawn``), else None."""
SENT = "_chart_sent"
"""The chart's last payload this session (``Sent``)."""


@dataclass(frozen=True)
class Sent:
    """What the chart was sent last: its key, presenter mode, the settings it was drawn
    for and its data, as passed to ``chart_component.chart``."""

    key: str
    present: bool
    settings: Settings
    data: dict


def payload(s: Settings, key: str, three_d: bool, present: bool) -> dict:
    """The chart's data for ``s``. In the top view, an α let go at a stop that the last
    payload's family holds and the browser drew (``sliders.holds_release``) gets that
    payload again, unchanged: the browser already draws that member, which is what a new
    payload would draw, and Streamlit does not call the chart for equal data, so the
    member stays; nothing is computed, and the message is a reference to the one before.
    Else the cached chart, with the families this browser was sent before by reference."""
    released, last = state.pop(RELEASED), state.get(SENT)
    same = last is not None and (last.key, last.present, three_d) == (key, present, False)
    if same and released and sliders.holds_release(last.data, last.settings, s, *released):
        return last.data
    data = sliders.by_reference(chart_for(s, three_d), state.sent_before)
    state.set_values({SENT: Sent(key, present, s, data)})
    return data


def _views(s: Settings, scene: Callable[[], scenes.Scene], three_d: bool) -> None:
    key = "surface3d" if three_d else "map"
    present = state.presenting()
    chart_component.chart(
        payload(s, key, three_d, present),
        key=key,
        config=PLOT_CONFIG,
        on_click=partial(_on_click, key),
        on_slider=partial(_on_slider, key),
        present=present,
        checked=True,
    )
    cloud = scene().cloud if s.mode == "seeds" else ()
    if cloud:
        st.markdown(
            f"Spread of the {len(cloud)} end points: "
            f"**{clouds.end_spread(cloud):.3g}** (root-mean-square distance)"
        )


def downloads(shown: Shown) -> DeltaGenerator:
    """CSV of every run shown, the shown chart as an HTML page, and the slot for the link that
    reopens this view (α's fragment writes it). Both files are built only when clicked."""
    st.subheader("Download and share")
    left, right = st.columns(2)
    left.download_button(
        "⬇ Runs as CSV",
        data=lambda: _csv(shown),
        file_name="optiviz-runs.csv",
        mime="text/csv",
        key="dl_csv",
        on_click="ignore",
        help="step, position, loss, α_t and gradient of every run shown.",
    )
    right.download_button(
        "⬇ Animation as HTML",
        data=lambda: shown.html() if shown.html else NOTHING_SHOWN,
        file_name="optiviz.html",
        mime="text/html",
        key="dl_html",
        on_click="ignore",
        help="The chart as a page of its own that works offline: Play, the steps, hiding runs "
        "and α over the stops it holds; the chart's camera icon saves a PNG.",
    )
    st.markdown("**Link to this view** (copy it with the button on the right):")
    return st.container()


NOTHING_SHOWN = "Nothing to save: the picture could not be drawn with these settings.\n"


def _csv(shown: Shown) -> str:
    runs = shown.runs()
    if not runs:
        return NOTHING_SHOWN
    return export.trajectories_csv([(r.name, r.trajectory) for r in runs])


def _animation(s: Settings) -> str:
    """The HTML download: the top view's chart and its sliders, as the app draws them
    (``chart_for``), in a page of its own (``html.chart_html``)."""
    return chart_html(chart_for(s), config=PLOT_CONFIG)
