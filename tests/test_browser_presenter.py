"""Presenter mode's keys and play speeds in a real browser (``?present=1``).

Space plays and pauses, → and ← step one frame, and ½× / 1× / 2× scale the frame
duration; keys pressed on a Streamlit slider are the slider's, not the chart's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, MAP_CHART
from optiviz.devtools.server import AppServer
from optiviz.figures import style
from optiviz.scenes import lessons
from tests.support.browser import app_server, chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

SHOWN_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const step = document.querySelector('.optiviz-step').textContent.replace('step ', '');
  const queue = gd._transitionData._frameQueue || [];
  return {index: Number(document.querySelector('.optiviz-scrub').value), step: Number(step),
          playing: queue.length > 0};
}"""
"""The frame the slider shows (index and step) and whether the animation plays."""

RATE_MS = 600
"""How long each speed plays, in the page's own (Playwright's virtual) clock."""

INDEX_JS = "() => Number(document.querySelector('.optiviz-scrub').value)"
"""The index of the frame the step slider shows."""


def _open(browser, server: AppServer, query: str, size: tuple[int, int], clock: bool = False):
    """A tab at ``query``, its chart drawn; with ``clock``, on Playwright's virtual clock
    (which runs at the real pace until ``clock.pause_at``)."""
    tab = browser.new_page(viewport={"width": size[0], "height": size[1]})
    if clock:
        tab.clock.install()
    tab.goto(server.url + query)
    tab.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    tab.wait_for_selector(".optiviz-speed button", timeout=FIRST_CHART_MS)
    return tab


@pytest.fixture(scope="module")
def page(app_server: AppServer, chromium) -> Iterator:
    """The explore page in presenter mode, its chart drawn, paused at the first frame."""
    tab = _open(chromium, app_server, "?present=1", (1400, 1000))
    yield tab
    tab.close()


def _shown(page) -> dict:
    return page.evaluate(SHOWN_JS)


def _pause_at_start(page) -> None:
    page.evaluate("() => Plotly.animate(document.querySelector('.optiviz-chart'), [null])")
    page.wait_for_function(f"() => !({SHOWN_JS})().playing")
    page.evaluate(
        "() => Plotly.animate(document.querySelector('.optiviz-chart'), ['0'], "
        "{frame: {duration: 0, redraw: false}, mode: 'immediate'})"
    )
    page.wait_for_function(f"() => ({SHOWN_JS})().index === 0")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # the page


def test_space_plays_and_pauses(page) -> None:
    _pause_at_start(page)
    page.keyboard.press("Space")
    page.wait_for_function(f"() => ({SHOWN_JS})().index >= 5", timeout=15_000)
    assert _shown(page)["playing"]
    page.keyboard.press("Space")
    page.wait_for_function(f"() => !({SHOWN_JS})().playing", timeout=5_000)
    paused = _shown(page)
    page.wait_for_timeout(400)
    assert _shown(page) == paused, "the animation went on after the second space"
    assert paused["index"] >= 5
    assert page.evaluate(ERRORS_JS) == []


def test_arrows_step_exactly_one_frame(page) -> None:
    _pause_at_start(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({SHOWN_JS})().index === 1", timeout=5_000)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({SHOWN_JS})().index === 2", timeout=5_000)
    page.wait_for_timeout(400)
    assert _shown(page) == {"index": 2, "step": _shown(page)["step"], "playing": False}
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({SHOWN_JS})().index === 1", timeout=5_000)
    page.wait_for_timeout(300)
    assert _shown(page)["index"] == 1


FIELDS_JS = """() => {
  const box = document.createElement('div');
  box.id = 'key-targets';
  box.innerHTML = '<input id="typed" type="text">'
    + '<div data-testid="stSlider"><div id="thumb" role="slider" tabindex="0"></div></div>';
  document.querySelector('[data-testid="stMain"]').prepend(box);
}"""
"""A text field and a thumb shaped like Streamlit's slider (role="slider" in stSlider): in
presenter mode the sidebar and its sliders are hidden, so the test adds its own."""


@pytest.mark.parametrize("target", ["#typed", "#thumb"])
def test_keys_typed_in_a_field_or_on_a_slider_are_not_the_charts(page, target) -> None:
    _pause_at_start(page)
    if not page.locator("#key-targets").count():
        page.evaluate(FIELDS_JS)
    page.locator(target).focus()
    for key in ("Space", "ArrowRight", "ArrowRight"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    assert _shown(page) == {"index": 0, "step": 0, "playing": False}
    if target == "#typed":
        assert page.locator(target).input_value() == " "


def test_space_on_a_verdict_hides_its_run_and_does_not_play(page) -> None:
    """A focused verdict line takes space for itself (hide or show its run), so the page's
    space (Play) does not also fire."""
    _pause_at_start(page)
    row = page.locator(".optiviz-verdict").first
    row.focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('.optiviz-verdict').getAttribute('aria-pressed') === 'false'"
    )
    page.wait_for_timeout(500)
    assert _shown(page) == {"index": 0, "step": 0, "playing": False}
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('.optiviz-verdict').getAttribute('aria-pressed') === 'true'"
    )
    assert not _shown(page)["playing"]


def _rate(page, label: str) -> float:
    """Frames per second at the speed ``label``, counted in the page's clock: paused, the
    clock runs ``RATE_MS`` of animation frames and timers however slow the machine is."""
    _pause_at_start(page)
    page.locator(".optiviz-speed button", has_text=label).click()
    assert page.locator(".optiviz-speed button", has_text=label).get_attribute("aria-pressed")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.clock.pause_at((page.evaluate("Date.now()") + 50) / 1000)
    before = page.evaluate(INDEX_JS)
    page.keyboard.press("Space")
    page.clock.run_for(RATE_MS)
    rate = (page.evaluate(INDEX_JS) - before) / (RATE_MS / 1000)
    page.keyboard.press("Space")
    page.clock.run_for(100)
    page.clock.resume()
    page.wait_for_function(f"() => !({SHOWN_JS})().playing", timeout=5_000)
    return rate


