"""The HTML download in Chromium, opened from disk with the network off: the app's own
chart (``ui/chart/standalone.js``) plays, scrubs, hides a run and moves α, and the ball,
the readout and a moved α's path are the engine's run (``optiviz.simulate``) at the
steps sampled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.devtools.page import PAUSE, PLAY, SCRUB
from optiviz.figures import html
from optiviz.scenes.settings import Settings
from optiviz.ui import explore, explore_chart, first_screen
from tests.support.browser import (
    CHART_SETTLED_JS,
    app_server,
    chromium,
    needs_chromium,
    new_page,
    open_app,
)
from tests.support.clicks import download

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

DRAWN_MS = 60_000
"""plotly.js (4.8 MB inline) parsed and the chart drawn, on a loaded machine."""

SHOWN_JS = f"""() => {{
  const gd = document.querySelector('.optiviz-chart');
  const balls = gd.data.filter(t => t.meta === 'ball');
  const lines = [...document.querySelectorAll('.optiviz-readout > div')].map(d => d.textContent);
  return {{index: Number(document.querySelector('{SCRUB}').value),
           step: document.querySelector('.optiviz-step').textContent,
           balls: balls.map(t => [t.x[0], t.y[0]]), lines,
           visible: gd.data.filter(t => t.meta === 'path').map(t => t.visible !== false)}};
}}"""
"""The step shown (the step slider's index and label), each run's ball (hidden or not),
the readout's lines and whether each run's path is drawn."""

PATH_JS = """(i) => {
  const gd = document.querySelector('.optiviz-chart');
  const path = gd.data.filter(t => t.meta === 'path')[i];
  return {x: Array.from(path.x), y: Array.from(path.y), visible: path.visible !== false};
}"""


def _saved_data(page: str) -> dict:
    """The chart's data a saved page holds."""
    data = re.search(rf'<script type="application/json" id="{html.DATA_ID}">(.*?)</script>', page)
    return json.loads(data[1])


def _settings() -> Settings:
    """The default view (the shipped first screen's): a race of three rates and a latent
    "my α" that α's slider moves."""
    snapshot = first_screen.load()
    return snapshot.settings if snapshot is not None else Settings()


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings, list]:
    """The download of the default view on disk, its settings and its runs' alphas."""
    s = _settings()
    path = tmp_path_factory.mktemp("download") / "optiviz.html"
    path.write_text(explore._animation(s), encoding="utf-8")
    drawn, _ = explore_chart.drawn_settings(s)
    return path, s, [run.trajectory.alpha for run in explore_chart.scene_for(drawn).runs]


