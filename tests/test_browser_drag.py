"""Drag α and watch: in Chromium, the chart's "Learning rate α" moves the paths while the
thumb moves, sends nothing to the server until it is let go, and then the link follows.

Every frame a sampler reads the slider's text and what the graph draws (the single run's
name in the readout, its path's points against the family member of the stop the text
names, and the SVG line on screen against those points), so a frame where they disagree
is caught."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from tests.support.browser import (
    app_server,
    chromium,
    needs_chromium,
    new_page,
    open_app,
    settle,
    start_watch,
    wait_rerun,
)
from tests.support.follower import FOLLOWER_JS

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]

SAMPLE_JS = """() => {
  // Each animation frame: the slider's stop (from its text), the follower's name in the
  // readout, and whether the drawn path is that stop's member (decoded as family.js does).
  const gd = document.querySelector('.optiviz-chart');
  const track = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]');
  const state = gd.__optiviz;
  const samples = (window.__optivizSamples = []);
  let last = null;
  const svgHolds = (i, x, y) => {
    // Whether the SVG of trace i passes within 1.5 px of its data's points 5 and 40 (or
    // its last finite one): the line drawn on screen is the data's, whoever drew it.
    const full = gd._fullData[i];
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const paths = gd.querySelectorAll(`.scatterlayer g.trace${full.uid} path.js-line`);
    const corners = (p) => [...p.getAttribute('d').matchAll(/[ML]([^,MLZ]+),([^MLZ]+)/g)];
    const pts = [...paths].flatMap((p) => corners(p).map((m, k) => [+m[1], +m[2], k]));
    const near = (k) => {
      const [px, py] = [xa.c2p(x[k]), ya.c2p(y[k])];
      if (!Number.isFinite(px) || !Number.isFinite(py)) return true;
      let best = Infinity;
      for (let a = 1; a < pts.length; a++) {
        if (pts[a][2] === 0) continue; // a new segment
        const [x0, y0] = pts[a - 1], [x1, y1] = pts[a];
        const len = (x1 - x0) ** 2 + (y1 - y0) ** 2;
        const dot = (px - x0) * (x1 - x0) + (py - y0) * (y1 - y0);
        const u = len ? Math.max(0, Math.min(1, dot / len)) : 0;
        best = Math.min(best, Math.hypot(px - x0 - u * (x1 - x0), py - y0 - u * (y1 - y0)));
      }
      return best <= 1.5;
    };
    return near(Math.min(5, x.length - 1)) && near(Math.min(40, x.length - 1));
  };
  // Each Plotly.animate call: how long (ms, page clock) after the last pointer move.
  const animate = window.Plotly.animate;
  let moved = performance.now();
  document.addEventListener('pointermove', () => (moved = performance.now()), true);
  window.__optivizAnimates = [];
  window.Plotly.animate = function (...args) {
    window.__optivizAnimates.push(performance.now() - moved);
    return animate.apply(this, args);
  };
  const follower = FOLLOWER;
  const sample = () => {
    const {text, drawn, x, run: ids, family} = follower(gd, track, state.prepared.animation.runs);
    const rows = document.querySelectorAll('.optiviz-readout > div');
    const lines = [...rows].map((d) => d.textContent);
    samples.push({text, drawn, svg: svgHolds(ids.path, x, gd.data[ids.path].y),
                  readout: lines[1 + family.run] || '', changed: x !== last,
                  t: performance.now()});
    last = x;
    if (!window.__optivizStop) requestAnimationFrame(sample);
  };
  window.__optivizStop = false;
  requestAnimationFrame(sample);
}""".replace("FOLLOWER", FOLLOWER_JS)


CHART_JS = Path(__file__).resolve().parents[1] / "optiviz" / "ui" / "chart" / "chart.js"
REST_MS = int(re.search(r"const REST_MS = (\d+);", CHART_JS.read_text()).group(1))
"""chart.js's REST_MS: a held thumb at rest this long is drawn by Plotly."""


def _track(page):
    return page.locator('.optiviz-slider[data-key="alpha"] [role="slider"]')


def _query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def _value(page) -> str:
    return _track(page).get_attribute("aria-valuetext").split(" = ")[1]


def _stops(page) -> list[str]:
    return page.evaluate(
        "() => document.querySelector('.optiviz-chart').__optiviz.prepared.sliders[0].texts"
    )


def _drag(page, frm: float, to: float, moves: int = 60, pause_ms: int = 25) -> None:
    """Press the thumb's track at share ``frm`` of its width and drag to ``to``."""
    box = _track(page).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + frm * box["width"], y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(box["x"] + (frm + (to - frm) * i / moves) * box["width"], y)
        page.wait_for_timeout(pause_ms)


@pytest.fixture
def single(chromium, app_server):
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + "?mode=single")
    yield page
    page.close()