def test_two_times_plays_twice_as_many_frames_per_second(app_server, chromium) -> None:
    """½×, 1× and 2× scale the frame duration (``style.FRAME_MS`` at 1×): per second of the
    page's clock, 1× shows about 1000 / FRAME_MS frames (animation frames come every 16 ms),
    2× twice as many steps (every second frame, as fast), ½× half as many."""
    tab = _open(chromium, app_server, "?present=1", (1400, 1000), clock=True)
    try:
        normal, double, half = _rate(tab, "1×"), _rate(tab, "2×"), _rate(tab, "½×")
        assert 0.8 * 1000 / style.FRAME_MS <= normal <= 1.05 * 1000 / style.FRAME_MS, normal
        assert double / normal == pytest.approx(2, rel=0.1), (normal, double)
        assert half / normal == pytest.approx(0.5, rel=0.1), (normal, half)
        assert tab.evaluate(ERRORS_JS) == []
    finally:
        tab.close()


def test_keys_are_off_outside_presenter_mode(page) -> None:
    _pause_at_start(page)
    page.get_by_text("Presenter mode").click()
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_function("() => !location.search.includes('present=1')", timeout=10_000)
    # The address changes before the page run's new payload is drawn; until it is, the
    # chart is still in presenter mode (its keys on, its type presenter mode's 18 px).
    page.wait_for_function(
        "() => document.querySelector('.optiviz-chart').layout.font.size < 18",
        timeout=FIRST_CHART_MS,
    )
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for key in ("Space", "ArrowRight"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    assert _shown(page) == {"index": 0, "step": 0, "playing": False}


FIT_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const box = e => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const parts = {map: gd.querySelector('.xy .nsewdrag'), loss: gd.querySelector('.x2y2 .nsewdrag'),
    rate: gd.querySelector('.x3y3 .nsewdrag'), play: document.querySelector('.optiviz-play'),
    scrub: document.querySelector('.optiviz-scrub')};
  document.querySelectorAll('.optiviz-verdict').forEach((e, i) => parts[`verdict ${i}`] = e);
  const sizes = sel => [...gd.querySelectorAll(sel)].map(size);
  return {boxes: Object.fromEntries(Object.entries(parts).map(([k, e]) => [k, box(e)])),
    view: [window.innerWidth, window.innerHeight],
    ticks: sizes('.xtick text, .ytick text'), titles: sizes('.g-xtitle text, .g-ytitle text, '
      + '.g-x3title text, .g-y2title text, .g-y3title text'),
    verdicts: [...document.querySelectorAll('.optiviz-verdict')].map(size),
    readout: size(document.querySelector('.optiviz-readout'))};
}"""
"""The page boxes of the map's, loss's and α_t's plot areas, Play, the step slider and each
verdict line; the window; the font sizes of the axes' tick labels and titles, of the
verdicts and of the readout."""


def _off_screen(fit: dict) -> dict:
    width, height = fit["view"]
    return {
        name: box
        for name, box in fit["boxes"].items()
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height
    }


LESSON = lessons.load()["why-too-large-bounces"]
"""A lesson a teacher opens in class: its banner sits between the head and the picture."""


@pytest.mark.parametrize(
    ("query", "runs"), [("", 3), (lessons.query(LESSON)[1:], 2)], ids=["default", "lesson"]
)
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_presenter_mode_fits_one_screen_in_type_a_room_can_read(
    app_server, chromium, size, query, runs
):
    """On load, with no scrolling: the map, the loss and α_t panels, Play, the step slider
    and every verdict line lie inside the window; ticks >= 18 px, axis titles >= 20 px,
    the verdicts and the readout >= 22 px. With a lesson open too: its banner is one line
    (its title, the words a click away) and the description stays on the title's line."""
    tab = _open(chromium, app_server, f"?{query}&present=1" if query else "?present=1", size)
    try:
        tab.wait_for_timeout(500)
        fit = tab.evaluate(FIT_JS)
        assert len(fit["boxes"]) == 5 + runs, fit["boxes"]
        assert _off_screen(fit) == {}
        if query:
            banner = tab.locator(".st-key-lesson_banner")
            assert LESSON.title in banner.inner_text() and LESSON.watch not in banner.inner_text()
            title = tab.locator('[data-testid="stHeading"] h1').bounding_box()
            caption = tab.locator('[data-testid="stCaptionContainer"]').first.bounding_box()
            assert abs(caption["y"] - title["y"]) < title["height"], (title, caption)
        assert fit["ticks"] and min(fit["ticks"]) >= 18
        assert len(fit["titles"]) >= 5 and min(fit["titles"]) >= 20
        assert min(fit["verdicts"]) >= 22 and fit["readout"] >= 22
        assert tab.evaluate(ERRORS_JS) == []
    finally:
        tab.close()


def test_play_is_on_a_laptops_first_screen(app_server, chromium) -> None:
    """Normal mode at 1366 x 768: Play and the step slider show without scrolling."""
    tab = _open(chromium, app_server, "", (1366, 768))
    try:
        tab.wait_for_timeout(500)
        fit = tab.evaluate(FIT_JS)
        off = _off_screen(fit)
        assert "play" not in off and "scrub" not in off, fit["boxes"]
        assert "map" not in off and "loss" not in off and "rate" not in off
    finally:
        tab.close()
