"""The app in a real browser: ``streamlit run app.py`` driven by Debian's Chromium.

Select with ``pytest tests/test_browser_app.py`` (or ``-k browser``); the test
script installs ``/usr/bin/chromium`` where it is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import numpy as np
import pytest

from optiviz.devtools.page import (
    ERRORS_JS,
    FIRST_CHART_MS,
    IDLE,
    MAP_CHART,
    MAP_STATE_JS,
    PAUSE,
    PLAY,
    SHOWN_INDEX_JS,
)
from optiviz.devtools.socket_hook import RERUN_DONE_JS, WATCH_STATE_JS
from tests.support.browser import app_server, chromium, needs_chromium, new_page

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name


@pytest.fixture(scope="module")
def page(app_server, chromium) -> Iterator:
    """A headless Chromium page (``new_page``: console errors kept, finished runs
    counted) on the app's first screen, with its first chart drawn."""
    tab = new_page(chromium)
    try:
        tab.goto(app_server.url)
        tab.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
        tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        yield tab
    finally:
        tab.close()


def test_play_moves_the_ball(page) -> None:
    assert page.evaluate(ERRORS_JS) == []
    before = page.evaluate(MAP_STATE_JS)
    assert before["frames"] > 10 and before["active"] == 0
    page.locator(PLAY).click()
    page.wait_for_function(f"() => {SHOWN_INDEX_JS} >= 5", timeout=15_000)
    after = page.evaluate(MAP_STATE_JS)
    assert after["active"] > before["active"]
    assert after["moving"] != before["moving"], "the ball and trail were not redrawn"


SHOWN_VS_FRAME_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const name = document.querySelector('.optiviz-step').textContent.replace('step ', '');
  const frame = gd._transitionData._frames.find(f => f.name === name);
  const shown = frame.traces.map(i => [gd.data[i].x, gd.data[i].y]);
  return {name, shown, frame: frame.data.map(d => [d.x, d.y])};
}"""
"""The animated traces as drawn, and the same traces in the current figure's frame for the
step the slider shows."""


def test_moving_alpha_while_playing_keeps_the_ball_on_the_new_path(page) -> None:
    page.locator(PLAY).click()
    page.wait_for_function(f"() => {SHOWN_INDEX_JS} >= 3", timeout=15_000)
    page.evaluate(WATCH_STATE_JS)
    finished = page.evaluate("window.__optivizFinished")
    page.get_by_role("slider", name="Learning rate α").press("ArrowRight")
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    # The rerun hook counts: this first move adds "my α" to the race, so the fragment's run
    # ends early and the whole app reruns (two script_finished messages).
    assert page.evaluate("window.__optivizFinished") == finished + 2
    page.wait_for_timeout(600)  # frames an old animation would still be drawing
    state = page.evaluate(SHOWN_VS_FRAME_JS)
    assert state["shown"] == state["frame"], f"the ball left the drawn path at step {state['name']}"


CLIPPED_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  const parts = gd.querySelectorAll('.g-xtitle, .g-ytitle, .xtick text, .ytick text, '
    + '.legendtext');
  return [...parts].filter(e => e.getBoundingClientRect().width > 0).filter(e => {
    const r = e.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5
      || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
  }).map(e => e.textContent);
}"""
"""The texts and buttons of the map figure that stick out of its drawing area."""


GD = "document.querySelector('.optiviz-chart')"

PATHS_JS = f"""() => {GD}.data.filter(d => d.xaxis === 'x' && d.meta === 'path')
  .map(d => Array.from(d.x))"""
"""Each run's whole path on the map (x only), as drawn."""

SHOWN_JS = f"""() => {{
  const gd = {GD};
  const step = document.querySelector('.optiviz-step').textContent.replace('step ', '');
  const queue = gd._transitionData._frameQueue || [];
  return {{step: Number(step), playing: queue.length > 0}};
}}"""
"""The step the slider's label shows, and whether the animation is playing."""


