"""A class question end to end in Debian Chromium: a presenter page (``?present=1``) asks,
three student pages answer (one a phone, 390×844, by touch), the answers appear on the
presenter's page, which a reload keeps (its address's secret), Reveal plays the runs over
the guesses and each student's page says so by itself, a wrong code gets the message, and
a student page has no way to reveal.

The server's rooms live in a SQLite file of the test's own (``OPTIVIZ_ROOMS_URL``).
Screenshots of each page are written to a temporary folder (its path is printed; run
with ``-s`` to see it), or to ``$OPTIVIZ_SHOTS`` when set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from optiviz import rooms
from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, MAP_CHART
from optiviz.devtools.server import AppServer
from optiviz.ui import student
from tests.support.browser import chromium, needs_chromium, screenshot, settle  # noqa: F401

pytestmark = [needs_chromium, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
LIVE_MS = 2_000
"""The presenter's count must catch up within this (its fragment refreshes every second)."""
WATCH_MS = int(student.WATCH_S * 1000) + 2_000
"""A student's page says the answers are in within this of the reveal, by itself."""
CODE = re.compile(rf"Code ([{rooms.ALPHABET}]{{{rooms.CODE_LEN}}})")
GUESSES_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const t = gd && gd.data.find(d => d.meta === 'guesses');
  return t ? t.x.length : null;
}"""
FIRST_MS = 300_000
"""The first page compiles the default view's JAX code; generous on a busy machine."""
PLOT_BOX_JS = """() => {
  const gd = document.querySelector('.optiviz-pick'), r = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return {x: r.left + xa._offset, y: r.top + ya._offset, width: xa._length, height: ya._length};
}"""
"""The student's map's plot area, in page pixels."""
SCRUB_JS = "() => Number(document.querySelector('.optiviz-controls .optiviz-scrub').value)"


@pytest.fixture(scope="module")
def rooms_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('rooms') / 'rooms.sqlite3'}"


@pytest.fixture(scope="module")
def server(rooms_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with AppServer(env={rooms.ENV: rooms_url}, log=log) as app:
        app.wait_healthy()
        yield app


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("OPTIVIZ_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots in {folder}")
    return folder


def _idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    settle(page)


def _presenter(browser, url: str, size: tuple[int, int]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url + "?present=1", timeout=FIRST_MS)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_MS)
    _idle(page)
    return page


