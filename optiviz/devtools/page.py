"""What the tests and benchmarks look for on the app's page, and how they move it.

The selectors of the explore page (the script state, the map, its Play/Pause/step
controls), the scripts that read it (``MAP_STATE_JS``, ``ERRORS_JS``) or watch it
(``COUNT_FRAMES_JS``, ``WATCH_GRAPH_JS``), and ``press``, one α key press timed from the
``keydown`` to the new graph drawn. The waits count the server's ``script_finished``
messages, which ``socket_hook.SOCKET_HOOK_JS`` must be installed to see.
"""

from __future__ import annotations

FIRST_CHART_MS = 120_000
"""Generous: the first visit compiles the default view's JAX code."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
"""The app's root carries the script run state; ``notRunning`` means the rerun has finished."""

MAP_CHART = ".js-plotly-plot"
"""The animated top view is the first Plotly graph on the explore page."""

PLAY = ".optiviz-controls .optiviz-play"
PAUSE = ".optiviz-controls .optiviz-pause"
SCRUB = ".optiviz-controls .optiviz-scrub"
"""The top view's own controls, under its graph: Play, Pause and the step slider."""

SHOWN_INDEX_JS = f"Number(document.querySelector('{SCRUB}').value)"
"""A JS expression: the index of the frame the top view's step slider shows."""

MAP_STATE_JS = f"""() => {{
  const gd = document.querySelector('.js-plotly-plot');
  const frames = gd._transitionData._frames;
  const ids = frames[0].traces;
  return {{
    active: {SHOWN_INDEX_JS},
    frames: frames.length,
    moving: ids.map(i => [gd.data[i].x, gd.data[i].y]),
  }};
}}"""
"""The map's slider position, frame count and the x/y of its animated traces (ball, trail)."""


def play_button(page):
    """The Play button of the page's first animation: the app's own, or Plotly's."""
    plotly = page.locator(MAP_CHART).first.locator(".updatemenu-button", has_text="Play")
    return page.locator(PLAY).or_(plotly).first


COUNT_FRAMES_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  window.__optivizFrames = [];
  gd.on('plotly_animatingframe', e => window.__optivizFrames.push([performance.now(), e.name]));
}"""
"""Record (time ms, frame name) of every animation frame Plotly draws on the map."""

ERRORS_JS = """() => [...document.querySelectorAll('[data-testid="stException"]')]
  .map(e => e.innerText.slice(0, 300))"""
"""The text of every Streamlit exception box on the page."""


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
returns the count of ``script_finished`` messages so far (``SOCKET_HOOK_JS``); the move's
``keydown``, new-data and drawn times (page clock, ms) land in ``__optivizMove``."""

ALPHA_SLIDER = "Learning rate α"
"""The accessible name of the chart's α slider."""


def press(page) -> dict:
    """Press → on the chart's α slider; wait for the new graph drawn (``WATCH_GRAPH_JS``) and
    the rerun's end; the move's ``__optivizMove`` marks."""
    page.get_by_role("slider", name=ALPHA_SLIDER).focus()
    finished = page.evaluate("__optivizArm()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__optivizMove.drawn !== null", timeout=FIRST_CHART_MS)
    page.wait_for_function(f"(window.__optivizFinished || 0) > {finished}", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(400)
    return page.evaluate("window.__optivizMove")