def _move_alpha(page, key: str = "ArrowRight") -> None:
    """Press a key on "Learning rate α", wait for the rerun and for the new paths."""
    before = page.evaluate(PATHS_JS)
    page.evaluate(WATCH_STATE_JS)
    page.get_by_role("slider", name="Learning rate α").press(key)
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_function(f"b => JSON.stringify(({PATHS_JS})()) !== b", arg=json.dumps(before))


def _pause(page) -> None:
    page.locator(PAUSE).click()


def test_moving_alpha_keeps_the_same_graph_div(page) -> None:
    _pause(page)
    page.evaluate(f"() => {{ {GD}.__optivizTag = 'before the move'; }}")
    count = page.evaluate("() => document.querySelectorAll('.optiviz-chart').length")
    _move_alpha(page)
    assert page.evaluate(f"() => {GD}.__optivizTag") == "before the move"
    assert page.evaluate("() => document.querySelectorAll('.optiviz-chart').length") == count
    _move_alpha(page, "ArrowLeft")
    assert page.evaluate(f"() => {GD}.__optivizTag") == "before the move"


def test_arrow_keys_keep_moving_alpha_from_its_fragment(page) -> None:
    """α's slider is drawn by a fragment into the sidebar: each move reruns the fragment,
    and the thumb keeps the focus, so a teacher can press → again and again."""
    _pause(page)
    thumb = page.get_by_role("slider", name="Learning rate α")
    thumb.focus()
    options = [float(_alpha_text(page))]
    for _ in range(3):
        before = page.evaluate(PATHS_JS)
        page.evaluate(WATCH_STATE_JS)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
        page.wait_for_function(f"b => JSON.stringify(({PATHS_JS})()) !== b", arg=json.dumps(before))
        assert thumb.evaluate("e => e === document.activeElement"), "α's thumb lost the focus"
        options.append(float(_alpha_text(page)))
    assert options == sorted(set(options)), f"α did not step up once per press: {options}"


def test_play_continues_across_an_alpha_move(page) -> None:
    _pause(page)
    page.evaluate(f"() => Plotly.animate({GD}, ['0'], {{mode: 'immediate'}})")
    page.locator(PLAY).click()
    page.wait_for_function(f"() => ({SHOWN_JS})().step >= 10", timeout=15_000)
    before = page.evaluate(SHOWN_JS)["step"]
    _move_alpha(page)
    after = page.evaluate(SHOWN_JS)
    assert after["playing"], "the animation stopped at the move"
    assert after["step"] >= before, "the animation went back to the start"
    page.wait_for_function(f"s => ({SHOWN_JS})().step > s", arg=after["step"], timeout=15_000)
    state = page.evaluate(SHOWN_VS_FRAME_JS)
    assert state["shown"] == state["frame"], f"the ball left the drawn path at step {state['name']}"
    _pause(page)


def test_paused_the_chart_keeps_its_step_on_the_new_paths(page) -> None:
    _pause(page)
    page.evaluate(f"() => Plotly.animate({GD}, ['40'], {{mode: 'immediate'}})")
    page.wait_for_function(f"() => ({SHOWN_JS})().step === 40", timeout=15_000)
    _move_alpha(page)
    assert page.evaluate(SHOWN_JS) == {"step": 40, "playing": False}
    # A release the family held gets no new payload: the chart builds the member's frames
    # itself once the release is sent, so the graph's frame 40 is the path drawn.
    same = (
        f"() => {{ const s = ({SHOWN_VS_FRAME_JS})(); return s.name === '40'"
        " && JSON.stringify(s.shown) === JSON.stringify(s.frame); }"
    )
    try:
        page.wait_for_function(same, timeout=5_000)
    except Exception:
        state = page.evaluate(SHOWN_VS_FRAME_JS)
        assert state["name"] == "40" and state["shown"] == state["frame"]


ADDRESS_JS = """() => {
  const q = new URLSearchParams(location.search);
  return {page: q.get('page'), surface: q.get('surface'), mode: q.get('mode'),
          alpha: q.get('alpha'), presets: q.getAll('presets')};
}"""
"""The view's state as the address bar holds it."""


