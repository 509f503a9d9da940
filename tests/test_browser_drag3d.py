"""Drag α in the 3-D view: in Chromium, the path on the surface follows the thumb while it
moves (drawn on the overlay, projected with the scene's camera, while the thumb is held),
nothing is sent to the server until it is let go, and then WebGL draws the run the link
names, which is ``optiviz.simulate``'s.

Every animation frame a sampler reads the slider's text, the run's verdict line and the
path the graph holds for the follower (against the family member of the stop the text
names), so a frame where they disagree is caught."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
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

URL = "?mode=single&alpha=0.87&picture=3-D+view"

SAMPLE_JS = """() => {
  // Each animation frame: the slider's stop (from its text), the follower's verdict line,
  // whether the path the graph holds is that stop's member (decoded as family.js does),
  // and whether the overlay is up.
  const gd = document.querySelector('.optiviz-chart');
  const track = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]');
  const state = gd.__optiviz;
  const samples = (window.__optivizSamples = []);
  let last = null;
  const follower = FOLLOWER;
  const sample = () => {
    const {text, drawn, x} = follower(gd, track, state.prepared.scene3d.runs);
    const verdict = document.querySelector('.optiviz-verdict');
    samples.push({text, drawn, verdict: verdict ? verdict.textContent : '', changed: x !== last,
                  overlay: Boolean(gd.querySelector('canvas.optiviz-overlay3d')),
                  t: performance.now()});
    last = x;
    if (!window.__optivizStop) requestAnimationFrame(sample);
  };
  window.__optivizStop = false;
  requestAnimationFrame(sample);
}""".replace("FOLLOWER", FOLLOWER_JS)

DRAWN_PATH_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const state = gd.__optiviz;
  const ids = state.prepared.scene3d.runs[0];
  const plain = (a) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  const full = gd._fullData[ids.path];
  return {x: plain(full.x), y: plain(full.y), visible: full.visible,
          overlay: Boolean(gd.querySelector('canvas.optiviz-overlay3d'))};
}"""


def _track(page):
    return page.locator('.optiviz-slider[data-key="alpha"] [role="slider"]')


def _value(page) -> str:
    return _track(page).get_attribute("aria-valuetext").split(" = ")[1]


def _query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def _drag(page, frm: float, to: float, moves: int = 40, pause_ms: int = 40) -> None:
    """Press the α track at share ``frm`` of its width and drag to ``to``."""
    _track(page).scroll_into_view_if_needed()
    box = _track(page).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + frm * box["width"], y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(box["x"] + (frm + (to - frm) * i / moves) * box["width"], y)
        page.wait_for_timeout(pause_ms)


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.fixture
def three_d(chromium, app_server):
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + URL)
    page.wait_for_selector(".optiviz-slider")
    yield page
    page.close()


def test_a_3d_drag_moves_the_path_with_no_message_and_webgl_draws_the_link(three_d) -> None:
    page = three_d
    assert _value(page) == "0.87" and _query(page)["alpha"] == ["0.87"]
    assert page.locator(".optiviz-play").count() == 1, "Play is the chart's, under the graph"
    page.wait_for_timeout(500)
    before = page.evaluate("() => window.__optivizSends")
    page.evaluate(SAMPLE_JS)
    _drag(page, 0.45, 0.75)
    page.evaluate("() => (window.__optivizStop = true)")
    samples = page.evaluate("() => window.__optivizSamples")
    assert page.evaluate("() => window.__optivizSends") == before, "nothing sent while dragging"
    seconds = (samples[-1]["t"] - samples[0]["t"]) / 1000
    changes = sum(s["changed"] for s in samples[1:])
    print(f"3-D drag: {changes} path changes in {seconds:.2f} s ({changes / seconds:.0f}/s)")
    assert changes >= 5, "the path follows the thumb"
    assert any(s["overlay"] for s in samples), "held, the members are drawn on the overlay"
    for s in samples:  # the text, the verdict line and the path never disagree
        assert s["drawn"] is not False, s
        assert s["verdict"].startswith(f"● α={s['text'].split(' = ')[1]}:"), s
    dragged = _value(page)
    assert dragged != "0.87"
    since = start_watch(page)
    page.mouse.up()
    wait_rerun(page, since)
    page.wait_for_timeout(400)
    settle(page)
    assert _query(page)["alpha"] == [dragged] and _value(page) == dragged
    drawn = page.evaluate(DRAWN_PATH_JS)
    assert not drawn["overlay"] and drawn["visible"] is True, "WebGL draws the run now"
    staircase = surfaces.get("staircase")
    want = optiviz.simulate(staircase, "sgd", alpha=float(dragged), steps=150).positions
    span = max(b[1] - b[0] for b in staircase.bounds)
    for col, axis in enumerate("xy"):
        got = _nan(drawn[axis])
        inside = np.isfinite(want[:, col])
        assert np.array_equal(np.isfinite(got), inside)
        assert np.max(np.abs(got[inside] - want[inside, col])) <= span / 5000
    assert not page.console_errors


