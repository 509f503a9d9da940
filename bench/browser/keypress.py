"""α key and α drag to drawn, in headless Chromium (software rendering, ``--disable-gpu``).

- **Bare page** (the baseline, in the same run): ``bench/apps/bare_app.py``'s one select slider
  and one small ``st.plotly_chart``; → on its thumb, timed from the ``keydown`` event to two
  animation frames after the new data is in the graph (an init script watches the first
  ``.js-plotly-plot``: a MutationObserver, and a check every frame), through the server.
- **App, α key**: → on the chart's "Learning rate α" in the single-run view: keydown to the
  new path drawn, the same watch, and the messages the page sent in between (the family
  swaps the run in the browser; the value goes to the server 300 ms after the last key).
- **App, drag**: pointer events on the α track, one per animation frame for 3 s, across half
  the track and back: how many frames drew a new path (changes per second) and how many
  messages were sent during the drag; in the top view (single run, race) and the 3-D view.
- **Family cost**: process CPU of a settled view's α and k families, computed and packed
  (``optiviz.ui.sliders``, caches cleared), at 150 and 2000 steps; and the chart's data
  bytes per view, settled with its families.

Run from the repository root with ``.venv/bin/python -m bench.browser key``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass, field

from playwright.sync_api import sync_playwright

from bench.load.protocol import VARIANTS
from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import (
    ALPHA_SLIDER,
    FIRST_CHART_MS,
    IDLE,
    MAP_CHART,
    WATCH_GRAPH_JS,
    press,
)
from optiviz.devtools.server import AppServer
from optiviz.devtools.socket_hook import SOCKET_HOOK_JS

BARE_APP = "bench/apps/bare_app.py"


@dataclass
class Case:
    """One page (and server variant) and the moves measured on it."""

    name: str
    url: str
    drawn_ms: list[float] = field(default_factory=list)
    data_ms: list[float] = field(default_factory=list)
    same: list[bool] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _open(browser, case: Case):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(SOCKET_HOOK_JS)
    page.add_init_script(WATCH_GRAPH_JS)
    page.on("console", lambda m: case.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: case.errors.append(str(e)))
    page.goto(case.url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(1000)
    return page


def measure(browser, case: Case, moves: int, warm: int = 1) -> None:
    """``warm`` uncounted moves, then ``moves`` measured ones, on a fresh page."""
    page = _open(browser, case)
    for i in range(warm + moves):
        move = press(page)
        if i >= warm:
            case.drawn_ms.append(move["drawn"] - move["key"])
            case.data_ms.append(move["data"] - move["key"])
            case.same.append(bool(move["same"]))
    page.close()


DRAG_JS = """async ([seconds, from, to, bare]) => {
  // Drag the α thumb with pointer events, one move per animation frame for `seconds`,
  // from share `from` of the track to `to` and back; count the frames on which the first
  // path trace of the graph has new data, and the messages sent meanwhile. `bare`: the
  // bare page's Streamlit slider and its graph's one line.
  const track = document.querySelector(bare ? '[data-testid="stSlider"]'
    : '.optiviz-slider[data-key="alpha"] [role="slider"]');
  const gd = document.querySelector('.js-plotly-plot');
  const box = track.getBoundingClientRect();
  const y = box.top + box.height / 2;
  const at = (share) => ({clientX: box.left + share * box.width, clientY: y, pointerId: 7,
                          button: 0, bubbles: true});
  const path = () => {
    // The path of the run that follows α (its family's), in the top or the 3-D view.
    if (bare) return document.querySelector('.js-plotly-plot').data[0].y;
    const state = gd.parentElement.querySelector('.optiviz-chart').__optiviz;
    const family = state.prepared.sliders[0].families[0];
    const runs = (state.prepared.animation || state.prepared.scene3d).runs;
    return family ? gd.data[runs[family.run].path].x : null;
  };
  const sends = window.__optivizSends;
  track.dispatchEvent(new PointerEvent('pointerdown', at(from)));
  const start = performance.now();
  let last = path(), changes = 0, frames = 0;
  await new Promise((done) => {
    const tick = (now) => {
      const t = (now - start) / 1000;
      const phase = (t / seconds) * 2;
      const share = phase < 1 ? from + (to - from) * phase : to - (to - from) * (phase - 1);
      track.dispatchEvent(new PointerEvent('pointermove', at(share)));
      const x = path();
      if (x !== last) changes += 1;
      last = x;
      frames += 1;
      if (t < seconds) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  const seconds_ = (performance.now() - start) / 1000;
  const sent = window.__optivizSends - sends;
  track.dispatchEvent(new PointerEvent('pointerup', at(from)));
  return {changes, frames, seconds: seconds_, sent};
}"""
"""Drag the α thumb in the page (``[seconds, from, to, bare]``); returns the path changes,
the animation frames and the seconds, and the messages sent during the drag."""

DRAG_VIEWS = {
    "top view, single run": "?mode=single",
    "top view, race": "",
    "top view, Compare optimizers": "?mode=optimizers",
    "3-D view, single run": "?mode=single&picture=3-D+view",
    "3-D view, race": "?picture=3-D+view",
}


def drag(browser, url: str, seconds: float = 3.0, bare: bool = False, repeats: int = 1) -> list:
    """``repeats`` drags on a fresh page at ``url``, after a first uncounted one (``bare``:
    the bare page, whose slider sends its value on release, so its frames are the
    browser's ceiling and its path changes 0)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(SOCKET_HOOK_JS)
    page.goto(url)
    page.wait_for_selector(MAP_CHART if bare else ".optiviz-slider", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(1000)
    page.evaluate(DRAG_JS, [1.0, 0.5, 0.6, bare])
    out = []
    for _ in range(repeats):
        page.wait_for_timeout(1500)
        page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        out.append(page.evaluate(DRAG_JS, [seconds, 0.3, 0.8, bare]))
    page.close()
    return out


def key_swap(browser, url: str, moves: int = 12) -> tuple[list[float], int]:
    """α → on the chart's slider: ms from keydown to the new path drawn (no server in
    between), and the messages sent between the key and the drawing, over ``moves``."""
    page = _open(browser, Case("swap", url))
    page.add_init_script(SOCKET_HOOK_JS)
    page.reload()
    page.wait_for_selector(".optiviz-slider", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(1000)
    times, sent = [], 0
    for _ in range(moves):
        page.get_by_role("slider", name=ALPHA_SLIDER).focus()
        page.evaluate("__optivizArm()")
        before = page.evaluate("window.__optivizSends")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("window.__optivizMove.drawn !== null", timeout=FIRST_CHART_MS)
        move = page.evaluate("window.__optivizMove")
        sent += page.evaluate(f"window.__optivizSends - {before}")
        times.append(move["drawn"] - move["key"])
        page.wait_for_timeout(800)  # the release (300 ms after the key) and its rerun
        page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.close()
    return times, sent


def family_cpu(repeats: int = 5) -> dict[str, float]:
    """Server CPU (process time, ms, median) of a settled view's α and k families, computed
    and packed, on the staircase: default steps, and 2000 steps (a window of stops)."""
    from dataclasses import replace

    from optiviz.devtools.examples import staircase_settings
    from optiviz.scenes import params
    from optiviz.ui import explore_chart, family_cache, sliders

    out = {}
    for label, changes in {
        "150 steps, race (α)": {"presets": params.DEFAULT_PRESETS},
        "150 steps, single run, exponential (α and k)": {
            "mode": "single",
            "schedule": "exponential",
            "k": 0.01,
        },
        "2000 steps, single run, exponential (α and k)": {
            "mode": "single",
            "schedule": "exponential",
            "k": 0.01,
            "steps": 2000,
        },
    }.items():
        s = staircase_settings(**changes)
        drawn, _ = explore_chart.drawn_settings(s)
        scene = explore_chart.scene_for(drawn)
        box = [list(b) for b in scene.surface.bounds]
        sliders.sliders(drawn, scene, box)  # compiles
        times = []
        for i in range(repeats):
            family_cache.family_of.clear()
            family_cache.packed.clear()
            fresh = replace(drawn, seed=1000 + i)  # no cache answers
            t = time.process_time()
            sliders.sliders(fresh, scene, box)
            times.append(1000 * (time.process_time() - t))
        out[label] = statistics.median(times)
    return out


def payload_bytes() -> dict[str, int]:
    """JSON bytes of the chart's data per view, settled with its families."""
    import json

    from optiviz.devtools.examples import staircase_settings
    from optiviz.scenes import params
    from optiviz.ui import explore_chart

    views = {
        "default view (race)": {"presets": params.DEFAULT_PRESETS},
        "single run": {"mode": "single"},
        "Compare optimizers": {
            "mode": "optimizers",
            "compare_optimizers": ("sgd", "momentum", "adam"),
        },
        "single run, exponential (α and k)": {
            "mode": "single",
            "schedule": "exponential",
            "k": 0.01,
        },
        "single run, 2000 steps": {"mode": "single", "steps": 2000},
        "Many seeds (no family)": {"mode": "seeds", "noise": 0.5},
    }
    out = {}
    for label, changes in views.items():
        out[label] = len(json.dumps(explore_chart.chart_for(staircase_settings(**changes))))
    for label, changes in {
        "3-D view, race": {"presets": params.DEFAULT_PRESETS},
        "3-D view, single run, exponential (α and k)": {
            "mode": "single",
            "schedule": "exponential",
            "k": 0.01,
        },
    }.items():
        out[label] = len(json.dumps(explore_chart.chart_for(staircase_settings(**changes), True)))
    return out


def main() -> None:
    """Print a row per page: median key-to-drawn and key-to-data ms, range, ratio to the
    bare page, how many moves kept the same graph element, console errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="measured moves per page and round")
    parser.add_argument("--rounds", type=int, default=1, help="passes over every page, in turn")
    parser.add_argument("--variant", default="config", choices=sorted(VARIANTS))
    parser.add_argument("--drags", type=int, default=1, help="measured drags per view")
    parser.add_argument("--drag-only", action="store_true", help="only the drags")
    args = parser.parse_args()
    load_before = os.getloadavg()
    servers = {"bare page": AppServer(app=BARE_APP)}
    servers["app"] = AppServer(env=VARIANTS[args.variant])
    cases = [Case("bare page", servers["bare page"].url)]
    drags, swaps = {}, None
    try:
        for server in servers.values():
            server.wait_healthy()
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for _ in range(0 if args.drag_only else args.rounds):
                for case in cases:
                    measure(browser, case, args.moves)
            app = servers["app"].url
            if not args.drag_only:
                swaps = key_swap(browser, app + "?mode=single", args.moves)
            bare = servers["bare page"].url
            drags["bare page"] = drag(browser, bare, bare=True, repeats=args.drags)
            for view, q in DRAG_VIEWS.items():
                drags[view] = drag(browser, app + q, repeats=args.drags)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu (software rendering)\n")
    print(f"Load average (1, 5, 15 min): {load_before} before, {os.getloadavg()} after\n")
    if swaps is not None:
        times, sent = swaps
        print(
            f"Bare page (one st.select_slider, one st.plotly_chart), α key → drawn median "
            f"{statistics.median(cases[0].drawn_ms):.0f} ms (through the server)"
        )
        print(
            f"App, single run: α key → drawn median {statistics.median(times):.0f} ms "
            f"(range {min(times):.0f}–{max(times):.0f}, {len(times)} keys), "
            f"{sent} messages sent before the drawing\n"
        )
    print("| drag | path changes | frames | seconds | changes/s | frames/s | messages sent |")
    print("|---|---|---|---|---|---|---|")
    for view, runs in drags.items():
        for d in runs:
            rate, fps = d["changes"] / d["seconds"], d["frames"] / d["seconds"]
            cells = [view, d["changes"], d["frames"], f"{d['seconds']:.1f}", f"{rate:.0f}"]
            print("| " + " | ".join(map(str, [*cells, f"{fps:.0f}", d["sent"]])) + " |")
    if args.drag_only:
        return
    print("\n| family (α and k), computed and packed | server CPU ms (median) |\n|---|---|")
    for label, ms in family_cpu().items():
        print(f"| {label} | {ms:.0f} |")
    print("\n| chart data, settled | bytes |\n|---|---|")
    for label, size in payload_bytes().items():
        print(f"| {label} | {size:,} |")
    for case in cases:
        for error in case.errors[:5]:
            print(f"error ({case.name}): {error[:200]}")


if __name__ == "__main__":
    main()