def _student(browser, url: str, code: str, phone: bool = False):
    if phone:
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    else:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.goto(f"{url}?room={code}", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.get_by_text("class question").wait_for(timeout=FIRST_CHART_MS)
    _idle(page)
    return page


def _tap_map(page, fx: float, fy: float, touch: bool = False) -> None:
    """Tap (or click) the student's map at a fraction of its plot area, and wait for the
    answer to be stored."""
    box = page.evaluate(PLOT_BOX_JS)
    x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    if touch:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    page.get_by_text("Your answer:").wait_for(timeout=FIRST_CHART_MS)
    _idle(page)


def _ask(page, kind: str, shots: Path, name: str) -> str:
    page.get_by_role("button", name="Ask the class…").click()
    page.get_by_text(kind).click()
    _idle(page)
    screenshot(page, shots, name)
    page.get_by_role("button", name="Ask the class", exact=True).click()
    page.get_by_text(CODE).wait_for(timeout=FIRST_CHART_MS)
    _idle(page)
    return CODE.search(page.inner_text("body")).group(1)


def _count(page) -> int | None:
    found = re.search(r"\b(\d+) answers?\b", page.inner_text("body"))
    return int(found.group(1)) if found else None


def test_where_question_end_to_end(server, rooms_url, chromium, shots) -> None:  # noqa: F811
    presenter = _presenter(chromium, server.url, (1280, 720))
    code = _ask(presenter, "Where will the ball be", shots, "presenter-ask-1280")
    assert presenter.locator(".optiviz-chart").count() == 0, "the paths show while asking"
    assert presenter.locator('img[alt^="QR code of"]').count() == 1
    assert f"{server.url}?room={code}" in presenter.inner_text("body"), "the link opens"

    phone = _student(chromium, server.url, code, phone=True)
    screenshot(phone, shots, "student-phone-before")
    fits = phone.evaluate("() => document.scrollingElement.scrollHeight")
    assert fits <= PHONE["height"], f"the phone page scrolls ({fits} px)"
    desks = [_student(chromium, server.url, code) for _ in range(2)]
    for page in [phone, *desks]:
        assert page.get_by_role("button", name="Reveal").count() == 0
        assert page.locator(".optiviz-chart, .optiviz-play").count() == 0, "a path shows"
        assert page.locator("input[type=text], textarea").count() == 0, "free text"

    _tap_map(phone, 0.3, 0.4, touch=True)
    _tap_map(phone, 0.6, 0.5, touch=True)  # changed: still one answer
    _tap_map(desks[0], 0.5, 0.5)
    _tap_map(desks[1], 0.8, 0.2)
    screenshot(phone, shots, "student-phone")
    assert phone.evaluate("() => document.scrollingElement.scrollHeight") <= PHONE["height"]
    presenter.wait_for_function(
        "() => /\\b3 answers\\b/.test(document.body.innerText)", timeout=LIVE_MS + 1_000
    )
    assert len(rooms.open_store(rooms_url).answers(code)) == 3
    screenshot(presenter, shots, "presenter-asking-1280")

    assert f"host={code}-" in presenter.url, "the presenter's address holds its secret"
    assert "host=" not in presenter.inner_text("body"), "the secret shows on screen"
    presenter.reload(timeout=FIRST_MS)  # the room and its controls come back
    presenter.get_by_text(f"Code {code}").wait_for(timeout=FIRST_CHART_MS)
    presenter.wait_for_function(
        "() => /\\b3 answers\\b/.test(document.body.innerText)", timeout=FIRST_CHART_MS
    )
    assert presenter.locator(".optiviz-chart").count() == 0, "the paths show after a reload"
    _idle(presenter)
    screenshot(presenter, shots, "presenter-reloaded-1280")

    presenter.get_by_role("button", name="Reveal").click()
    presenter.wait_for_selector(".optiviz-chart .main-svg", timeout=FIRST_CHART_MS)
    presenter.get_by_text(re.compile(r"\d of 3 guessed within")).wait_for()
    assert presenter.evaluate(GUESSES_JS) == 3
    first = presenter.evaluate(SCRUB_JS)
    presenter.wait_for_function(f"() => ({SCRUB_JS})() > {first}", timeout=10_000)
    screenshot(presenter, shots, "presenter-revealed-1280")

    phone.get_by_text(student.REVEALED).wait_for(timeout=WATCH_MS)  # no tap, no reload
    assert phone.get_by_text("Your answer: (").count() == 1, "the answer left the page"
    _idle(phone)
    screenshot(phone, shots, "student-phone-revealed")
    assert phone.evaluate("() => document.scrollingElement.scrollHeight") <= PHONE["height"]
    desks[0].reload()
    desks[0].get_by_text(student.REVEALED).wait_for(timeout=FIRST_CHART_MS)
    desks[0].wait_for_selector(".main-svg")  # the question's map stays on screen
    assert len(rooms.open_store(rooms_url).answers(code)) == 3
    for page in [phone, *desks, presenter]:
        assert page.evaluate(ERRORS_JS) == []
        page.close()


def test_which_question_and_refusals(server, rooms_url, chromium, shots) -> None:  # noqa: F811
    presenter = _presenter(chromium, server.url, (1920, 1080))
    code = _ask(presenter, "Which run settles first?", shots, "presenter-ask-1920")
    choices = rooms.open_store(rooms_url).question(code)["choices"]
    students = [_student(chromium, server.url, code, phone=i == 0) for i in range(3)]
    for page, pick in zip(students, [1, 1, 0], strict=True):
        page.get_by_text(choices[pick], exact=True).click()
        page.get_by_text("Your answer:").wait_for(timeout=FIRST_CHART_MS)
    students[0].get_by_text(choices[2], exact=True).click()  # a changed mind
    students[0].get_by_text(f"Your answer: {choices[2]}").wait_for(timeout=FIRST_CHART_MS)
    presenter.wait_for_function(
        "() => /\\b3 answers\\b/.test(document.body.innerText)", timeout=LIVE_MS + 1_000
    )
    got = sorted(a["choice"] for a in rooms.open_store(rooms_url).answers(code))
    assert got == sorted([choices[2], choices[1], choices[0]])
    screenshot(students[0], shots, "student-phone-which")
    screenshot(presenter, shots, "presenter-asking-1920")
    for page in students:  # nothing on a student's page closes the room
        assert page.get_by_role("button", name=re.compile("Reveal|New question")).count() == 0
    assert rooms.open_store(rooms_url).is_open(code)

    wrong = _student(chromium, server.url, "ZZZZZZ")
    assert wrong.get_by_text(rooms.NO_ROOM).count() == 1
    assert wrong.locator(".main-svg, input[type=radio]").count() == 0
    screenshot(wrong, shots, "student-wrong-code")

    presenter.get_by_role("button", name="Reveal").click()
    presenter.wait_for_selector(".optiviz-chart .main-svg", timeout=FIRST_CHART_MS)
    presenter.get_by_text(re.compile(r"of 3 picked")).wait_for()
    first = presenter.evaluate(SCRUB_JS)
    presenter.wait_for_function(f"() => ({SCRUB_JS})() > {first}", timeout=10_000)
    screenshot(presenter, shots, "presenter-revealed-1920")
    for page, pick in zip(students, [2, 1, 0], strict=True):  # each page sees it by itself
        page.get_by_text(student.REVEALED).wait_for(timeout=WATCH_MS)
        assert page.get_by_text(f"Your answer: {choices[pick]}").count() == 1
        assert page.locator("input[type=radio]:enabled").count() == 0, "answers still open"
    screenshot(students[0], shots, "student-phone-which-revealed")
    got_after = sorted(a["choice"] for a in rooms.open_store(rooms_url).answers(code))
    assert got_after == got, "an answer after the reveal was stored"

    presenter.get_by_role("button", name="New question").click()
    presenter.wait_for_selector(".optiviz-chart .main-svg", timeout=FIRST_CHART_MS)
    presenter.get_by_role("button", name="Ask the class…").wait_for()
    for page in [*students, wrong, presenter]:
        assert page.evaluate(ERRORS_JS) == []
        page.close()
