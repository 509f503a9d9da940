"""The app in a real browser: ``streamlit run app.py`` driven by Debian's Chromium.

Select with ``pytest tests/test_browser_app.py`` (or ``-k browser``); the test
script installs ``/usr/bin/chromium`` where it is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bench.live_app import (
    CHROMIUM,
    ERRORS_JS,
    FINISHED_HOOK_JS,
    FIRST_CHART_MS,
    IDLE,
    MAP_CHART,
    MAP_STATE_JS,
    RERUN_DONE_JS,
    WATCH_STATE_JS,
    AppServer,
    launch_chromium,
)

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Debian Chromium not installed at {CHROMIUM}"
)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    """One app server for the module, always killed at the end."""
    app = AppServer()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def page(server: AppServer) -> Iterator:
    """A headless Chromium page on the app's first screen, with its first chart drawn."""
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.add_init_script(FINISHED_HOOK_JS)
            tab.goto(server.url)
            tab.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
            tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
            yield tab
        finally:
            browser.close()


def test_play_moves_the_ball(page) -> None:
    assert page.evaluate(ERRORS_JS) == []
    before = page.evaluate(MAP_STATE_JS)
    assert before["frames"] > 10 and before["active"] == 0
    page.locator(MAP_CHART).first.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active >= 5",
        timeout=15_000,
    )
    after = page.evaluate(MAP_STATE_JS)
    assert after["active"] > before["active"]
    assert after["moving"] != before["moving"], "the ball and trail were not redrawn"


SHOWN_VS_FRAME_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const name = gd._fullLayout.sliders[0]._input.steps[gd._fullLayout.sliders[0].active].label;
  const frame = gd._transitionData._frames.find(f => f.name === name);
  const shown = frame.traces.map(i => [gd.data[i].x, gd.data[i].y]);
  return {name, shown, frame: frame.data.map(d => [d.x, d.y])};
}"""
"""The animated traces as drawn, and the same traces in the current figure's frame for the
step the slider shows."""


def test_moving_alpha_while_playing_keeps_the_ball_on_the_new_path(page) -> None:
    page.locator(MAP_CHART).first.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active >= 3",
        timeout=15_000,
    )
    page.evaluate(WATCH_STATE_JS)
    finished = page.evaluate("window.__optivizFinished")
    page.get_by_role("slider", name="Learning rate α").press("ArrowRight")
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    assert page.evaluate("window.__optivizFinished") == finished + 1  # the rerun hook counts
    page.wait_for_timeout(600)  # frames an old animation would still be drawing
    state = page.evaluate(SHOWN_VS_FRAME_JS)
    assert state["shown"] == state["frame"], f"the ball left the drawn path at step {state['name']}"


CLIPPED_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  const parts = gd.querySelectorAll('.slider-group text, .updatemenu-button, .g-xtitle, '
    + '.g-ytitle, .xtick text, .ytick text, .legendtext');
  return [...parts].filter(e => e.getBoundingClientRect().width > 0).filter(e => {
    const r = e.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5
      || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
  }).map(e => e.textContent);
}"""
"""The texts and buttons of the map figure that stick out of its drawing area."""


def test_fixed_margins_hold_every_label(page) -> None:
    assert (
        page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullLayout.margin.autoexpand"
        )
        is False
    )
    assert page.evaluate(CLIPPED_JS) == []


def test_lab_page_renders(page) -> None:
    radio = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first
    lab = radio.get_by_text("Hyperparameter lab", exact=True)
    if lab.count() == 0:
        pytest.skip("the app has no Hyperparameter lab page yet")
    page.evaluate(WATCH_STATE_JS)
    lab.click()
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_selector(
        '[data-testid="stMain"] .js-plotly-plot .main-svg', timeout=FIRST_CHART_MS
    )
    assert page.evaluate(ERRORS_JS) == []
    assert page.locator('[data-testid="stMain"] .updatemenu-button', has_text="Play").count() == 0