def _alpha_text(tab) -> str:
    """The α the chart's slider shows: its value text is "α = 0.8"."""
    text = tab.get_by_role("slider", name="Learning rate α").get_attribute("aria-valuetext")
    return text.split(" = ")[-1]


def test_the_address_keeps_the_view_across_alpha_moves(page) -> None:
    """The app writes only the parameters that changed: after α moves the address still
    holds every picker and the race's "my α", and it reopens the same view."""
    _pause(page)
    for _ in range(2):
        _move_alpha(page)
    alpha = _alpha_text(page)
    page.wait_for_function(f"a => ({ADDRESS_JS})().alpha === a", arg=alpha, timeout=10_000)
    address = page.evaluate(ADDRESS_JS)
    assert address["page"] == "explore" and address["surface"] == "staircase"
    assert address["mode"] == "compare" and address["presets"][-1] == "my α"
    again = page.context.browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        again.goto(page.url)
        again.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
        again.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        assert _alpha_text(again) == alpha
        assert again.get_by_text(f"my α={alpha}", exact=True).count() >= 1
        assert again.evaluate(ADDRESS_JS) == address
    finally:
        again.close()


def test_downloads_and_link_follow_alpha_moves(page) -> None:
    """The download buttons are outside α's fragment: after α moves (fragment reruns
    only), the CSV holds the runs now shown and the share link holds the new α."""
    _pause(page)
    _move_alpha(page)
    alpha = _alpha_text(page)
    page.wait_for_function(
        "a => [...document.querySelectorAll('.optiviz-share-url')]"
        ".some(e => e.textContent.includes('alpha=' + a))",
        arg=alpha,
        timeout=10_000,
    )
    with page.expect_download() as info:
        page.get_by_role("button", name="⬇ Runs as CSV").click()
    rows = info.value.path().read_text().splitlines()
    assert rows[0].startswith("run,step,x,y,loss")
    names = {row.split(",")[0] for row in rows[1:]}
    assert f"my α={alpha}" in names, sorted(names)
    assert len(names) == 4, "the three presets and my α"
    page.locator(MAP_CHART).first.scroll_into_view_if_needed()  # the next tests click it


NOTES_JS = """() => {
  const box = document.querySelector('.optiviz-notes');
  const rows = sel => [...box.querySelectorAll(sel)].map(e => e.textContent);
  return {verdicts: rows('.optiviz-verdict'), steps: rows('.optiviz-steps > div > div'),
          open: box.querySelector('.optiviz-steps').open};
}"""
"""The verdict lines and the first-step lines the chart writes under its graph."""

STEP = re.compile(
    r"(?P<name>.+), step 0: gradient (?P<g>[\d.e+-]+) × learning rate (?P<lr>[\d.e+-]+)"
    r" = a step of (?P<step>[\d.e+-]+)"
)


def test_the_words_under_the_chart_follow_alpha(page) -> None:
    """After an α move, the chart's own notes name my α's verdict, and its first step is
    its gradient times the new α; a closed "What one step does" stays closed."""
    _pause(page)
    page.locator(".optiviz-steps > summary").click()
    assert page.evaluate(NOTES_JS)["open"] is False
    _move_alpha(page)
    alpha = _alpha_text(page)
    page.wait_for_function(
        f"a => ({NOTES_JS})().steps.some(t => t.startsWith('my α=' + a + ','))", arg=alpha
    )
    notes = page.evaluate(NOTES_JS)
    assert notes["open"] is False, "the user's choice outlives the move"
    assert len(notes["verdicts"]) == len(notes["steps"]) == 4
    (mine,) = [v for v in notes["verdicts"] if v.startswith(f"● my α={alpha}: ")]
    assert re.search(r": (converged|slow|oscillating|diverged at step \d+) · ", mine), mine
    (step,) = [m for t in notes["steps"] if (m := STEP.fullmatch(t)) and "my α" in t]
    assert float(step["lr"]) == pytest.approx(float(alpha), rel=5e-3)
    product = float(step["g"]) * float(step["lr"])
    assert float(step["step"]) == pytest.approx(product, rel=1e-2)
    page.locator(".optiviz-steps > summary").click()
    assert page.evaluate(NOTES_JS)["open"] is True


