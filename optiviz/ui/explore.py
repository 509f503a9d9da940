"""The explore page: the ball rolling, the verdicts, the readout and the formulas.

The page's chart (the top view or the 3-D view) and its sliders' and clicks' callbacks;
the scenes and chart data it draws are ``explore_chart``'s, the page's frame
``page_body``'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st

from optiviz import scenes
from optiviz.core import optimizers, surfaces
from optiviz.figures.html import chart_html
from optiviz.scenes import clouds, params
from optiviz.scenes.settings import Settings
from optiviz.ui import chart_component, controls, release, sliders, state
from optiviz.ui.downloads import Shown
from optiviz.ui.explore_chart import PLOT_CONFIG, chart_for, scene_for
from optiviz.ui.page_body import page
from optiviz.ui.panels import panel
from optiviz.ui.widgets import draw


def _on_slider(key: str) -> None:
    """A chart slider let go: its value into session state (and so the address), with
    what a move of α does in Compare learning rates ("my α" joins the race)."""
    moved = chart_component.slider_moved(key)
    if not moved or moved.get("key") not in sliders.KEYS:
        return
    name, value = moved["key"], moved.get("value")
    if value not in params.PARAMS[name].options() and value not in _held_stops(name):
        return
    state.set_values({name: value, RELEASED: (name, value) if moved.get("drawn") else None})
    if name == "alpha" and state.get("mode") == "compare":
        state.on_alpha_change()


def _held_stops(name: str) -> list[float]:
    """The stops of slider ``name`` in the payload the chart holds: the grid's, and the
    payload's own value between two stops, which a kept payload still offers."""
    last = state.get(SENT)
    shown = [s for s in last.data.get("sliders", []) if s["key"] == name] if last else []
    return shown[0]["stops"] if shown else []


def _on_click(key: str) -> None:
    point = chart_component.clicked(key)
    if point:
        values = {"start_x": round(float(point["x"]), 3), "start_clicked": True}
        if state.get("surface_dim", 2) == 2:
            values["start_y"] = round(float(point["y"]), 3)
        state.set_values(values)


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
    for and its data (with its ``chart_component.TOKEN``), as passed to
    ``chart_component.chart``."""

    key: str
    present: bool
    settings: Settings
    data: dict


def payload(s: Settings, key: str, three_d: bool, present: bool) -> tuple[dict, Sent]:
    """The chart's data for ``s``, and the ``Sent`` that records what the browser holds
    once it has it (set it after the chart's message is out: a rerun that interrupts the
    mount would otherwise leave the record ahead of the browser). In the top view, α or
    k let go at a stop that the last payload's family holds and the browser drew gets
    ``release.answer``: the browser already draws that member, which is what a new
    payload would draw, so it keeps the payload it holds, and is sent only the other
    slider's families where they went stale (the payload then held,
    ``chart_component.settled``, is the one recorded); no scene is computed. Else the
    cached chart, with the families this browser was sent before by reference, and its
    token."""
    released, last = state.pop(RELEASED), state.get(SENT)
    same = last is not None and (last.key, last.present, three_d) == (key, present, False)
    if same and released:
        kept = release.answer(last.data, last.settings, s, *released, state.sent_before)
        if kept is not None:
            held = chart_component.settled(last.data, kept) if "sliders" in kept else last.data
            return kept, Sent(key, present, s, held)
    data = chart_component.tokened(sliders.by_reference(chart_for(s, three_d), state.sent_before))
    return data, Sent(key, present, s, data)


def _views(s: Settings, scene: Callable[[], scenes.Scene], three_d: bool) -> None:
    key = "surface3d" if three_d else "map"
    present = state.presenting()
    data, record = payload(s, key, three_d, present)
    chart_component.chart(
        data,
        key=key,
        config=PLOT_CONFIG,
        on_click=partial(_on_click, key),
        on_slider=partial(_on_slider, key),
        present=present,
        checked=True,
    )
    state.set_values({SENT: record})
    cloud = scene().cloud if s.mode == "seeds" else ()
    if cloud:
        st.markdown(
            f"Spread of the {len(cloud)} end points: "
            f"**{clouds.end_spread(cloud):.3g}** (root-mean-square distance)"
        )


def _animation(s: Settings) -> str:
    """The HTML download: the top view's chart and its sliders, as the app draws them
    (``chart_for``), in a page of its own (``html.chart_html``)."""
    return chart_html(chart_for(s), config=PLOT_CONFIG)
