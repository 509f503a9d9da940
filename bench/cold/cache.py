"""Cold start with the JAX persistent compilation cache: empty, then filled.

The time from launching ``streamlit run app.py`` to the first Plotly chart drawn in
headless Chromium, three times in a row: with the app's JAX cache
(``OPTIVIZ_JAX_CACHE``) in an empty temporary folder, then twice more with that cache
filled by the start before. Run from the repository root with
``.venv/bin/python -m bench.cold cache``.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import FIRST_CHART_MS, MAP_CHART
from optiviz.devtools.server import AppServer


def cold_start(browser, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from the server's spawn to its health answer and to the first drawn chart."""
    with AppServer(env=env) as server:
        server.wait_healthy()
        healthy = time.perf_counter() - server.started
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
        drawn = time.perf_counter() - server.started
        page.close()
    return healthy, drawn


def main() -> None:
    """Print the three starts as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=2, help="starts with the cache filled")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"Machine: {machine()}; Chromium headless, --disable-gpu (software rendering)\n")
    print("| cold start | server healthy s | first chart drawn s |")
    print("|---|---|---|")
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as cache:
        browser = launch_chromium(pw)
        names = [
            "first start: JAX persistent cache empty",
            "restart: cache filled by the run above",
        ]
        names += ["restart again"] * (args.restarts - 1)
        for name in names[: args.restarts + 1]:
            healthy, drawn = cold_start(browser, {"OPTIVIZ_JAX_CACHE": cache})
            print(f"| {name} | {healthy:.1f} | {drawn:.1f} |", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
