"""The app server and a headless Debian Chromium page on it, written once for the tests.

The server, browser and page hook come from ``optiviz/devtools/`` (``server``,
``chromium``, ``socket_hook``: the benchmarks import them too); this module adds the
pytest fixtures, a page that records its console errors, and the waits a test needs after
a click.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from optiviz.devtools.chromium import CHROMIUM, launch_chromium
from optiviz.devtools.page import FIRST_CHART_MS, IDLE
from optiviz.devtools.server import AppServer
from optiviz.devtools.socket_hook import RERUN_DONE_JS, SOCKET_HOOK_JS, WATCH_STATE_JS

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Debian Chromium not installed at {CHROMIUM}"
)
"""Mark for browser tests: skipped where ``/usr/bin/chromium`` is missing."""

RERUN_MS = 60_000
"""A rerun on a warm server; generous, since a new shape compiles first."""

CLICK_MS = 15_000
"""How long a click waits for its element."""

DRAWN_JS = """() => document.querySelector('.main-svg')
  || document.body.innerText.includes('Open this lesson')
  || document.body.innerText.includes('The lab searches')"""
"""True once the page shows its first graph (or is a page without one)."""

CHART_SETTLED_JS = """async () => {
  for (const gd of document.querySelectorAll('.optiviz-chart')) {
    if (gd.__optiviz) await gd.__optiviz.chain;
  }
  return true;
}"""
"""Resolves once every chart component has finished its queued draws."""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One ``streamlit run app.py`` for the module, its log in a temporary folder."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    server = AppServer(log=log)
    server.log_path = log
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """Headless Debian Chromium for the module (sync Playwright)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page that keeps its console errors and uncaught exceptions in ``console_errors``
    and has the WebSocket hook (``SOCKET_HOOK_JS``: sends, arrivals, finished runs)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"))
    page.add_init_script(SOCKET_HOOK_JS)
    page.set_default_timeout(CLICK_MS)
    return page


def open_app(page, url: str) -> None:
    """Go to ``url`` and wait for the first run to finish and its charts to draw."""
    page.goto(url, timeout=FIRST_CHART_MS)
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_function(DRAWN_JS, timeout=FIRST_CHART_MS)
    settle(page)


NO_RERUN_MS = 3000
"""A click that has not started a rerun this long after it starts none (the option was
already chosen)."""

RERUN_OR_NONE_JS = f"""(since) => {{
  const started = window.__optivizStates.some(([, s]) => s === 'running')
    || (window.__optivizFinished || 0) > window.__optivizFinishedAt;
  if (!started) return performance.now() - since > {NO_RERUN_MS};
  return ({RERUN_DONE_JS})();
}}"""
"""True once the rerun a click started has finished, or once it is clear none started."""


def start_watch(page) -> float:
    """Start logging script state changes, before an action that may rerun the app;
    returns the page's clock."""
    return page.evaluate(WATCH_STATE_JS)


def wait_rerun(page, since: float) -> None:
    """After ``start_watch`` (at ``since``) and an action: wait for its rerun (and any
    rerun it asks for) to finish, then for the charts to draw."""
    page.wait_for_function(RERUN_OR_NONE_JS, arg=since, timeout=RERUN_MS, polling="raf")
    page.wait_for_timeout(250)
    page.wait_for_selector(IDLE, timeout=RERUN_MS)
    settle(page)


def settle(page) -> None:
    """Wait until every chart has drawn what it was sent (and Plotly has laid it out)."""
    page.evaluate(CHART_SETTLED_JS)
    page.wait_for_timeout(100)


def screenshot(page, folder: Path, name: str) -> Path:
    """A full-page screenshot in ``folder``; returns its path."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
