"""Every lesson's link opens the app as the lesson says: each setting in the address is
one the app accepts (no "values the app cannot use" notice) and reaches its widget."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from optiviz import lessons

APP = Path(__file__).resolve().parents[1] / "app.py"
LESSONS = lessons.load()


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_a_lessons_link_opens_without_a_notice(lesson_id: str) -> None:
    lesson = LESSONS[lesson_id]
    query = parse_qs(urlsplit(lessons.link(lesson)).query)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({k: v if len(v) > 1 else v[0] for k, v in query.items()})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "cannot use" in w.value]
    assert any(lesson.title in m.value for m in at.markdown), "the lesson's box is shown"
    for key, value in lesson.settings.items():
        if key in at.session_state and not isinstance(value, list):
            assert at.session_state[key] == value, key


def test_a_link_writes_numbers_as_the_app_does() -> None:
    """0.0 as "0", 100.0 as "100", true in lower case, lists as repeated keys."""
    lesson = lessons.Lesson(
        "x",
        "t",
        "s",
        "w",
        (),
        {
            "weight_decay": 0.0,
            "steps": 100,
            "alpha": 100.0,
            "staircase": True,
            "presets": ["good", "too large"],
        },
    )
    assert lessons.query(lesson) == (
        "?weight_decay=0&steps=100&alpha=100&staircase=true&presets=good&presets=too+large&lesson=x"
    )