def test_3d_keys_move_a_stop_and_play_steps_the_ball(three_d) -> None:
    page = three_d
    track = _track(page)
    track.focus()
    stops = page.evaluate(
        "() => document.querySelector('.optiviz-chart').__optiviz.prepared.sliders[0].texts"
    )
    since = start_watch(page)
    track.press("ArrowRight")
    assert _value(page) == stops[stops.index("0.87") + 1]
    page.wait_for_timeout(400)  # released 300 ms after the key
    wait_rerun(page, since)
    assert _query(page)["alpha"] == [stops[stops.index("0.87") + 1]]
    step = page.locator(".optiviz-step")
    assert step.text_content() == "step 0"
    page.locator(".optiviz-play").click()
    page.wait_for_function(
        "() => document.querySelector('.optiviz-step').textContent !== 'step 0'", timeout=20000
    )
    ball = page.evaluate(
        "() => { const gd = document.querySelector('.optiviz-chart');"
        " const ids = gd.__optiviz.prepared.scene3d.runs[0];"
        " return [gd._fullData[ids.ball].x[0], gd._fullData[ids.path].x[0]]; }"
    )
    assert ball[0] != ball[1], "the ball left the start"
    assert not page.console_errors


def test_3d_race_shows_my_alpha_once_alpha_moves_and_a_verdict_hides_its_run(
    chromium, app_server
) -> None:
    """Compare learning rates in 3-D: the race's three verdicts (the latent "my α" has no
    line until α moves, then its line and path show); a click on a verdict hides its run's
    path and ball."""
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + "?picture=3-D+view")
    page.wait_for_selector(".optiviz-slider")
    rows = page.locator(".optiviz-verdict")
    names = [t.split(":")[0] for t in rows.all_text_contents()]
    assert names == ["● too small α=0.055", "● good α=0.8", "● too large α=2.8"], names
    mine = page.evaluate(VISIBLE_JS, 3)
    assert mine == [False, False], "my α is latent"
    _track(page).focus()
    _track(page).press("ArrowRight")
    page.wait_for_function("() => document.querySelectorAll('.optiviz-verdict').length === 4")
    assert rows.nth(3).text_content().startswith(f"● my α={_value(page)}:")
    page.wait_for_timeout(600)
    settle(page)
    assert page.evaluate(VISIBLE_JS, 3) == [True, True]
    rows.first.click()
    page.wait_for_function(f"() => ({VISIBLE_JS})(0)[0] === false")
    assert page.evaluate(VISIBLE_JS, 0) == [False, False]
    assert page.evaluate(VISIBLE_JS, 1) == [True, True]
    assert not page.console_errors
    page.close()


VISIBLE_JS = """(i) => {
  // Whether run i's path and ball are drawn (Plotly's own visibility of the traces).
  const gd = document.querySelector('.optiviz-chart');
  const ids = gd.__optiviz.prepared.scene3d.runs[i];
  return [gd._fullData[ids.path].visible === true, gd._fullData[ids.ball].visible === true];
}"""


def test_3d_play_keeps_playing_across_a_drag(three_d) -> None:
    """Play on, a drag: the ball goes on stepping through it (each move drawn by Plotly,
    the animation resumed at the step shown), on the new path."""
    page = three_d
    step = page.locator(".optiviz-step")
    page.locator(".optiviz-speed button", has_text="½×").click()  # 30 frames, 240 ms each
    page.locator(".optiviz-play").click()
    page.wait_for_timeout(300)
    _drag(page, 0.45, 0.55, moves=3, pause_ms=100)
    moved = int(step.text_content().split()[-1])
    page.wait_for_timeout(1000)  # the thumb still held, at rest
    later = int(step.text_content().split()[-1])
    dragged = _value(page)
    page.mouse.up()
    assert moved < 150, "Play ended before the drag did: nothing to tell"
    assert later > moved, (moved, later)
    assert dragged != "0.87"
    assert not page.console_errors


ONE_SCREEN_JS = """() => {
  // The bottom of the scene, of Play's bar, of α's slider and of the last verdict line.
  const bottom = (s) => document.querySelector(s).getBoundingClientRect().bottom;
  return [bottom('.optiviz-chart'), bottom('.optiviz-controls'),
          bottom('.optiviz-slider[data-key="alpha"]'), bottom('.optiviz-verdicts')];
}"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_3d_presenter_mode_fits_play_alpha_and_the_verdicts_on_one_screen(
    chromium, app_server, width, height
) -> None:
    page = new_page(chromium, width, height)
    open_app(page, app_server.url + "?present=1&picture=3-D+view")
    page.wait_for_selector(".optiviz-slider")
    scene, play, alpha, verdicts = page.evaluate(ONE_SCREEN_JS)
    assert scene < play < alpha < verdicts <= height, (scene, play, alpha, verdicts)
    assert scene > 0.4 * height, "the scene keeps most of the screen"
    assert page.evaluate("() => window.scrollY") == 0
    page.close()
