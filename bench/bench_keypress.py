"""α key to drawn: how long one press of → on "Learning rate α" takes to show the new paths.

In headless Chromium (software rendering), the thumb of the "Learning rate α" select
slider is focused and ArrowRight pressed. The time runs from the ``keydown`` event to
two animation frames after the new data is in the graph: an init script watches the
first ``.js-plotly-plot`` on the page (a MutationObserver, and a check every frame)
until the graph element, its ``data`` array or a trace's x, y or z is no longer the
one it held before the press, then waits two ``requestAnimationFrame``s, so the frame
holding the new data has been painted. This works whether a move mounts a new chart
(``st.plotly_chart``) or updates the same one in place; each move also records whether
the graph is the same element before and after. Every move goes one option up, so no
server cache answers. Measured on the default view and the single-run view of the
app, and in the same run on ``bench/bare_app.py`` (one select slider, one small
``st.plotly_chart``) as the baseline; the app is run with the repository's config
and with Streamlit's default post-script collection (``bench_protocol.VARIANTS``).
Run from the repository root with ``.venv/bin/python -m bench.bench_keypress``.
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, field

from playwright.sync_api import sync_playwright

from bench.bench_protocol import ALPHA, VARIANTS
from tests.support.live_app import (
    FINISHED_HOOK_JS,
    FIRST_CHART_MS,
    IDLE,
    MAP_CHART,
    AppServer,
    launch_chromium,
    machine,
)

BARE_APP = "bench/bare_app.py"
VIEWS = {"default view": "", "single-run view": "?mode=single"}

WATCH_GRAPH_JS = """(() => {
  const graph = () => document.querySelector('.js-plotly-plot');
  const print = gd => gd && gd.data
    ? [gd, gd.data, ...gd.data.flatMap(t => [t.x, t.y, t.z])] : [gd];
  const changed = (a, b) => a.length !== b.length || a.some((v, i) => v !== b[i]);
  addEventListener('keydown', e => {
    const move = window.__optivizMove;
    if (move && move.key === null) move.key = e.timeStamp;
  }, true);
  window.__optivizArm = () => {
    const gd = graph();
    const move = {key: null, data: null, drawn: null, same: null};
    const before = print(gd);
    window.__optivizMove = move;
    const check = () => {
      const now = graph();
      if (move.data !== null || !now || !now.data || !changed(print(now), before)) return;
      move.data = performance.now();
      move.same = now === gd;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => { move.drawn = performance.now(); }));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {childList: true, subtree: true, attributes: true});
    const poll = () => { check(); if (move.data === null) requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
    return window.__optivizFinished || 0;
  };
})()"""
"""Init script: ``__optivizArm()`` starts watching the first graph for the next move and
returns the count of ``script_finished`` messages so far (``FINISHED_HOOK_JS``); the move's
``keydown``, new-data and drawn times (page clock, ms) land in ``__optivizMove``."""


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
    page.add_init_script(FINISHED_HOOK_JS)
    page.add_init_script(WATCH_GRAPH_JS)
    page.on("console", lambda m: case.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: case.errors.append(str(e)))
    page.goto(case.url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(1000)
    return page


def press(page) -> dict:
    """Press → on the focused α thumb; wait for the new graph drawn and the rerun's end."""
    page.get_by_role("slider", name=ALPHA).focus()
    finished = page.evaluate("__optivizArm()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__optivizMove.drawn !== null", timeout=FIRST_CHART_MS)
    page.wait_for_function(f"(window.__optivizFinished || 0) > {finished}", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(400)
    return page.evaluate("window.__optivizMove")


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


def _row(case: Case, baseline: float) -> str:
    drawn, data = statistics.median(case.drawn_ms), statistics.median(case.data_ms)
    return (
        f"| {case.name} | {len(case.drawn_ms)} | {drawn:.0f} | {data:.0f} "
        f"| {min(case.drawn_ms):.0f}–{max(case.drawn_ms):.0f} | {drawn / baseline:.1f}× "
        f"| {sum(case.same)} of {len(case.same)} | {len(case.errors)} |"
    )


def main() -> None:
    """Print a row per page: median key-to-drawn and key-to-data ms, range, ratio to the
    bare page, how many moves kept the same graph element, console errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="measured moves per page and round")
    parser.add_argument("--rounds", type=int, default=1, help="passes over every page, in turn")
    parser.add_argument("--variants", nargs="+", default=["config", "Streamlit default"])
    args = parser.parse_args()
    servers = {"bare page": AppServer(app=BARE_APP)}
    servers |= {name: AppServer(env=VARIANTS[name]) for name in args.variants}
    cases = [Case("bare page", servers["bare page"].url)]
    for name in args.variants:
        cases += [Case(f"{view}, {name}", servers[name].url + q) for view, q in VIEWS.items()]
    try:
        for server in servers.values():
            server.wait_healthy()
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            for _ in range(args.rounds):
                for case in cases:
                    measure(browser, case, args.moves)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu (software rendering)\n")
    print("| page | moves | key → drawn median ms | key → new data median ms | range ms ", end="")
    print("| / bare page | same graph element | console errors |")
    print("|---|---|---|---|---|---|---|---|")
    baseline = statistics.median(cases[0].drawn_ms)
    for case in cases:
        print(_row(case, baseline))
    for case in cases:
        for error in case.errors[:5]:
            print(f"error ({case.name}): {error[:200]}")


if __name__ == "__main__":
    main()