@pytest.fixture
def single_on_a_stop(chromium, app_server):
    """Single run at α = 0.87, a stop of the even grid. (The staircase opens at its "good"
    0.8, between two stops: a release from there sends the stops' family whole once, as
    the view before held the family with 0.8's own run among the stops.)"""
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + "?mode=single&alpha=0.87")
    yield page
    page.close()


def test_a_drag_moves_the_path_with_no_message_and_the_link_follows_on_release(
    single_on_a_stop,
) -> None:
    page = single_on_a_stop
    assert _track(page).get_attribute("aria-label") == "Learning rate α"
    assert _value(page) == "0.87" and _query(page)["alpha"] == ["0.87"]
    page.wait_for_timeout(500)
    before = page.evaluate("() => window.__optivizSends")
    page.evaluate(SAMPLE_JS)
    _drag(page, 0.45, 0.75)
    page.evaluate("() => (window.__optivizStop = true)")
    samples = page.evaluate("() => window.__optivizSamples")
    assert page.evaluate("() => window.__optivizSends") == before, "nothing sent while dragging"
    seconds = (samples[-1]["t"] - samples[0]["t"]) / 1000
    redraws = sum(s["changed"] for s in samples[1:])
    print(f"drag: {redraws} path changes in {seconds:.2f} s ({redraws / seconds:.0f}/s)")
    assert redraws >= 5, "the path follows the thumb"
    # Held, the thumb's moves are drawn straight into the SVG: Plotly redraws the graph
    # only where that cannot be done and when the thumb rests (REST_MS after a
    # move: a loaded machine's slow moves rest more often; those draws are not counted).
    after_move = page.evaluate("() => window.__optivizAnimates")
    animates = sum(ms < REST_MS for ms in after_move)
    assert animates <= redraws / 3, (after_move, redraws)
    for s in samples:  # the text and the drawn run never disagree
        assert s["drawn"] is not False, s
        assert s["svg"], s
        assert s["readout"].startswith(f"● α={s['text'].split(' = ')[1]}:"), s
    dragged = _value(page)
    assert dragged != "0.87"
    since = start_watch(page)
    page.mouse.up()
    wait_rerun(page, since)
    assert page.evaluate("() => window.__optivizSends") > before  # one release, one message
    assert _query(page)["alpha"] == [dragged]
    assert _value(page) == dragged
    link = page.locator(".optiviz-share-url").filter(has_text="alpha=").first.text_content()
    assert f"alpha={dragged}" in link
    # The family held the stop let go at, so the server told the chart to keep the
    # payload before (explore.payload, chart_component.kept): it still draws the dragged
    # member, and holds every member of the family.
    held = page.evaluate(
        "() => { const s = document.querySelector('.optiviz-chart').__optiviz;"
        " const slider = s.prepared.sliders[0];"
        " return [slider.texts[s.want.alpha] ?? null, slider.count,"
        " slider.families[0].xy.length]; }"
    )
    assert held[0] == dragged and held[1] == held[2] == len(_stops(page)), held
    assert not page.console_errors


HELD_KEYS_JS = """(keys) => {
  // Press `keys` on the α track in one task, as a held key repeats: the stop the slider
  // moved to after each (its text; the thumb's text follows at the next draw), the
  // messages sent meanwhile, and the page-clock time of the last key.
  const track = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]');
  const state = document.querySelector('.optiviz-chart').__optiviz;
  const before = window.__optivizSends;
  const values = keys.map((key) => {
    track.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
    return state.prepared.sliders[0].texts[state.want.alpha];
  });
  return {values, sent: window.__optivizSends - before, last: performance.now()};
}"""

TRACK_TEXT_JS = (
    'document.querySelector(\'.optiviz-slider[data-key="alpha"] [role="slider"]\')'
    ".getAttribute('aria-valuetext')"
)
"""A JS expression: the α thumb's value text ("α = 0.8")."""

SEND_TIMES_JS = """() => {
  // From now on, note the page-clock time of every message the page's sockets send.
  window.__optivizSendTimes = [];
  const proto = window.WebSocket.prototype, send = proto.send;
  proto.send = function (...args) {
    window.__optivizSendTimes.push(performance.now());
    return send.apply(this, args);
  };
}"""


