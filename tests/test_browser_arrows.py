"""Inside a step, in Chromium: the arrows the page draws at the step shown are
``step_parts``' vectors of the run the page shows, on load, after scrubbing, while playing
(every frame's arrows start at that frame's ball), and while the α thumb is held on
another stop (that member's arrows and its own 2/λ_max(θ_t) line); a hidden run hides
them, and an adaptive run's readout gives its effective step per coordinate."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import stability
from optiviz.core.step_parts import step_parts
from tests.support.browser import app_server, chromium, needs_chromium, new_page, open_app, settle

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]

START = (-3.0, 1.5)
HYPER = {"momentum": 0.5}
QUERY = (
    "?mode=single&surface=quadratic&optimizer=momentum&momentum=0.5&alpha=0.05&steps=40"
    f"&start_x={START[0]}&start_y={START[1]}"
)

READ_JS = """() => {
  // The step shown, the α the thumb shows, and what the graph holds for the arrows'
  // traces (gd.data: what Plotly drew, or drew straight into its SVG) and the run's own
  // threshold line; the key's kinds.
  const gd = document.querySelector('.optiviz-chart');
  const state = gd.__optiviz;
  const animation = state.prepared.animation;
  const plain = (a) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  const ids = animation.runs[0];
  const thumb = document.querySelector('.optiviz-slider[data-key="alpha"] [role="slider"]');
  return {
    step: Number(state.names[state.shown || 0]),
    alpha: thumb.getAttribute('aria-valuetext').split(' = ')[1],
    kinds: animation.arrow_key.map((e) => e.kind),
    shortest: animation.arrow_min,
    arrows: animation.arrows.map((i) => ({ x: plain(gd.data[i].x), y: plain(gd.data[i].y) })),
    edge: ids.edge === undefined ? null : plain(gd.data[ids.edge].y),
    drawn: animation.arrows.map((i) =>
      gd.querySelectorAll(`.scatterlayer g.trace${gd._fullData[i].uid} path.js-line`).length),
    key: document.querySelector('.optiviz-arrow-key')?.textContent || '',
  };
}"""

SAMPLE_PLAY_JS = """() => {
  // On every animation frame while playing: the ball's position and the arrows' start.
  const gd = document.querySelector('.optiviz-chart');
  const animation = gd.__optiviz.prepared.animation;
  const out = (window.__arrowSamples = []);
  const sample = () => {
    const ball = gd.data[animation.ids[0]];
    const arrow = gd.data[animation.arrows[1]];
    out.push([ball.x[0], ball.y[0], arrow.x[0], arrow.y[0]]);
    if (!window.__arrowStop) requestAnimationFrame(sample);
  };
  window.__arrowStop = false;
  requestAnimationFrame(sample);
}"""


HEADS_JS = """() => {
  // Each arrow trace's heads as the screen shows them: the first corner of the head's
  // path (its tip at 0, 0) turned by the element's rotate(), in px.
  const gd = document.querySelector('.optiviz-chart');
  const animation = gd.__optiviz.prepared.animation;
  return animation.arrows.slice(1).map((i) => {
    const group = gd.querySelector(`.scatterlayer g.trace${gd._fullData[i].uid}`);
    return [...group.querySelectorAll('g.points > path.point')].flatMap((mark) => {
      const corner = /^M0,0L([-\\d.e]+),([-\\d.e]+)/.exec(mark.getAttribute('d') || '');
      if (!corner) return [];
      const turn = /rotate\\(([-\\d.e]+)\\)/.exec(mark.getAttribute('transform') || '');
      const a = ((turn ? Number(turn[1]) : 0) * Math.PI) / 180;
      const [x, y] = [Number(corner[1]), Number(corner[2])];
      return [[x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)]];
    });
  });
}"""


def _run(alpha: float) -> optiviz.Trajectory:
    return optiviz.simulate("quadratic", "momentum", alpha=alpha, steps=40, start=START, **HYPER)


def _check(got: dict, alpha: float, atol: float) -> None:
    """The page's arrows at its step equal ``step_parts`` of the run at ``alpha``."""
    tr = _run(alpha)
    parts = step_parts(tr, **HYPER)
    t = got["step"]
    start = tr.positions[t]
    tip, end = start + parts.gradient_step[t], tr.positions[t + 1]
    want = {"step": [start, end], "gradient": [start, tip], "momentum": [tip, end]}
    assert got["kinds"] == ["step", "gradient", "momentum"]
    for k, kind in enumerate(got["kinds"]):
        trace = got["arrows"][1 + k]
        drawn = np.array([trace["x"][:2], trace["y"][:2]], dtype=float).T
        if np.hypot(*np.subtract(*want[kind][::-1])) < got["shortest"]:
            assert np.isnan(drawn).all(), (kind, t)  # too short to draw: no head anywhere
            continue
        np.testing.assert_allclose(drawn, want[kind], atol=atol, err_msg=f"{kind} at {t}")
    np.testing.assert_allclose(
        np.subtract(*np.array(want["momentum"])[::-1]), parts.momentum[t], atol=2 * atol
    )


