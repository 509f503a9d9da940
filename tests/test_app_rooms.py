"""Class questions in the app, driven headlessly with ``AppTest``: the presenter's Ask the
class, live answers, Reveal and New question; the student's page and its refusals.

The app's store is a SQLite file of each test's own (``OPTIVIZ_ROOMS_URL``); the test
reads the same file with ``optiviz.rooms`` to see what the pages stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from optiviz import rooms, scenes
from optiviz.core import surfaces
from optiviz.rooms import tally
from optiviz.ui import chart_component, classroom, figure, student
from tests.support import links

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app's store for this test; the cached store of an earlier test is dropped."""
    found = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    monkeypatch.setenv(rooms.ENV, found)
    classroom.store.clear()
    return found


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _presenter() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["present"] = "1"
    at.run()
    _clean(at)
    return at


def _ask(at: AppTest, kind: str, **widgets) -> str:
    at.radio(key="class_kind").set_value(kind).run()
    for key, value in widgets.items():
        at.number_input(key=key).set_value(value).run()
    at.button(key="class_ask").click().run()
    _clean(at)
    return at.session_state[classroom.ROOM]


def _student(code: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params[student.PARAM] = code
    at.run()
    _clean(at)
    return at


def _components(at: AppTest, key: str) -> list:
    return [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]


def _figure(at: AppTest, key: str) -> dict:
    """A figure the page draws with the page's own plotly.js (``optiviz.ui.figure``), never
    with ``st.plotly_chart``, whose second plotly.js a phone would download."""
    assert not at.get("plotly_chart")
    (element,) = _components(at, key)
    assert element.proto.component_name == figure.COMPONENT
    return chart_component.received(element.proto.json)["figure"]


def _pick(at: AppTest, x: float, y: float) -> None:
    """What the browser sends when the student taps the map: the pick component's
    ``pick`` trigger (AppTest has no setter for it: its widget state is added to the ones
    AppTest sends, as tests/test_app.py's ``_click`` does)."""
    (element,) = _components(at, student.PICK)
    trigger = json.dumps([{"event": "pick", "value": {"x": x, "y": y}}])
    states = at._tree.get_widget_states()
    states.widgets.append(
        WidgetState(id=_make_trigger_id(element.proto.id, "events"), json_trigger_value=trigger)
    )
    at._run(states)
    _clean(at)


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_which_question_from_ask_to_new_question(url) -> None:
    at = _presenter()
    assert _components(at, "map"), "the view's chart is on the page before asking"
    code = _ask(at, "settles")
    store = rooms.open_store(url)
    settings = at.session_state[classroom.SETTINGS]
    names = [r.name for r in scenes.scene(settings).runs]
    assert store.question(code)["choices"] == names and store.is_open(code)
    assert not _components(at, "map"), "the paths show while the question is open"
    assert code in _texts(at) and f"QR code of /?room={code}" in _texts(at)
    assert links.shown(at) == [f"/?room={code}"]

    pupils = [_student(code) for _ in range(3)]
    for pupil, pick in zip(pupils, [0, 1, 1], strict=True):
        assert not pupil.button, "a student's page has a button"
        pupil.radio(key=student.CHOICE).set_value(names[pick]).run()
        assert pupil.success[0].value.startswith(f"Your answer: {names[pick]}")
    pupils[0].radio(key=student.CHOICE).set_value(names[1]).run()  # changed: replaced
    assert sorted(a["choice"] for a in store.answers(code)) == [names[1]] * 3

    at.run()
    assert "**3** answers" in _texts(at)
    bars = _figure(at, "class_live")["data"][0]
    assert bars["y"] == names and bars["x"] == [0, 3, 0][: len(names)] + [0] * (len(names) - 3)

    at.button(key="class_reveal").click().run()
    _clean(at)
    assert not store.is_open(code)
    trajectories = {r.name: r.trajectory for r in scenes.scene(settings).runs}
    right = tally.right_choice(trajectories, "settles", surfaces.get(settings.surface).scale)
    hits = 3 if right[0] == names[1] else 0
    assert f"{hits} of 3 picked {right[0]}, which settles first (step {right[1]})" in _texts(at)
    assert _components(at, "class_chart"), "the reveal draws the runs"
    assert _components(at, "class_once_play"), "the reveal plays them"
    revealed = _figure(at, "class_bars")["data"][0]
    assert revealed["y"] == names and revealed["x"] == bars["x"]

    pupils[2].radio(key=student.CHOICE).set_value(names[0]).run()
    assert [e.value for e in pupils[2].error] == [rooms.NO_ROOM]
    assert pupils[2].success[0].value.startswith(f"Your answer: {names[1]}")  # kept
    assert sorted(a["choice"] for a in store.answers(code)) == [names[1]] * 3

    at.button(key="class_new").click().run()
    _clean(at)
    assert at.session_state[classroom.ROOM] is None
    assert _components(at, "map"), "New question brings the view back"


def test_where_question_counts_guesses_near_the_ball(url) -> None:
    at = _presenter()
    code = _ask(at, "where", class_steps=12)
    store = rooms.open_store(url)
    q = store.question(code)
    settings = at.session_state[classroom.SETTINGS]
    run = scenes.scene(settings).runs[q["ball"]]
    assert q["steps"] == 12 and q["surface"] == settings.surface
    assert q["start"] == pytest.approx(list(run.trajectory.positions[0]), abs=1e-6)
    target = np.asarray(run.trajectory.positions[12], dtype=float)
    r = tally.radius(surfaces.get(settings.surface).scale)

    near, far = _student(code), _student(code)
    _pick(near, float(target[0]) + r / 2, float(target[1]))
    (lo, hi), (ylo, yhi) = q["bounds"]
    corner = (lo, ylo) if np.hypot(target[0] - lo, target[1] - ylo) > 2 * r else (hi, yhi)
    _pick(far, *corner)
    assert len(store.answers(code)) == 2

    at.run()
    assert "**2** answers" in _texts(at)
    live = _figure(at, "class_live")["data"]
    (dots,) = [t for t in live if t.get("meta") == "guesses"]
    assert len(dots["x"]) == 2

    at.button(key="class_reveal").click().run()
    _clean(at)
    assert f"1 of 2 guessed within {r:g} of where the ball was after 12 steps" in _texts(at)
    shown = json.loads(_components(at, "class_chart")[0].proto.bytes)
    assert [t.get("meta") for t in shown["figure"]["data"]].count("guesses") == 1


def test_student_refusals_keep_the_answer(url) -> None:
    code = rooms.open_store(url).create({"kind": "where", "surface": "rosenbrock", "steps": 5,
                                         "start": [-1.5, 2.0], "text": "Where?"})  # fmt: skip
    pupil = _student(code)
    _pick(pupil, 0.5, 1.0)
    assert pupil.success[0].value.startswith("Your answer: (0.5, 1)")
    _pick(pupil, 9.0, 1.0)  # outside rosenbrock's map
    assert [e.value for e in pupil.error] == ["x = 9 is outside the map (-2 to 2)."]
    assert pupil.success[0].value.startswith("Your answer: (0.5, 1)")
    assert [(a["x"], a["y"]) for a in rooms.open_store(url).answers(code)] == [(0.5, 1.0)]

    wrong = _student("ZZZZZZ")
    assert [e.value for e in wrong.error] == [rooms.NO_ROOM]
    assert not wrong.radio and not _components(wrong, student.PICK)


def test_where_on_a_typed_formula_is_refused_and_the_view_stays(url) -> None:
    at = _presenter()
    at.session_state["surface"] = "custom"
    at.run()
    _clean(at)
    at.radio(key="class_kind").set_value("where").run()
    at.button(key="class_ask").click().run()
    _clean(at)
    assert classroom.ROOM not in at.session_state
    assert any("registered surface" in e.value for e in at.error), [e.value for e in at.error]
    assert _components(at, "map"), "the view is still drawn"


def _reload(query: dict) -> AppTest:
    """A fresh session opened on ``query``: what a reload of that address is."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    _clean(at)
    return at


def test_presenter_reload_keeps_the_room_and_its_controls(url) -> None:
    at = _presenter()
    code = _ask(at, "settles")
    settings = at.session_state[classroom.SETTINGS]
    host = at.query_params[classroom.HOST]
    owner = at.session_state[classroom.OWNER]
    assert host == f"{code}-{owner}", "the presenter's address holds the room and its secret"
    assert links.shown(at) == [f"/?room={code}"], "the student link has no secret"
    assert owner not in classroom.link(code) and owner not in _texts(at)
    store = rooms.open_store(url)
    store.answer(code, "pupil", {"choice": store.question(code)["choices"][0]})

    again = _reload(dict(at.query_params))
    assert again.session_state[classroom.ROOM] == code
    assert again.session_state[classroom.SETTINGS] == settings
    assert not _components(again, "map"), "the reloaded page still hides the paths"
    assert "**1** answer" in _texts(again) and again.button(key="class_reveal")
    assert not any("host" in w.value for w in again.warning), "host named as unknown"
    again.button(key="class_reveal").click().run()
    _clean(again)
    assert not store.is_open(code) and _components(again, "class_chart")

    revealed = _reload(dict(again.query_params))
    assert revealed.session_state[classroom.REVEALED]
    assert _components(revealed, "class_chart") and revealed.button(key="class_new")
    revealed.button(key="class_new").click().run()
    assert classroom.HOST not in revealed.query_params, "New question drops the secret"


def test_only_the_room_code_cannot_take_control(url) -> None:
    at = _presenter()
    code = _ask(at, "settles")
    pupil = _student(code)
    assert not pupil.button, "the student's page has no Reveal"
    owner = at.session_state[classroom.OWNER]
    for guess in (code, f"{code}-", f"{code}-{'0' * 32}", f"ZZZZZZ-{owner}"):
        other = _reload({"present": "1", classroom.HOST: guess})
        assert classroom.ROOM not in other.session_state, "a wrong secret takes no room"
        assert not [b for b in other.button if b.key in ("class_reveal", "class_new")]
        assert _components(other, "map"), "a wrong secret gets the plain view"
        assert classroom.HOST not in other.query_params, "a wrong secret leaves the address"
    assert rooms.open_store(url).is_open(code)


def test_reveal_draws_only_the_offered_runs(url) -> None:
    """In Compare learning rates the view's chart carries a latent "my α" run for its α
    slider; the reveal of a which question draws the choices alone."""
    at = _presenter()
    assert at.session_state["mode"] == "compare"
    code = _ask(at, "settles")
    choices = rooms.open_store(url).question(code)["choices"]
    assert "my α" not in choices
    at.button(key="class_reveal").click().run()
    _clean(at)
    shown = json.loads(_components(at, "class_chart")[0].proto.bytes)
    names = [run["name"] for run in shown["animation"]["runs"]]
    assert names == choices
    assert not shown.get("sliders")