def test_keys_move_one_stop_a_decade_and_to_the_ends(single) -> None:
    """A real → moves one stop and is released (the link follows); then keys that follow
    each other faster than the release delay (one task: no machine is too slow for
    that) move a stop, a decade and to the ends and send nothing, and the release is sent
    ``RELEASE_MS`` (300 ms) after the last of them, in the page's clock."""
    page = single
    stops = _stops(page)
    at = stops.index("0.8")
    track = _track(page)
    track.focus()
    since = start_watch(page)
    track.press("ArrowRight")
    assert _value(page) == stops[at + 1]
    wait_rerun(page, since)
    assert _query(page)["alpha"] == [stops[at + 1]]
    stops = _stops(page)  # 0.8 was a value between two stops: they are the grid's now
    at = stops.index(_value(page))
    page.evaluate(SEND_TIMES_JS)
    since = start_watch(page)
    keys = ["ArrowLeft", "ArrowLeft", "PageUp", "Home", "End"]
    held = page.evaluate(HELD_KEYS_JS, keys)
    left, up = held["values"][1], float(held["values"][2])
    assert held["values"][:2] == [stops[at - 1], stops[at - 2]]
    assert up / float(left) == pytest.approx(10, rel=0.25)
    assert held["values"][3:] == [stops[0], stops[-1]]
    assert held["sent"] == 0, "held keys send nothing"
    page.wait_for_function(f"() => ({TRACK_TEXT_JS}).endsWith(' = {stops[-1]}')", timeout=15_000)
    assert float(track.get_attribute("aria-valuenow")) == float(stops[-1])
    wait_rerun(page, since)
    sends = page.evaluate("() => window.__optivizSendTimes")
    assert sends and sends[0] - held["last"] >= 300, (held["last"], sends)
    assert _query(page)["alpha"] == [stops[-1]]
    assert re.fullmatch(r"diverged at step \d+ · .*", _verdict(page))


def _verdict(page) -> str:
    return page.locator(".optiviz-slider-verdict").first.text_content()


STEP_JS = "Number(document.querySelector('.optiviz-step').textContent.split(' ').pop())"
"""A JS expression: the step the top view's label shows."""


def _step(page) -> int:
    return int(page.locator(".optiviz-step").text_content().split()[-1])


def test_presenter_keys_step_frames_except_while_the_slider_has_focus(chromium, app_server):
    page = new_page(chromium, 1280, 720)
    open_app(page, app_server.url + "?mode=single&present=1")
    track = _track(page)
    track.focus()
    track.press("ArrowRight")
    assert _value(page) != "0.8" and _step(page) == 0  # the slider took the key
    settle(page)
    page.wait_for_timeout(600)  # released and redrawn
    wait_rerun(page, start_watch(page))
    page.locator("h1").first.click()  # the slider loses the focus
    value = _value(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(STEP_JS + " !== 0", timeout=5_000)
    assert _step(page) == 1 and _value(page) == value  # the frame stepped
    assert not page.console_errors
    page.close()


def test_play_keeps_playing_across_a_drag(single) -> None:
    """Frames go on while the thumb is held and after it is let go (each wait is for the
    next frame, not for a time: the order of events, whatever the machine's speed)."""
    page = single
    page.locator(".optiviz-play").click()
    page.wait_for_function(STEP_JS + " > 0", timeout=15_000)
    started = _step(page)
    _drag(page, 0.45, 0.6, moves=20)
    page.wait_for_function(f"{STEP_JS} > {started}", timeout=15_000)  # still held
    playing = page.evaluate(
        "() => { const q = document.querySelector('.optiviz-chart')._transitionData._frameQueue;"
        " return Boolean(q && q.length); }"
    )
    during = _step(page)
    page.mouse.up()
    assert playing and during > started, (started, during)
    page.wait_for_function(f"{STEP_JS} > {during}", timeout=15_000)


STRIP_JS = """() => {
  const box = document.querySelector('.optiviz-slider[data-key="alpha"]');
  const slider = box.__slider;
  const bands = [...box.querySelectorAll('.optiviz-slider-strip > span')];
  return {n: slider.stops.length, bands: bands.map((b) => getComputedStyle(b).backgroundColor),
          titles: bands.map((b) => b.title), colours: slider.verdict_colours,
          verdicts: slider.verdicts, strip: slider.strip, index: slider.index};
}"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_the_track_is_the_verdict_strip_and_says_it_in_words(single) -> None:
    """One band per stop in its verdict's colour, its verdict in its title; beside the
    track, the thumb's verdict and final loss written as the run's verdict line says it."""
    page = single
    got = page.evaluate(STRIP_JS)
    assert len(got["bands"]) == got["n"]
    for band, title, cell in zip(got["bands"], got["titles"], got["strip"], strict=True):
        assert band == _rgb(got["colours"][cell[0]])
        assert title.endswith(f": {got['verdicts'][cell[0]]}")
    assert {"slow", "converged", "oscillating", "diverged"} <= {
        t.split(": ")[-1] for t in got["titles"]
    }
    row = page.locator(
        ".optiviz-verdict"
    ).first.text_content()  # "● α=0.8: converged · final loss 0"
    assert row.split(": ", 1)[1] == _verdict(page)
    _track(page).hover(position={"x": 3, "y": 5})  # the far left: too small
    hovered = re.fullmatch(r"α = (\S+): slow · final loss \S+", _verdict(page))
    assert hovered and hovered[1] in _stops(page)[:3], _verdict(page)