RUN_SHOWN_JS = f"""i => {{
  const gd = {GD}, name = gd.__optiviz.runs[i].name, edge = gd.__optiviz.animation.runs[i].edge;
  const own = gd.data.filter(t => t.name && t.name.startsWith(name) && t.meta !== 'edge');
  return {{lines: own.map(t => t.visible !== false),
          edge: edge === undefined ? null : gd.data[edge].visible !== false,
          row: document.querySelectorAll('.optiviz-verdict')[i].getAttribute('aria-pressed')}};
}}"""
"""Whether run i's own lines (its loss and α_t lines, its ball) are drawn, whether its own
threshold line 2/λ_max(θ_t) is (None where it has none), and its verdict row's pressed
state."""

SHOWN = {"lines": [True, True, True], "edge": True, "row": "true"}
HIDDEN = {"lines": [False, False, False], "edge": False, "row": "false"}


def test_a_click_on_a_verdict_hides_its_run_across_an_alpha_move(page) -> None:
    """The verdict lines are the top view's legend: a click hides that run's lines and
    ball; it stays hidden when α moves; another click (here Enter) shows it again."""
    _pause(page)
    assert page.evaluate(RUN_SHOWN_JS, 0) == SHOWN  # its own threshold line too
    page.locator(".optiviz-verdict").first.click()
    page.wait_for_function(f"() => ({RUN_SHOWN_JS})(0).row === 'false'")
    assert page.evaluate(RUN_SHOWN_JS, 0) == HIDDEN
    assert page.evaluate(RUN_SHOWN_JS, 1) == SHOWN, "only that run"
    _move_alpha(page)
    assert page.evaluate(RUN_SHOWN_JS, 0) == HIDDEN
    page.locator(".optiviz-verdict").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({RUN_SHOWN_JS})(0).row === 'true'")
    page.wait_for_function(f"() => ({RUN_SHOWN_JS})(0).lines.every(Boolean)")  # redrawn
    assert page.evaluate(RUN_SHOWN_JS, 0) == SHOWN
    assert page.evaluate("() => document.activeElement.className") == "optiviz-verdict"


START_JS = """() => [...document.querySelectorAll('[data-testid="stNumberInput"] input')]
  .slice(0, 2).map(e => Number(e.value))"""
"""The values of the first two number inputs: Start x and Start y."""

PIXEL_JS = f"""([x, y]) => {{
  const gd = {GD}, box = gd.querySelector('.main-svg').getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)];
}}"""
"""Page pixel of map point (x, y)."""


def test_a_click_on_the_map_sets_the_start(page) -> None:
    _pause(page)
    target = [2.2, -1.1]
    assert page.evaluate(START_JS) != target
    page.evaluate(WATCH_STATE_JS)
    page.mouse.click(*page.evaluate(PIXEL_JS, target))
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_function(f"() => Math.abs(({START_JS})()[0] - 2.2) < 0.02")
    np.testing.assert_allclose(page.evaluate(START_JS), target, atol=0.02)  # about 1 px
    start = page.evaluate(START_JS)
    page.wait_for_function(
        f"s => ({PATHS_JS})().every(x => Math.abs(x[0] - s) < 1e-5)", arg=start[0]
    )


CAMERA_JS = f"() => {{ const e = {GD}._fullLayout.scene.camera.eye; return [e.x, e.y, e.z]; }}"


