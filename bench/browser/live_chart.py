"""The live chart in a real browser: bytes per α move and α key -> new paths drawn.

A ``streamlit run`` server of this checkout driven by headless Chromium
(``--disable-gpu``); with ``--reference PATH``, first one of the checkout at ``PATH`` in
the same run, so the two compare under the same machine load. For each view (the
default first screen, and the single-run view) the page opens, α is moved once to
compile, then → is pressed ``--moves`` times (each a new α, so no cache helps). Per move it records:

- bytes: the WebSocket frames the browser received from the key press until the rerun
  finished and the new paths were drawn;
- ms: from the keydown to the second animation frame after the graph first holds the
  new paths (found by polling once per animation frame);
- the server's share: from the rerun request leaving Chrome to the rerun's last frame
  arriving (Chrome's network timestamps), and the server's CPU time (user + system of its
  processes, from the key press to 300 ms after the rerun finished);
- the browser's share: from the last WebSocket message the page handled before the new
  paths appeared to their drawing;
- whether the chart is the same graph div as before the move.

Run from the repository root: ``.venv/bin/python -m bench.browser chart``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import FIRST_CHART_MS, IDLE
from optiviz.devtools.server import ROOT, AppServer
from optiviz.devtools.socket_hook import RERUN_DONE_JS, SOCKET_HOOK_JS, WATCH_STATE_JS

PROBE_JS = """() => {
  window.__keyAt = null;
  document.addEventListener('keydown', () => { window.__keyAt ??= performance.now(); }, true);
  window.__paths = () => {
    const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
    if (!gd || !gd.data) return null;
    return JSON.stringify(gd.data.filter(d => d.xaxis === 'x' && d.line && d.line.dash)
      .map(d => Array.from(d.x).slice(0, 40)));
  };
  window.__drawn = (before, limit) => new Promise((resolve, reject) => {
    const start = performance.now();
    const poll = () => {
      if (performance.now() - start > limit) reject(new Error('no new paths drawn'));
      const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
      const now = window.__paths();
      if (now !== null && now !== before) {
        const seen = performance.now();
        const got = window.__optivizMessages.filter(t => t <= seen).pop();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve({
          ms: performance.now() - window.__keyAt, same: gd === window.__gd,
          browser: performance.now() - got})));
      } else requestAnimationFrame(poll);
    };
    poll();
  });
}"""
"""Page helpers: the keydown time, the map's run paths (its traces with a line style:
the presets' solid lines, "my α"'s dots, a single run's line), and a promise of the first
time (two animation frames after) the map shows paths other than ``before``, rejected
after ``limit`` ms."""


class Frames:
    """WebSocket frames of a page, from Chrome's network events (CDP): their network
    timestamps do not wait for a busy page's main thread."""

    def __init__(self, page) -> None:
        self.sent: list[float] = []
        self.received: list[tuple[float, int]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", lambda e: self.sent.append(e["timestamp"]))
        cdp.on("Network.webSocketFrameReceived", self._received)
        cdp.send("Network.enable")

    def _received(self, event: dict) -> None:
        frame = event["response"]
        size = len(frame["payloadData"])
        if frame.get("opcode") == 2:  # binary frames come base64-encoded
            size = size * 3 // 4
        self.received.append((event["timestamp"], size))

    def mark(self) -> tuple[int, int]:
        return len(self.sent), len(self.received)

    def since(self, mark: tuple[int, int]) -> tuple[int, float]:
        """Bytes received since ``mark``, and ms from the first frame sent then (the
        rerun request) to the last frame received."""
        received = self.received[mark[1] :]
        sent = self.sent[mark[0] :]
        if not sent or not received:
            return sum(b for _, b in received), float("nan")
        return sum(b for _, b in received), 1e3 * (received[-1][0] - sent[0])


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    frames = Frames(page)
    page.add_init_script(SOCKET_HOOK_JS)
    page.goto(url)
    page.wait_for_selector(
        '[data-testid="stMain"] .js-plotly-plot .main-svg', timeout=FIRST_CHART_MS
    )
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.evaluate(PROBE_JS)
    return page, frames


def _measure(app: AppServer, query: str, moves: int) -> dict[str, list]:
    """Bytes, ms, server CPU and same-div flags of ``moves`` α moves on the page."""
    url = app.url + query
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page, frames = _open(browser, url)
        out: dict[str, list] = {
            "bytes": [],
            "ms": [],
            "same": [],
            "server": [],
            "cpu": [],
            "browser": [],
        }
        slider = page.get_by_role("slider", name="Learning rate α")
        for i in range(moves + 1):
            before = page.evaluate("window.__paths()")
            page.evaluate(
                "() => { window.__keyAt = null; window.__gd = "
                "document.querySelector('[data-testid=\"stMain\"] .js-plotly-plot'); }"
            )
            page.evaluate(WATCH_STATE_JS)
            mark, cpu = frames.mark(), 1e3 * app.cpu_s()
            slider.press("ArrowRight")
            drawn = page.evaluate("([b, ms]) => window.__drawn(b, ms)", [before, FIRST_CHART_MS])
            page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
            page.wait_for_timeout(300)  # frames still on their way after script_finished
            size, server = frames.since(mark)
            if i:  # the first move compiles
                out["bytes"].append(size)
                out["ms"].append(drawn["ms"])
                out["same"].append(drawn["same"])
                out["browser"].append(drawn["browser"])
                out["server"].append(server)
                out["cpu"].append(1e3 * app.cpu_s() - cpu)
        out["picture"], out["picture_cpu"] = _switch_pictures(app, page, frames, moves)
        browser.close()
    return out


PICTURES = ("3-D view", "Top view + loss + α_t")


def _switch_pictures(app: AppServer, page, frames: Frames, n: int):
    """Server round trips and server CPU (ms) of ``n`` switches between the top and the
    3-D view, after one of each to warm up."""
    trips, cpus = [], []
    for i in range(n + 2):
        page.evaluate(WATCH_STATE_JS)
        mark, cpu = frames.mark(), 1e3 * app.cpu_s()
        page.get_by_text(PICTURES[i % 2], exact=True).click()
        page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
        page.wait_for_timeout(300)
        if i >= 2:
            trips.append(frames.since(mark)[1])
            cpus.append(1e3 * app.cpu_s() - cpu)
    return trips, cpus


def _summary(name: str, view: str, m: dict[str, list]) -> str:
    kb = np.array(m["bytes"]) / 1e3
    ms = np.array(m["ms"])
    same = f"{sum(m['same'])}/{len(m['same'])}"
    return (
        f"| {name} | {view} | {np.median(kb):.0f} | {kb.max():.0f} | {np.median(ms):.0f} "
        f"| {np.percentile(ms, 90):.0f} | {np.nanmedian(m['server']):.0f} "
        f"| {np.median(m['cpu']):.0f} | {np.median(m['browser']):.0f} | {same} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="timed α moves per view")
    parser.add_argument("--reference", type=Path, help="also measure the checkout here, first")
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    args = parser.parse_args()
    views = {"default": "", "single run": "?mode=single"}
    rows, raw = [], {}
    checkouts = [("reference", args.reference)] if args.reference else []
    for name, root in [*checkouts, ("this checkout", ROOT)]:
        with AppServer(root=root) as app:
            app.wait_healthy()
            for view, query in views.items():
                m = _measure(app, query, args.moves)
                raw[f"{name} / {view}"] = m
                rows.append(_summary(name, view, m))
    print(f"Machine: {machine()}; headless Chromium --disable-gpu; {args.moves} moves per view")
    print(
        "\n| server | view | KB per move (median) | max KB | key → drawn ms (median) | p90 ms "
        "| rerun sent → last frame ms (median) | server CPU ms (median) "
        "| last message → drawn ms (median) | same graph div |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n| server | view | picture switch: rerun sent → last frame ms | server CPU ms |")
    print("|---|---|---|---|")
    for key, m in raw.items():
        trip, cpu = np.nanmedian(m["picture"]), np.median(m["picture_cpu"])
        print(f"| {key.replace(' / ', ' | ')} | {trip:.0f} | {cpu:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
