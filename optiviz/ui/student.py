"""The student's page, ``?room=CODE``: the question, the surface and the start, and one
answer (a tap on the map, or a choice) that the student may change until the reveal.

No paths, no verdicts, no names, no free text; it fits a phone held upright (390×844)
without scrolling. Each browser session answers as one voter (a random id kept in its
session), so a second answer replaces the first. A refused answer shows the store's
message and keeps the answer already given. While the question is open, a fragment reads
only whether the room is still open (every ``WATCH_S`` seconds) and reruns the page when
the presenter reveals, so the page says so without a tap or a reload.
"""

from __future__ import annotations

import streamlit as st

from optiviz import rooms
from optiviz.core import surfaces
from optiviz.figures import answers as answer_figures
from optiviz.rooms import RoomError
from optiviz.ui import classroom, pick, state
from optiviz.ui.panels import panel

PARAM = "room"
"""The address parameter that opens this page: ``?room=CODE``."""
VOTER, MINE, ERROR, PICK, CHOICE = (
    "student_voter",
    "student_answer",
    "student_error",
    "student_pick",
    "student_choice",
)
"""Session keys: this browser's voter id, its stored answer, the last refusal, the map
(its selection) and the choice widget."""
WATCH_S = 1.0
"""How often an open question's page asks whether the room was closed, in seconds: the
page notices the reveal within about this (plus one run) without a tap."""
REVEALED = "The answers are in: look at the big screen."
"""What the page says once the presenter has closed the question to reveal the runs."""
MAP_PX = 420
CSS = """<style>
header[data-testid="stHeader"], section[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 0.75rem 0.5rem; max-width: 40rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
</style>"""
"""The student's page is one screen: no header, no sidebar, tight margins."""


def requested() -> bool:
    """Whether the address asks for the student's page."""
    return PARAM in st.query_params


def code() -> str:
    """The code in the address."""
    return st.query_params.get(PARAM, "")


def render() -> None:
    """The whole student page (a store that cannot be reached shows an error box)."""
    st.markdown(CSS, unsafe_allow_html=True)
    st.markdown("#### Optiviz · class question")
    with panel("Class question"):
        _question()


def _question() -> None:
    store = classroom.store()
    try:
        question = store.question(code())
    except RoomError as e:
        st.error(str(e))
        return
    st.markdown(f"**{question['text']}**")
    is_open = store.is_open(code())
    if question["kind"] == "where":
        _map(question)
    else:
        _choices(question, is_open)
    _status(question, is_open)
    if is_open:
        _watch(code())


@st.fragment(run_every=WATCH_S)
def _watch(room: str) -> None:
    """Rerun the whole page once the room is no longer open (reads the room's state alone)."""
    if not classroom.store().is_open(room):
        st.rerun()


def _map(question: dict) -> None:
    """The map, the same before and after the reveal (a tap once it is closed gets the
    store's refusal, and the answer stays)."""
    surface = surfaces.get(question["surface"])
    figure = answer_figures.question_map(
        surface,
        classroom.map_grid(surface.name),
        question["start"],
        mine=state.get(MINE),
        height=MAP_PX,
    )
    aspect = None
    if surface.dim == 2 and surface.equal_axes:
        (x0, x1), (y0, y1) = surface.bounds
        aspect = (y1 - y0) / (x1 - x0)
    figure = classroom.with_media_background(figure)
    pick.pick_map(figure, key=PICK, on_pick=_on_pick, aspect=aspect)


def _on_pick() -> None:
    point = pick.picked(PICK)
    if point is None:
        return
    question = classroom.store().question(code())
    axes = rooms.AXES[: len(question["bounds"])]
    _send({a: round(float(point[a]), 3) + 0.0 for a in axes})  # + 0.0: no "-0"


def _choices(question: dict, is_open: bool) -> None:
    mine = state.get(MINE)
    st.radio(
        "Your answer",
        question["choices"],
        index=question["choices"].index(mine["choice"]) if mine else None,
        key=CHOICE,
        on_change=_on_choice,
        disabled=not is_open,
        help="Pick one; you may change it until the presenter reveals the runs.",
    )


def _on_choice() -> None:
    choice = state.get(CHOICE)
    if choice is not None:
        _send({"choice": choice})


def _send(answer: dict) -> None:
    """Store the answer as this session's; on a refusal keep the previous one."""
    try:
        classroom.store().answer(code(), classroom.session_id(VOTER), answer)
    except RoomError as e:
        state.set_values({ERROR: str(e)})
    else:
        state.set_values({MINE: answer, ERROR: None})


def _status(question: dict, is_open: bool) -> None:
    error, mine = state.pop(ERROR), state.get(MINE)
    if not is_open:
        st.info(REVEALED)
    if error:
        st.error(error)
    if mine is not None:
        tail = "You may change it until the reveal." if is_open else ""
        st.success(f"Your answer: {shown(mine)}. {tail}".strip())
    elif is_open:
        st.caption(
            "Tap the map where you think the ball will be (◇ is where it starts)."
            if question["kind"] == "where"
            else "Pick the run you think it will be."
        )


def shown(answer: dict) -> str:
    """An answer as the student reads it: "(0.5, -1.2)", "x = 0.5" or the choice."""
    if "choice" in answer:
        return answer["choice"]
    if "y" in answer:
        return f"({answer['x']:g}, {answer['y']:g})"
    return f"x = {answer['x']:g}"
