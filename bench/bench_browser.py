"""Animation frame rate and cold start of the default view in headless Chromium.

Cold start is the time from launching ``streamlit run app.py`` to the first
Plotly chart drawn in the page, measured three times:
with the app's JAX persistent compilation cache (``OPTIVIZ_JAX_CACHE``) in an
empty temporary directory, then twice more with that cache filled. The frame rate
is the count of ``plotly_animatingframe`` events per second after pressing
Play on the default view, with software rendering. Run from the repository
root with ``.venv/bin/python -m bench.bench_browser``.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import tempfile
import time

from playwright.sync_api import sync_playwright

from optiviz.devtools.live_app import (
    COUNT_FRAMES_JS,
    FIRST_CHART_MS,
    IDLE,
    MAP_CHART,
    PLAY,
    AppServer,
    launch_chromium,
    machine,
)
from optiviz.figures.animation import path_animation


def cold_start(browser, env: dict[str, str]) -> tuple[float, float, AppServer]:
    """Seconds to a healthy server and to the first drawn chart; the server keeps running."""
    server = AppServer(env=env)
    server.wait_healthy()
    healthy = time.perf_counter() - server.started
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server.url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    drawn = time.perf_counter() - server.started
    page.close()
    return healthy, drawn, server


def frame_rate(browser, url: str, seconds: float) -> float:
    """Frames per second Plotly draws on the map while playing, over ``seconds``."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(1000)
    page.evaluate(COUNT_FRAMES_JS)
    page.locator(PLAY).click()
    page.wait_for_timeout(1000 * seconds)
    frames = page.evaluate("window.__optivizFrames")
    page.close()
    if len(frames) < 2:
        raise RuntimeError("Play drew fewer than two frames")
    return (len(frames) - 1) / ((frames[-1][0] - frames[0][0]) / 1e3)


FRAME_MS = inspect.signature(path_animation).parameters["frame_ms"].default


def main() -> None:
    """Print cold-start times and frame rates as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="play time per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="frame-rate measurements")
    args = parser.parse_args()
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu (software rendering)\n")
    print("| cold start | server healthy s | first chart drawn s |")
    print("|---|---|---|")
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as cache:
        browser = launch_chromium(pw)
        jax_cache = {"OPTIVIZ_JAX_CACHE": cache}
        cases = [
            ("first start: JAX persistent cache empty", jax_cache),
            ("restart: cache filled by the run above", jax_cache),
            ("restart again", jax_cache),
        ]
        server = None
        for name, env in cases:
            if server:
                server.stop()
            healthy, drawn, server = cold_start(browser, env)
            print(f"| {name} | {healthy:.1f} | {drawn:.1f} |")
        rates = [frame_rate(browser, server.url, args.seconds) for _ in range(args.repeats)]
        server.stop()
        browser.close()
    print(
        f"\nDefault view, Play: {statistics.median(rates):.1f} frames/s median "
        f"({', '.join(f'{r:.1f}' for r in rates)}); the figure asks for {1000 / FRAME_MS:.0f} "
        f"({FRAME_MS} ms per frame)"
    )


if __name__ == "__main__":
    main()
