"""The presenter's class question on screen: the live answers, Reveal, New question.

While a question is open the page shows it instead of the explore view (the paths would
give the answer away): the question, the six-character code, a QR code of the student
link ``…/?room=CODE``, and the answers as they arrive (a fragment that reads only the
room, every ``LIVE_S`` seconds). Reveal closes the room (only this session, which asked,
can), draws the view's runs with the guesses over them, plays them and sums the class
up in one line. The question's settings are kept in this session, so the sidebar can
move on without changing what was asked.

A reload keeps the room: the presenter's address carries ``host=CODE-SECRET`` (the
secret this session created the room with, never in the student link ``?room=CODE``),
and a page whose ``host`` the store confirms as the room's owner (``Store.owns``) takes
the room, its view (the question's ``"view"``) and its controls back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import urllib.parse
import uuid

import streamlit as st

from optiviz import rooms
from optiviz.core import surfaces
from optiviz.figures import answers as answer_figures
from optiviz.figures import chart_data
from optiviz.rooms import RoomError, tally
from optiviz.scenes import grids
from optiviz.scenes.settings import Settings
from optiviz.ui import chart_component, explore_chart, share, state
from optiviz.ui.figure import figure as plotly_figure

LIVE_S = 0.5
"""How often the presenter's answers refresh, in seconds: twice the rate a 2 s catch-up
needs, so a slow fragment run on a busy server still lands in time."""
ROOM, QUESTION, SETTINGS, REVEALED, OWNER, ERROR = (
    "class_room",
    "class_question",
    "class_settings",
    "class_revealed",
    "class_owner",
    "class_error",
)
"""Session keys: the open room's code, its question, the view it was asked on, whether it
was revealed, this session's presenter id, and the last refusal to show."""

PLAIN = {"displayModeBar": False, "scrollZoom": False}
ONCE_JS = """
export default function ({ data }) {
  const done = (window.__optivizOnce = window.__optivizOnce || {});
  if (done[data.action] === data.id) return;
  const since = Date.now();
  const tick = () => {
    if (data.action === "top") {
      done.top = data.id;
      const scrollers = '[data-testid="stMain"], [data-testid="stAppViewContainer"]';
      for (const el of document.querySelectorAll(scrollers)) el.scrollTo(0, 0);
      window.scrollTo(0, 0);
      return;
    }
    const play = document.querySelector(".optiviz-controls .optiviz-play");
    if (play) { done.play = data.id; play.click(); return; }
    if (Date.now() - since < 30000) setTimeout(tick, 100);
  };
  tick();
}
"""
"""Once per room: scroll the page to its top (the question replaces a long page), or
press the revealed chart's own Play, as the presenter would."""


@st.cache_resource(max_entries=1, show_spinner=False)
def store() -> rooms.Store:
    """The app's room store: ``OPTIVIZ_ROOMS_URL``, else the SQLite file in the data folder."""
    return rooms.open_store(os.environ.get(rooms.ENV) or None)


@st.cache_resource(max_entries=16, show_spinner=False)
def map_grid(name: str) -> grids.Grid:
    """The surface's loss on a 121-point grid: the curve of a 1-D question's map."""
    return grids.surface_grid(surfaces.get(name), 121)


def session_id(key: str) -> str:
    """A random id kept for this browser session (a presenter's, a student's)."""
    if not state.get(key):
        state.set_values({key: uuid.uuid4().hex})
    return state.get(key)


HOST = "host"
"""The presenter's address parameter: ``CODE-SECRET``, the room and its owner's secret."""
LOADED = "class_address_read"
"""Session key: the address's ``host`` was read (once per session, as the page loads)."""


def showing() -> bool:
    """Whether this session has a question on screen (open or revealed); a reloaded
    presenter's page (a new session) takes its room back first (``take_back``)."""
    if not state.get(LOADED):
        state.set_values({LOADED: True})
        take_back()
    return bool(state.get(ROOM))


