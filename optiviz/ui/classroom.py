"""The presenter's class question: "Ask the class", the live answers, Reveal, New question.

While a question is open the page shows it instead of the explore view (the paths would
give the answer away): the question, the six-character code, a QR code of the student
link ``…/?room=CODE``, and the answers as they arrive (a fragment that reads only the
room, every ``LIVE_S`` seconds). Reveal closes the room (only this session, which asked,
can), draws the view's runs with the guesses over them, plays them and sums the class
up in one line. The question's settings are kept in this session, so the sidebar can
move on without changing what was asked.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import segno
import streamlit as st

from optiviz import grids, rooms, surfaces
from optiviz.figures import answers as answer_figures
from optiviz.rooms import RoomError, tally
from optiviz.settings import Settings
from optiviz.ui import chart_component, controls, explore, state

LIVE_S = 1.0
"""How often the presenter's answers refresh."""
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

KINDS = {
    "where": "Where will the ball be after N steps?",
    "settles": "Which run settles first?",
    "diverges": "Which run diverges first?",
}
PLAIN = {"displayModeBar": False, "scrollZoom": False}
AUTOPLAY_JS = """
export default function ({ data }) {
  if (window.__optivizPlayed === data.id) return;
  const since = Date.now();
  const tick = () => {
    const play = document.querySelector(".optiviz-controls .optiviz-play");
    if (play) { window.__optivizPlayed = data.id; play.click(); return; }
    if (Date.now() - since < 30000) setTimeout(tick, 100);
  };
  tick();
}
"""
"""Press the revealed chart's own Play once per room, as the presenter would."""


@st.cache_resource(show_spinner=False)
def store() -> rooms.Store:
    """The app's room store: ``OPTIVIZ_ROOMS_URL``, else the SQLite file in the data folder."""
    return rooms.open_store(os.environ.get(rooms.ENV) or None)


@st.cache_resource(show_spinner=False)
def map_grid(name: str) -> grids.Grid:
    """The surface's loss on a 121-point grid: the curve of a 1-D question's map."""
    return grids.surface_grid(surfaces.get(name), 121)


def session_id(key: str) -> str:
    """A random id kept for this browser session (a presenter's, a student's)."""
    if not state.get(key):
        state.set_values({key: uuid.uuid4().hex})
    return state.get(key)


def showing() -> bool:
    """Whether this session has a question on screen (open or revealed)."""
    return bool(state.get(ROOM))


def ask_control(draft: controls.Draft) -> None:
    """Presenter mode's "Ask the class" expander, under the view."""
    if not state.presenting():
        return
    with st.expander("🙋 Ask the class"):
        kind = st.radio(
            "Question",
            list(KINDS),
            format_func=KINDS.get,
            key="class_kind",
            horizontal=True,
            help="Students answer on their phones before you show the runs.",
        )
        n, ball = draft.fields["steps"], 0
        if kind == "where":
            names = [r.name for r in explore.scene_for(_settings(draft)).runs]
            ball = st.selectbox(
                "Ball",
                range(len(names)),
                format_func=names.__getitem__,
                index=next((i for i, name in enumerate(names) if name.startswith("good")), 0),
                key="class_ball",
                help="The run whose ball the students place; the others appear at the reveal.",
            )
            n = st.number_input(
                "N steps",
                min_value=1,
                max_value=int(draft.fields["steps"]),
                value=int(draft.fields["steps"]),
                key="class_steps",
                help="The step whose ball position the students guess (at most the view's steps).",
            )
        if st.button("Ask the class", key="class_ask", type="primary", help=ASK_HELP):
            try:
                _open(kind, int(n), int(ball), draft)
            except RoomError as e:
                st.error(str(e))
            else:
                st.rerun()


ASK_HELP = "Open the question: the page shows its code, QR code and link, and hides the paths."


def _settings(draft: controls.Draft) -> Settings:
    return Settings(alpha=float(state.get("alpha")), **draft.fields)


