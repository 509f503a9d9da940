"""Play's frame rate on the default view in headless Chromium (software rendering).

The count of ``plotly_animatingframe`` events per second after pressing Play on the
default view, on a warm server, against the rate the figure asks for. Run from the
repository root with ``.venv/bin/python -m bench.browser play``.
"""

from __future__ import annotations

import argparse
import inspect
import statistics

from optiviz.devtools.chromium import launch_chromium, open_page
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import COUNT_FRAMES_JS, PLAY
from optiviz.devtools.server import AppServer
from optiviz.figures.animation import path_animation


def frame_rate(browser, url: str, seconds: float) -> float:
    """Frames per second Plotly draws on the map while playing, over ``seconds``."""
    page = open_page(browser, url, scripts=())
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
    """Print the frame rates' median and each measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="play time per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="frame-rate measurements")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"Machine: {machine()}; Chromium headless, --disable-gpu (software rendering)\n")
    with sync_playwright() as pw, AppServer() as server:
        server.wait_healthy()
        browser = launch_chromium(pw)
        rates = [frame_rate(browser, server.url, args.seconds) for _ in range(args.repeats)]
        browser.close()
    print(
        f"Default view, Play: {statistics.median(rates):.1f} frames/s median "
        f"({', '.join(f'{r:.1f}' for r in rates)}); the figure asks for {1000 / FRAME_MS:.0f} "
        f"({FRAME_MS} ms per frame)"
    )


if __name__ == "__main__":
    main()