def hold(code: str, question: dict, owner: str, revealed: bool = False) -> None:
    """Put room ``code`` on this session's screen, its owner's secret in the address."""
    state.set_values(
        {
            OWNER: owner,
            ROOM: code,
            QUESTION: question,
            SETTINGS: settings_of(question["view"]),
            REVEALED: revealed,
            state.EXTRA: {HOST: [f"{code}-{owner}"]},
        }
    )


def take_back() -> None:
    """The room the address's ``host`` names, if its secret is the room's owner; a
    ``host`` that is not (a guess, a room gone) leaves the address."""
    text = st.query_params.get(HOST)
    if not text:
        return
    code, _, owner = text.partition("-")
    try:
        question = store().question(code) if store().owns(code, owner) else None
        revealed = not store().is_open(code)
    except RoomError:
        question = None
    if question is None or "view" not in question:
        state.set_values({state.EXTRA: {}})
        return
    hold(rooms.normal_code(code), question, owner, revealed)


def view_of(s: Settings) -> dict:
    """The settings as a question's ``"view"`` (plain JSON values)."""
    return dataclasses.asdict(s)


def settings_of(view: dict) -> Settings:
    """The settings a question's ``"view"`` holds (its lists are the tuples again)."""
    return Settings(**{k: tuple(v) if isinstance(v, list) else v for k, v in view.items()})


def render() -> None:
    """The question on screen: while open, the code, QR code, link and answers beside
    them, with Reveal; once revealed, the summary and the runs across the page."""
    code, q = state.get(ROOM), state.get(QUESTION)
    st.subheader(q["text"])
    _once("top", code)
    if state.get(REVEALED):
        st.button("New question", key="class_new", on_click=_new, help=NEW)
        _revealed(code, q)
        return
    left, right = st.columns([1, 2], gap="medium")
    with left:
        url = link(code)
        with st.container(key=CODE_BOX):
            st.markdown(CODE_CSS, unsafe_allow_html=True)
            st.markdown(f"Code **`{code}`**")
        reveal, new = st.columns(2)
        reveal.button("Reveal", key="class_reveal", type="primary", on_click=_reveal, help=REVEAL)
        new.button("New question", key="class_new", on_click=_new, help=NEW)
        error = state.pop(ERROR)
        if error:
            st.error(error)
        st.markdown(qr_image(url), unsafe_allow_html=True)
        share.link_box(url, key="class_link")
    with right:
        _live(code, q)


KEY = {
    "where": (
        f"<span style='color:{answer_figures.GUESS_COLOUR}'>●</span> the class's guesses (reddish "
        f"purple) · <span style='color:{answer_figures.RIGHT_COLOUR}'>✖</span> the ball after "
        "{steps} steps (bluish green)"
    ),
    "which": "The bars under the runs: how many picked each; the right one is green.",
}
"""What the revealed picture's marks are (they stay out of the chart's legend)."""
CODE_BOX = "class_code"
CODE_CSS = f"""<style>
.st-key-{CODE_BOX} code {{ font-size: 2.2rem; letter-spacing: 0.12em; color: inherit; }}
.st-key-{CODE_BOX} [data-testid="stMarkdownContainer"]:has(style) {{ display: none; }}
</style>"""
"""The code, large enough to read from the back of a room."""
QR_STYLE = "width: 100%; max-width: min(16rem, 38vh); display: block"
REVEAL = "Close the question and play the runs over the class's answers."
NEW = "Leave this question and go back to the view, to ask another."


def link(code: str) -> str:
    """The student link: this page's address with ``?room=CODE`` alone."""
    parts = urllib.parse.urlsplit(st.context.url or "")
    return urllib.parse.urlunsplit(parts._replace(path=parts.path or "/", query=f"room={code}"))


def qr_image(url: str) -> str:
    """An ``<img>`` of the QR code of ``url`` (an SVG that scales to its box). segno is
    imported here, when a question is asked: its writers took 0.1-0.25 s of every first
    page's import."""
    import segno

    qr = segno.make(url, error="m")
    uri = qr.svg_data_uri(border=2, dark="#111", light="#fff", omitsize=True)
    return f'<img src="{uri}" alt="QR code of {url}" style="{QR_STYLE}">'


