"""The lessons page, and the lesson banner shown on the other pages."""

from __future__ import annotations

import streamlit as st

from optiviz.scenes import lessons
from optiviz.scenes.params import PARAMS
from optiviz.ui import state

KEPT = ("present", "formula")
"""Controls a lesson's button leaves as they are: presenter mode and the last typed formula."""


def open_lesson(lesson_id: str) -> None:
    """Callback: open the lesson as its link does. Every control the lesson does not name
    goes back to the value a fresh page opens with (a weight decay or a gradient noise set
    by the last lesson would otherwise race in this one), then the lesson's own are set."""
    lesson = lessons.load()[lesson_id]
    for key in PARAMS:
        if key not in KEPT:
            state.pop(key)
    state.apply_settings(lesson.settings)
    state.set_values({"lesson": lesson_id})


def render() -> None:
    """One card per lesson: what it shows, what to watch for, a button and a link."""
    st.markdown(
        "Each lesson sets up the app to make one claim visible. Open it, press "
        "▶ Play, and watch for what it names."
    )
    for i, lesson in enumerate(lessons.load().values(), start=1):
        with st.container(border=True):
            st.markdown(f"#### {i}. {lesson.title}")
            st.markdown(lesson.summary)
            st.markdown(f"**Watch for:** {lesson.watch}")
            left, right = st.columns([1, 3])
            left.button(
                "Open this lesson",
                key=f"lesson_{lesson.id}",
                on_click=open_lesson,
                args=(lesson.id,),
                type="primary",
                help="Sets every control for this lesson and opens its page.",
            )
            right.markdown(f"[Link to this lesson]({lessons.query(lesson)})")


def banner() -> None:
    """The active lesson's explanation, above the page it set up; in presenter mode folded
    to one line (its title), which opens on a click."""
    lesson_id = state.get("lesson")
    lesson = lessons.load().get(lesson_id) if lesson_id else None
    if lesson is None:
        return
    with st.container(border=not state.presenting(), key="lesson_banner"):
        if state.presenting():  # one line, so the picture keeps the projected screen
            where = st.expander(f"**Lesson: {lesson.title}** · what it shows, what to watch")
        else:
            where = st.container()
        where.markdown(
            f"**Lesson: {lesson.title}.** {lesson.summary}  \n**Watch for:** {lesson.watch}"
        )
        where.button(
            "Close lesson",
            key="close_lesson",
            on_click=state.set_values,
            args=({"lesson": None},),
            help="Hide this explanation; the setup stays.",
        )
