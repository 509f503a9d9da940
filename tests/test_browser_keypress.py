"""The graph watcher (``optiviz.devtools.page.WATCH_GRAPH_JS``) in headless Chromium,
on a page without Streamlit.

A key press either updates the first graph in place (``Plotly.react``) or replaces its
element (what ``st.plotly_chart`` does for a new figure); the watcher must time both,
tell them apart, and ignore a redraw of the same data.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import pytest

from optiviz.devtools.page import WATCH_GRAPH_JS
from tests.support.browser import chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["chromium"]  # a fixture, used by name
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DELAY_MS = 150

PAGE_JS = """([mode, delay]) => {
  const host = document.getElementById('host');
  const draw = (div, x) => Plotly.newPlot(div, [{x, y: x.map(v => v * v)}], {});
  const fresh = () => { const d = document.createElement('div'); host.append(d); return d; };
  let gd = fresh();
  draw(gd, [0, 1, 2]);
  document.addEventListener('keydown', () => setTimeout(() => {
    if (mode === 'react') Plotly.react(gd, [{x: [0, 2, 4], y: [0, 4, 16]}], {});
    else if (mode === 'same') Plotly.relayout(gd, {title: {text: 'no new data'}});
    else { gd.remove(); gd = fresh(); draw(gd, [0, 2, 4]); }
  }, delay));
}"""


def _move(chromium, mode: str) -> dict:
    page = chromium.new_page()
    try:
        page.set_content('<div id="host"></div>')
        page.evaluate(WATCH_GRAPH_JS)
        page.add_script_tag(path=str(PLOTLY_JS))
        page.evaluate(PAGE_JS, [mode, DELAY_MS])
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.evaluate("__optivizArm()")
        page.keyboard.press("ArrowRight")
        if mode == "same":
            page.wait_for_timeout(3 * DELAY_MS)
        else:
            page.wait_for_function("window.__optivizMove.drawn !== null", timeout=10_000)
        return page.evaluate("window.__optivizMove")
    finally:
        page.close()


@pytest.mark.parametrize(("mode", "same"), [("react", True), ("remount", False)])
def test_watcher_times_new_data_in_place_or_in_a_new_element(chromium, mode, same):
    move = _move(chromium, mode)
    assert move["same"] is same
    assert move["data"] - move["key"] >= DELAY_MS - 5, "the new data came DELAY_MS after the key"
    assert move["data"] < move["drawn"], "drawn is two animation frames after the data"


def test_watcher_ignores_a_redraw_of_the_same_data(chromium):
    move = _move(chromium, "same")
    assert move["key"] is not None
    assert move["data"] is None and move["drawn"] is None