@st.fragment(run_every=LIVE_S)
def _live(code: str, q: dict) -> None:
    """The answers so far, read from the room alone."""
    try:
        got = store().answers(code)
    except RoomError as e:
        st.error(str(e))
        return
    st.markdown(f"**{len(got)}** answer{'s' * (len(got) != 1)}")
    plotly_figure(_answers_figure(q, got), key="class_live", config=PLAIN)


def _answers_figure(q: dict, got: list[dict], right: str | None = None) -> dict:
    if q["kind"] == "which":
        return answer_figures.choice_bars(q["choices"], tally.counts(got, q["choices"]), right)
    surface = surfaces.get(q["surface"])
    figure = answer_figures.question_map(surface, map_grid(surface.name), q["start"], guesses=got)
    return with_media_background(figure)


def with_media_background(figure: dict) -> dict:
    """``figure`` with its background PNG as a media URL, so a refresh does not resend it."""
    images = figure["layout"].get("images")
    if images:
        source = chart_component.background_url(images[0]["source"])
        figure["layout"]["images"] = [{**images[0], "source": source}]
    return figure


def _reveal() -> None:
    try:
        store().close(state.get(ROOM), owner=session_id(OWNER))
    except RoomError as e:
        state.set_values({ERROR: str(e)})
    else:
        state.set_values({REVEALED: True})


def _new() -> None:
    code = state.get(ROOM)
    if code and not state.get(REVEALED):
        with contextlib.suppress(RoomError):  # expired already: nothing is left to stop
            store().close(code, owner=session_id(OWNER))
    state.set_values({ROOM: None, QUESTION: None, SETTINGS: None, REVEALED: False, state.EXTRA: {}})


def _revealed(code: str, q: dict) -> None:
    """The runs, played with the guesses over them, and the one-line summary."""
    s = state.get(SETTINGS)
    got = store().answers(code)
    scene = explore_chart.scene_for(s)
    if q["kind"] == "where":
        surface, n = scene.surface, q["steps"]
        target = tally.position_at(scene.runs[q["ball"]].trajectory, n)
        summary = tally.where_summary(got, target, tally.radius(surface.scale), n)
        data = answer_figures.with_guesses(
            reveal_chart(s), got, surface, map_grid(s.surface), target=target, n=n
        )
    else:
        trajectories = {r.name: r.trajectory for r in scene.runs}
        right = tally.right_choice(trajectories, q["ask"], scene.surface.scale)
        summary = tally.which_summary(got, q["choices"], right, q["ask"])
        data = reveal_chart(s)
    key = KEY[q["kind"]].format(steps=q.get("steps"))
    st.markdown(f"**{summary}** {key}", unsafe_allow_html=True)
    chart_component.chart(
        data, key="class_chart", config=explore_chart.PLOT_CONFIG, present=state.presenting()
    )
    _once("play", code)
    if q["kind"] == "which":
        label = right[0] if right else None
        plotly_figure(_answers_figure(q, got, label), key="class_bars", config=PLAIN)


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=explore_chart.HASH_FUNCS)
def reveal_chart(s: Settings) -> dict:
    """The revealed runs' chart data: the scene's runs alone, the choices a which
    question offered (explore's chart also carries a latent "my α" run for its α slider,
    which no student could pick), without the sliders."""
    scene = explore_chart.scene_for(s)
    return chart_data.map_chart(scene, grids.surface_grid(scene.surface, 161))


def _once(action: str, code: str) -> None:
    """``ONCE_JS``'s ``action`` ("top" or "play"), done once per room in this browser."""
    mount = st.components.v2.component("optiviz_once", js=ONCE_JS, isolate_styles=False)
    mount(key=f"class_once_{action}", data={"id": code, "action": action})
