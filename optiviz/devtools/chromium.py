"""Debian's Chromium under Playwright, and a tab opened on the app and waited for.

Nothing here downloads a browser: Playwright is pointed at ``/usr/bin/chromium``, headless,
with software rendering (``--disable-gpu``).
"""

from __future__ import annotations

from optiviz.devtools.page import FIRST_CHART_MS, IDLE, MAP_CHART
from optiviz.devtools.socket_hook import SOCKET_HOOK_JS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

VIEWPORT = {"width": 1400, "height": 1000}
"""The benchmarks' window: the explore page's map and its controls fit without scrolling."""


def launch_chromium(playwright):
    """Debian's Chromium, headless with software rendering (sync or async Playwright)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_page(
    browser,
    url: str,
    scripts: tuple[str, ...] = (SOCKET_HOOK_JS,),
    errors: list[str] | None = None,
    settle_ms: int = 1000,
):
    """A new ``VIEWPORT`` tab at ``url`` with the init ``scripts``, returned once the map is
    drawn, the run has finished and ``settle_ms`` more have passed; its console errors and
    uncaught exceptions go to ``errors``."""
    page = browser.new_page(viewport=VIEWPORT)
    for script in scripts:
        page.add_init_script(script)
    if errors is not None:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(settle_ms)
    return page