def test_the_3d_camera_survives_a_rerun(page) -> None:
    page.evaluate(WATCH_STATE_JS)
    page.get_by_text("3-D view", exact=True).click()
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_function(f"() => {GD} && {GD}._fullLayout.scene", timeout=FIRST_CHART_MS)
    start, runs = page.evaluate(CAMERA_JS), page.evaluate("window.__optivizFinished")
    box = page.locator(".optiviz-chart").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 150, cy + 40, steps=8)
    page.mouse.up()
    page.wait_for_function(f"s => JSON.stringify(({CAMERA_JS})()) !== s", arg=json.dumps(start))
    turned = page.evaluate(CAMERA_JS)
    page.wait_for_timeout(1500)  # a click would rerun the app to set the start
    assert page.evaluate("window.__optivizFinished") == runs, "a rotate-drag set the start"
    _move_alpha_3d(page)
    np.testing.assert_allclose(page.evaluate(CAMERA_JS), turned, rtol=1e-6)
    assert not np.allclose(turned, start)
    page.evaluate(WATCH_STATE_JS)
    page.get_by_text("Top view + loss + α_t", exact=True).click()
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)


def _move_alpha_3d(page) -> None:
    before = page.evaluate(f"() => Array.from({GD}.data[1].x).slice(0, 9)")
    page.evaluate(WATCH_STATE_JS)
    page.get_by_role("slider", name="Learning rate α").press("ArrowRight")
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_function(
        f"b => JSON.stringify(Array.from({GD}.data[1].x).slice(0, 9)) !== b",
        arg=json.dumps(before),
    )


FORMULA_OVERFLOW_JS = """() => [...document.querySelectorAll('.katex-display')].filter(e => {
  const box = e.getBoundingClientRect();
  const column = e.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect();
  return e.scrollWidth > e.clientWidth + 4 || box.right > column.right + 1;
}).map(e => e.textContent.slice(0, 40))"""
"""The formulas cut at their column's right edge (KaTeX scrolls what does not fit; a
fitting one is shrink-wrapped, its scroll width within a few pixels of its width)."""


def test_every_update_rule_fits_its_column(app_server, page) -> None:
    """The longest rules (Adam, and AdamW beside it) are written whole, not cut at the
    right edge, with the sidebar open and in presenter mode."""
    tab = page.context.browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        for extra in ("", "&present=1"):
            tab.goto(
                app_server.url
                + "?mode=optimizers"
                + "".join(f"&compare_optimizers={name}" for name in ("sgd", "adam", "adamw"))
                + extra
            )
            tab.wait_for_selector(".katex-display", timeout=FIRST_CHART_MS)
            tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
            assert tab.locator(".katex-display").count() == 4, "three rules and the schedule"
            assert tab.evaluate(FORMULA_OVERFLOW_JS) == []
    finally:
        tab.close()


def test_no_console_errors(page) -> None:
    assert page.evaluate(ERRORS_JS) == []
    assert page.console_errors == []


def test_fixed_margins_hold_every_label(page) -> None:
    assert (
        page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullLayout.margin.autoexpand"
        )
        is False
    )
    assert page.evaluate(CLIPPED_JS) == []


LAB_LEGEND_JS = """() => {
  const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  const box = e => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  return {legend: box(gd.querySelector('.legend')), title: box(gd.querySelector('.g-xtitle'))};
}"""
"""The lab map's legend box and its x-axis title box."""


def test_lab_page_renders(page) -> None:
    radio = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first
    lab = radio.get_by_text("Hyperparameter lab", exact=True)
    if lab.count() == 0:
        pytest.skip("the app has no Hyperparameter lab page yet")
    page.evaluate(WATCH_STATE_JS)
    lab.click()
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    page.wait_for_selector(
        '[data-testid="stMain"] .js-plotly-plot .main-svg', timeout=FIRST_CHART_MS
    )
    assert page.evaluate(ERRORS_JS) == []
    assert page.locator(PLAY).count() == 0
    assert page.locator('[data-testid="stMain"] .updatemenu-button', has_text="Play").count() == 0
    # The landscape map's legend (trials, best) sits under its α axis title, not on it.
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot .legend', timeout=FIRST_CHART_MS)
    boxes = page.evaluate(LAB_LEGEND_JS)
    assert boxes["legend"][1] >= boxes["title"][3] - 1, boxes