def _open(kind: str, n: int, ball: int, draft: controls.Draft) -> None:
    """Create the room for the view's question; RoomError if it cannot be asked."""
    s = _settings(draft)
    runs = explore.scene_for(s).runs
    if kind == "where":
        run = runs[min(ball, len(runs) - 1)]
        question = {
            "kind": "where",
            "surface": s.surface,
            "steps": n,
            "start": [round(float(v), 6) for v in run.trajectory.positions[0]],
            "run": run.name,
            "ball": ball,
            "text": f"Where will the ball ({run.name}) be after {n} steps?",
        }
    else:
        if len(runs) < 2 or s.mode == "seeds":
            raise RoomError("A which question needs two or more runs: race learning rates first.")
        what = "learning rate" if s.mode == "compare" else "run"
        question = {
            "kind": "which",
            "ask": kind,
            "choices": [r.name for r in runs],
            "text": f"Which {what} {tally.ASKS[kind]}?",
        }
    code = store().create(question, owner=session_id(OWNER))
    state.set_values({ROOM: code, QUESTION: store().question(code), SETTINGS: s, REVEALED: False})


def render() -> None:
    """The question on screen: code, QR code, link, answers; Reveal and New question."""
    code, q = state.get(ROOM), state.get(QUESTION)
    st.subheader(q["text"])
    revealed = state.get(REVEALED)
    left, right = st.columns([1, 2], gap="medium")
    with left:
        _join(code)
        if not revealed:
            st.button("Reveal", key="class_reveal", type="primary", on_click=_reveal, help=REVEAL)
        st.button("New question", key="class_new", on_click=_new, help=NEW)
        error = state.pop(ERROR)
        if error:
            st.error(error)
    with right:
        if revealed:
            _revealed(code, q)
        else:
            _live(code, q)


REVEAL = "Close the question and play the runs over the class's answers."
NEW = "Leave this question and go back to the view, to ask another."


def link(code: str) -> str:
    """The student link: this page's address with ``?room=CODE`` alone."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?room={code}"


def _join(code: str) -> None:
    url = link(code)
    st.markdown(f"Code **`{code}`**")
    qr = segno.make(url, error="m")
    st.markdown(
        f'<img src="{qr.svg_data_uri(scale=5, border=2, dark="#111", light="#fff")}" '
        f'alt="QR code of {url}" class="optiviz-qr" style="max-width:100%">',
        unsafe_allow_html=True,
    )
    st.code(url, language=None)


@st.fragment(run_every=LIVE_S)
def _live(code: str, q: dict) -> None:
    """The answers so far, read from the room alone."""
    try:
        got = store().answers(code)
    except RoomError as e:
        st.error(str(e))
        return
    st.markdown(f"**{len(got)}** answer{'s' * (len(got) != 1)}")
    st.plotly_chart(_answers_figure(q, got), key="class_live", config=PLAIN)


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
    state.set_values({ROOM: None, QUESTION: None, SETTINGS: None, REVEALED: False})


def _revealed(code: str, q: dict) -> None:
    """The runs, played with the guesses over them, and the one-line summary."""
    s = state.get(SETTINGS)
    got = store().answers(code)
    scene = explore.scene_for(s)
    if q["kind"] == "where":
        surface, n = scene.surface, q["steps"]
        target = tally.position_at(scene.runs[q["ball"]].trajectory, n)
        summary = tally.where_summary(got, target, tally.radius(surface.scale), n)
        data = answer_figures.with_guesses(
            explore.chart_for(s), got, surface, map_grid(s.surface), target=target, n=n
        )
    else:
        trajectories = {r.name: r.trajectory for r in scene.runs}
        right = tally.right_choice(trajectories, q["ask"], scene.surface.scale)
        summary = tally.which_summary(got, q["choices"], right, q["ask"])
        data = explore.chart_for(s)
    st.markdown(f"**{summary}**")
    chart_component.chart(
        data, key="class_chart", config=explore.PLOT_CONFIG, present=state.presenting()
    )
    _autoplay(code)
    if q["kind"] == "which":
        label = right[0] if right else None
        st.plotly_chart(_answers_figure(q, got, label), key="class_bars", config=PLAIN)


def _autoplay(code: str) -> None:
    mount = st.components.v2.component("optiviz_autoplay", js=AUTOPLAY_JS)
    mount(key="class_autoplay", data={"id": code})
