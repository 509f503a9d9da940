"""The live chart in a real browser: bytes per α move and α key -> new paths drawn.

Two ``streamlit run`` servers, one of this checkout and one of a reference checkout
(``--reference``, by default ``/work/main``), each driven by headless Chromium
(``--disable-gpu``) in the same run, so the ratio cancels most of the machine's load.
For each view (the default first screen, and the single-run view) the page opens, α is
moved once to compile, then → is pressed ``--moves`` times (each a new α, so no cache
helps). Per move it records:

- bytes: the WebSocket frames the browser received from the key press until the rerun
  finished and the new paths were drawn;
- ms: from the keydown to the second animation frame after the graph first holds the
  new paths (found by polling once per animation frame);
- whether the chart is the same graph div as before the move.

Run from the repository root: ``.venv/bin/python -m bench.bench_live_chart``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from bench.live_app import (
    FINISHED_HOOK_JS,
    FIRST_CHART_MS,
    IDLE,
    RERUN_DONE_JS,
    WATCH_STATE_JS,
    AppServer,
    launch_chromium,
    machine,
)

PROBE_JS = """() => {
  window.__keyAt = null;
  document.addEventListener('keydown', () => { window.__keyAt ??= performance.now(); }, true);
  window.__paths = () => {
    const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
    if (!gd || !gd.data) return null;
    return JSON.stringify(gd.data.filter(d => d.xaxis === 'x' && d.line && d.line.dash === 'dot')
      .map(d => Array.from(d.x).slice(0, 40)));
  };
  window.__drawn = before => new Promise(resolve => {
    const finished = window.__optivizFinished;
    let finishedAt = null;
    const poll = () => {
      if (finishedAt === null && window.__optivizFinished > finished) {
        finishedAt = performance.now();
      }
      const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
      const now = window.__paths();
      if (now !== null && now !== before) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve({
          ms: performance.now() - window.__keyAt, same: gd === window.__gd,
          finished: (finishedAt ?? performance.now()) - window.__keyAt})));
      } else requestAnimationFrame(poll);
    };
    poll();
  });
}"""
"""Page helpers: the keydown time, the map's dotted paths, and a promise of the first
time (two animation frames after) the map shows paths other than ``before``."""


def _measure(url: str, moves: int) -> dict[str, list]:
    """Bytes, ms and same-div flags of ``moves`` α moves on the page at ``url``."""
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        received: list[int] = []
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))),
        )
        page.add_init_script(FINISHED_HOOK_JS)
        page.goto(url)
        page.wait_for_selector(
            '[data-testid="stMain"] .js-plotly-plot .main-svg', timeout=FIRST_CHART_MS
        )
        page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        page.evaluate(PROBE_JS)
        out: dict[str, list] = {"bytes": [], "ms": [], "same": [], "finished": []}
        slider = page.get_by_role("slider", name="Learning rate α")
        for i in range(moves + 1):
            before = page.evaluate("window.__paths()")
            page.evaluate(
                "() => { window.__keyAt = null; window.__gd = "
                "document.querySelector('[data-testid=\"stMain\"] .js-plotly-plot'); }"
            )
            page.evaluate(WATCH_STATE_JS)
            start = len(received)
            slider.press("ArrowRight")
            drawn = page.evaluate("b => window.__drawn(b)", before)
            page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
            page.wait_for_timeout(300)  # frames still on their way after script_finished
            if i:  # the first move compiles
                out["bytes"].append(sum(received[start:]))
                out["ms"].append(drawn["ms"])
                out["same"].append(drawn["same"])
                out["finished"].append(drawn["finished"])
        browser.close()
    return out


def _summary(name: str, view: str, m: dict[str, list]) -> str:
    kb = np.array(m["bytes"]) / 1e3
    ms = np.array(m["ms"])
    same = f"{sum(m['same'])}/{len(m['same'])}"
    return (
        f"| {name} | {view} | {np.median(kb):.0f} | {kb.max():.0f} | {np.median(ms):.0f} "
        f"| {np.percentile(ms, 90):.0f} | {np.median(m['finished']):.0f} | {same} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="timed α moves per view")
    parser.add_argument("--reference", type=Path, default=Path("/work/main"))
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    args = parser.parse_args()
    views = {"default": "", "single run": "?mode=single"}
    rows, raw = [], {}
    for name, root in (("reference", args.reference), ("this checkout", None)):
        kwargs = {"root": root} if root else {}
        with AppServer(**kwargs) as app:
            app.wait_healthy()
            for view, query in views.items():
                m = _measure(app.url + query, args.moves)
                raw[f"{name} / {view}"] = m
                rows.append(_summary(name, view, m))
    print(f"Machine: {machine()}; headless Chromium --disable-gpu; {args.moves} moves per view")
    print(
        "\n| server | view | KB per move (median) | max KB | key → drawn ms (median) | p90 ms "
        "| same graph div |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