@pytest.fixture
def page(chromium, app_server):
    page = new_page(chromium, 1400, 1000)
    open_app(page, app_server.url + QUERY)
    yield page
    page.close()


def _read(page) -> dict:
    settle(page)
    return page.evaluate(READ_JS)


def test_the_arrows_follow_scrubbing_and_play(page) -> None:
    got = _read(page)
    assert got["step"] == 0 and got["alpha"] == "0.05"
    assert "actual step" in got["key"] and "momentum term" in got["key"]
    # The outline, the step and the gradient step draw a line (step 0 has no momentum yet).
    assert all(n >= 1 for n in got["drawn"][:3]) and got["drawn"][3] == 0, got["drawn"]
    _check(got, 0.05, atol=1e-5)
    page.locator(".optiviz-scrub").evaluate(
        "(s) => { s.value = '17'; s.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_timeout(200)
    got = _read(page)
    assert got["step"] == 17
    _check(got, 0.05, atol=1e-5)
    page.evaluate(SAMPLE_PLAY_JS)
    page.locator(".optiviz-play").click()
    page.wait_for_timeout(400)
    page.locator(".optiviz-pause").click()
    page.evaluate("() => (window.__arrowStop = true)")
    samples = np.array(page.evaluate("() => window.__arrowSamples"), dtype=float)
    got = _read(page)
    assert 17 < got["step"] < 40, got["step"]
    _check(got, 0.05, atol=1e-5)
    assert len(np.unique(samples[:, 0])) >= 3, "the ball moved while sampled"
    drawn = np.isfinite(samples[:, 2])  # a step under a pixel is not drawn
    assert len(np.unique(samples[drawn, 0])) >= 3
    np.testing.assert_allclose(samples[drawn, 2:], samples[drawn, :2], atol=1e-6)  # at the ball
    assert not page.console_errors


def test_a_held_alpha_shows_that_members_arrows_and_line_and_a_hidden_run_none(page) -> None:
    page.locator(".optiviz-scrub").evaluate(
        "(s) => { s.value = '6'; s.dispatchEvent(new Event('input')); }"
    )
    track = page.locator('.optiviz-slider[data-key="alpha"] [role="slider"]')
    box = track.bounding_box()
    stops = page.evaluate(
        "() => document.querySelector('.optiviz-chart').__optiviz.prepared.sliders[0].texts"
    )
    at = stops.index("0.05")
    y = box["y"] + box["height"] / 2
    x0 = box["x"] + (at + 0.5) / len(stops) * box["width"]
    page.mouse.move(x0, y)
    page.mouse.down()
    for k in range(1, 9):  # a few stops up, held
        page.mouse.move(x0 + k * box["width"] / len(stops) * 0.6, y)
        page.wait_for_timeout(40)
    held = page.evaluate(HEADS_JS)  # drawn straight into the SVG while the thumb moves
    page.wait_for_timeout(500)  # at rest: Plotly has drawn the swap
    rest = page.evaluate(HEADS_JS)
    for moved, drawn in zip(held, rest, strict=True):  # each head points as Plotly draws it
        np.testing.assert_allclose(np.array(moved), np.array(drawn), atol=0.3)
    got = _read(page)
    alpha = float(got["alpha"])
    assert alpha > 0.05 and got["step"] == 6
    span = 8.0  # the quadratic's x range: positions travel within 1/21845 of it
    _check(got, alpha, atol=span / 5000)
    line = stability.critical_alpha_along("quadratic", _run(alpha).positions, "momentum", **HYPER)
    np.testing.assert_allclose(
        np.array(got["edge"], dtype=float), line[:40], rtol=5e-3
    )  # the member's own line (3 digits), not the settled run's blank or stale one
    page.mouse.up()
    settle(page)
    page.locator(".optiviz-verdict").first.click()
    page.wait_for_timeout(300)
    got = _read(page)
    assert all(v is None for trace in got["arrows"][1:] for v in trace["x"]), "hidden run"
    assert not page.console_errors


def test_an_adaptive_runs_readout_gives_its_effective_step(chromium, app_server) -> None:
    page = new_page(chromium, 1400, 1000)
    open_app(
        page,
        app_server.url
        + "?mode=single&surface=quadratic&optimizer=adam&alpha=0.1&steps=12&start_x=1&start_y=1",
    )
    line = page.locator(".optiviz-readout > div").nth(1).text_content()
    assert line.endswith("effective step αt/(√v̂t+ε) = (0.1, 0.005)"), line
    got = _read(page)
    assert got["kinds"] == ["step", "gradient"]  # Adam carries no momentum term here
    assert not page.console_errors
    page.close()
