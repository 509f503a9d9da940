"""The installed package's app in a real browser: ``optiviz app`` from the wheel's venv,
started outside the repository (see ``conftest.installed``), driven by Debian's Chromium."""

from __future__ import annotations

import pytest

from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, MAP_CHART
from optiviz.scenes import lessons
from optiviz.ui.chart_component import PLOTLY_JS
from tests.support.browser import chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]

PLOTLY_LOADS_JS = """() => performance.getEntriesByType('resource').map(r => r.name)
  .filter(n => n.endsWith('plotly.min.js')).map(n => n.split('/bidi-components/')[1])"""
"""Each plotly.js the page fetched, as ``<component>/<asset path>``."""
PRELOAD_BOX_JS = """() => [...document.querySelectorAll('.st-key-optiviz-preload')]
  .map(e => [getComputedStyle(e).display, e.getBoundingClientRect().height])"""
"""The display of the preload component's element box (app.py's first element)."""
__all__ = ["chromium"]  # a fixture, used by name


def test_installed_app_draws_the_race_and_opens_a_lesson_link(installed, chromium) -> None:
    """The wheel's app draws the race; plotly.js was fetched once, from the component
    assets, by the page's preload (app.py's first element), whose box takes no room."""
    with installed.app() as url:
        tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
        try:
            tab.goto(url)
            tab.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
            tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
            assert tab.evaluate(ERRORS_JS) == []
            assert tab.evaluate(PLOTLY_LOADS_JS) == [f"optiviz.preload/{PLOTLY_JS}"]
            assert tab.evaluate(PRELOAD_BOX_JS) == [["none", 0]]
            verdicts = tab.locator(".optiviz-verdict").all_text_contents()
            assert any(": converged · " in text for text in verdicts), verdicts
            listed = installed.run(installed.optiviz, "lessons", "--base-url", url)
            assert listed.returncode == 0, listed.stderr
            lines = listed.stdout.splitlines()
            lesson = lessons.load()["range-test"]
            link = lines[lines.index(f"{lesson.id}: {lesson.title}") + 1].strip()
            assert link == lessons.link(lesson, url)
            tab.goto(link)
            tab.get_by_text(f"Lesson: {lesson.title}.").wait_for(timeout=FIRST_CHART_MS)
            tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
            assert tab.evaluate(ERRORS_JS) == []
        finally:
            tab.close()