@pytest.fixture(scope="module")
def page(chromium, saved) -> Iterator:
    """The saved page in an offline tab that records every request and console error."""
    context = chromium.new_context(offline=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.on("pageerror", lambda e: tab.errors.append(f"uncaught: {e}"))
    try:
        tab.goto(saved[0].as_uri())
        tab.wait_for_selector(".optiviz-chart .main-svg", timeout=DRAWN_MS)
        tab.evaluate(CHART_SETTLED_JS)
        yield tab
    finally:
        context.close()


def _engine(s: Settings, alpha: float):
    return optiviz.simulate(s.surface, s.optimizer, alpha=alpha, start=s.start, steps=s.steps)


def _losses(lines: list[str]) -> list[float]:
    """The loss each run's readout line writes."""
    return [float(re.search(r"loss (\S+)$", line)[1]) for line in lines[1:]]


def _check_step(shown: dict, runs: list) -> None:
    """The balls and the readout at the step shown are the engine's runs there."""
    t = int(shown["step"].removeprefix("step "))
    assert shown["lines"][0].startswith(f"step {t}")
    expected = [tr.positions[t] for tr in runs]
    for ball, want in zip(shown["balls"], expected, strict=False):
        np.testing.assert_allclose(ball, want, rtol=1e-5, atol=1e-6)
    loss = [float(f"{tr.losses[t]:.4g}") for tr in runs[: len(shown["lines"]) - 1]]
    assert _losses(shown["lines"]) == loss


def test_the_page_draws_offline_from_its_own_file(page, saved) -> None:
    assert {url.split(":", 1)[0] for url in page.requests} <= {"file", "data"}
    assert page.errors == []
    shown = page.evaluate(SHOWN_JS)
    assert shown["step"] == "step 0" and len(shown["lines"]) == 1 + 3  # "my α" latent
    assert page.title() == "Optiviz"


def test_play_advances_the_frames_and_each_step_is_the_engines_run(page, saved) -> None:
    _, s, alphas = saved
    runs = [_engine(s, a) for a in alphas[:3]]
    page.click(PLAY)
    page.wait_for_function(f"() => Number(document.querySelector('{SCRUB}').value) >= 5")
    page.click(PAUSE)
    page.wait_for_timeout(300)
    first = page.evaluate(SHOWN_JS)
    page.wait_for_timeout(400)
    assert page.evaluate(SHOWN_JS)["index"] == first["index"] >= 5  # paused
    _check_step(first, runs)
    for index in (17, 80, 149):  # scrubbed to (150 frames: steps 0 to 150)
        page.fill(SCRUB, str(index))
        page.dispatch_event(SCRUB, "input")
        page.evaluate(CHART_SETTLED_JS)
        page.wait_for_timeout(200)
        shown = page.evaluate(SHOWN_JS)
        assert shown["index"] == index
        _check_step(shown, runs)


def test_a_click_on_a_verdict_hides_its_run(page) -> None:
    verdict = page.locator(".optiviz-verdict[role=button]").nth(0)
    verdict.click()
    page.evaluate(CHART_SETTLED_JS)
    page.wait_for_timeout(300)
    assert page.evaluate(PATH_JS, 0)["visible"] is False
    verdict.click()
    page.evaluate(CHART_SETTLED_JS)
    page.wait_for_timeout(300)
    assert page.evaluate(PATH_JS, 0)["visible"] is True


def test_alpha_moves_over_the_saved_family_to_the_engines_run(page, saved) -> None:
    _, s, alphas = saved
    track = page.locator('.optiviz-slider[data-key="alpha"] .optiviz-slider-track')
    before = float(track.get_attribute("aria-valuenow"))
    track.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1200)  # the swap, the thumb's rest and the release
    page.evaluate(CHART_SETTLED_JS)
    alpha = float(track.get_attribute("aria-valuenow"))
    assert alpha > before and page.errors == []
    drawn = page.evaluate(PATH_JS, len(alphas) - 1)  # "my α", shown once α moves
    assert drawn["visible"]
    want = _engine(s, alpha).positions
    span = np.ptp(np.asarray(surfaces.get(s.surface).bounds), axis=1)  # the view's box
    np.testing.assert_allclose(drawn["x"], want[:, 0], atol=span[0] / 5000)
    np.testing.assert_allclose(drawn["y"], want[:, 1], atol=span[1] / 5000)
    assert f"α = {alpha:g}" in page.locator(".optiviz-slider-value").first.text_content()


def test_the_apps_button_saves_this_page(app_server, chromium, saved) -> None:
    """⬇ Animation as HTML on a running server saves the page of the view shown: the
    chart's data it holds is the data the server sent the chart."""
    tab = new_page(chromium)
    try:
        open_app(tab, app_server.url)
        sent = tab.evaluate(
            "() => { const d = document.querySelector('.optiviz-chart').__optiviz.latest;"
            " return {figure: d.figure, animation: d.animation, notes: d.notes}; }"
        )
        _, body = download(tab, "⬇ Animation as HTML")
    finally:
        tab.close()
    page = _saved_data(body)
    assert {k: page[k] for k in sent} == sent
    assert [s["key"] for s in page["sliders"]] == ["alpha"]
    assert page == _saved_data(saved[0].read_text(encoding="utf-8"))  # the default view
