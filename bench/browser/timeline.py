"""Where α key -> drawn goes in the browser: a timeline of each move, in page time.

One ``streamlit run app.py`` and headless Chromium, as ``bench.browser key``. The
WebSocket hook (``SOCKET_HOOK_JS``) records when each message arrives, and
``Plotly.react`` is wrapped to record when it starts, how long its synchronous part takes
and when its promise resolves. Every mark is in ms after the move's ``keydown``: the
first message, the last message before ``Plotly.react``, react's start, react's
synchronous part, its end, and the graph drawn (``WATCH_GRAPH_JS``). Run from the
repository root with
``.venv/bin/python -m bench.browser timeline [--query ?mode=single] [--moves 10]``.
"""

from __future__ import annotations

import argparse
import statistics

from playwright.sync_api import sync_playwright

from optiviz.devtools.chromium import launch_chromium, open_page
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import WATCH_GRAPH_JS, press
from optiviz.devtools.server import AppServer
from optiviz.devtools.socket_hook import SOCKET_HOOK_JS

WRAP_REACT_JS = """() => {
  const P = window.Plotly;
  if (P.__optivizWrapped) return;
  const react = P.react;
  P.react = function (...args) {
    const start = performance.now();
    const done = react.apply(this, args);
    window.__optivizReact = {start, sync: performance.now() - start, end: null};
    const mark = window.__optivizReact;
    return done.then((v) => { mark.end = performance.now(); return v; });
  };
  P.__optivizWrapped = true;
}"""
"""Wraps ``Plotly.react`` (once plotly.js is loaded) to record ``__optivizReact``."""


def timeline(page) -> dict[str, float]:
    """Press → once and return the move's marks, ms after its keydown."""
    page.evaluate("window.__optivizMessages = []")
    move = press(page)
    react, messages = page.evaluate("[window.__optivizReact, window.__optivizMessages]")
    key = move["key"]
    before = [t - key for t in messages if t < react["start"]]
    return {
        "first message": messages[0] - key,
        "last message before react": before[-1] if before else float("nan"),
        "Plotly.react start": react["start"] - key,
        "Plotly.react synchronous part": react["sync"],
        "Plotly.react end": react["end"] - key,
        "drawn": move["drawn"] - key,
    }


def main() -> None:
    """Print each mark's median and the values over ``--moves`` moves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="", help="URL query, e.g. ?mode=single")
    parser.add_argument("--moves", type=int, default=10, help="measured moves")
    args = parser.parse_args()
    server = AppServer()
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = open_page(browser, server.url + args.query, (SOCKET_HOOK_JS, WATCH_GRAPH_JS))
            page.evaluate(WRAP_REACT_JS)
            press(page)
            rows = [timeline(page) for _ in range(args.moves)]
            browser.close()
    finally:
        server.stop()
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu; ms after keydown\n")
    for mark in rows[0]:
        values = [row[mark] for row in rows]
        print(f"{mark:30s} median {statistics.median(values):5.0f}  {[round(v) for v in values]}")


if __name__ == "__main__":
    main()
