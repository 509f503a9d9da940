"""Presenter mode's "Ask the class": the question's settings in a popover in the page's
head, and the room it opens for the view on screen (``classroom`` then shows it)."""

from __future__ import annotations

import streamlit as st

from optiviz.rooms import RoomError, tally
from optiviz.scenes.explore import run_names
from optiviz.scenes.settings import Settings
from optiviz.ui import classroom, controls, explore_chart, state
from optiviz.ui.classroom import OWNER

KINDS = {
    "where": "Where will the ball be after N steps?",
    "settles": "Which run settles first?",
    "diverges": "Which run diverges first?",
}


def ask_control(draft: controls.Draft) -> None:
    """Presenter mode's "Ask the class" button, in the page's head beside the picture
    control (``ASK_CSS``); it opens the question's settings."""
    if not state.presenting():
        return
    with st.container(key=ASK_BOX):
        st.markdown(ASK_CSS, unsafe_allow_html=True)
        with st.popover("Ask the class…", help=ASK_HELP):
            _ask_form(draft)


def _ask_form(draft: controls.Draft) -> None:
    """The question's kind (and for a where question its ball and N), and Ask now."""
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
        names = run_names(_settings(draft))  # no engine run: the form opens at once
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
    if st.button("Ask the class", key="class_ask", type="primary", help=ASK_NOW):
        try:
            _open(kind, int(n), int(ball), draft)
        except RoomError as e:
            st.error(str(e))
        else:
            st.rerun()


ASK_HELP = "Ask the class about this view before it plays: where a ball will be, or which run wins."
ASK_NOW = "Open the question: the page shows its code, QR code and link, and hides the paths."
ASK_BOX = "class_ask_box"
ASK_CSS = f"""<style>
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > :has(.st-key-{ASK_BOX}) {{
  flex: 0 0 auto; order: 4; width: auto !important; }}
.st-key-{ASK_BOX} [data-testid="stMarkdownContainer"]:has(style) {{ display: none; }}
.st-key-{ASK_BOX} [data-testid="stPopover"] button {{ min-height: 0; padding-block: 0.3rem; }}
</style>"""
"""In presenter mode's page head (``presenter.CSS``: a wrapping row), the button sits on
the second line, after the toggle and the picture control."""


def _settings(draft: controls.Draft) -> Settings:
    return Settings(alpha=float(state.get("alpha")), **draft.fields)


def _open(kind: str, n: int, ball: int, draft: controls.Draft) -> None:
    """Create the room for the view's question; RoomError if it cannot be asked."""
    s = _settings(draft)
    runs = explore_chart.scene_for(s).runs
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
    owner = classroom.session_id(OWNER)
    code = classroom.store().create(question | {"view": classroom.view_of(s)}, owner=owner)
    classroom.hold(code, classroom.store().question(code), owner)
