"""The Hyperparameter lab in a real browser: ``streamlit run app.py`` driven by Debian's
Chromium. A click on the map (a cell, a trial, the best star) opens that run in the
explore page; the range test's button opens the α it names.

Select with ``pytest tests/test_browser_lab.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE
from optiviz.devtools.server import AppServer
from optiviz.scenes.params import PARAMS
from optiviz.ui import options as opt
from tests.support.browser import app_server, chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

MAP = '[data-testid="stMain"] .js-plotly-plot'
POINTS_JS = """name => {
  const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  const group = [...gd.querySelectorAll('.scatterlayer .trace')]
    .find(g => g.__data__[0].trace.name === name);
  return [...group.querySelectorAll('path.point')].map(p => {
    const r = p.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2, custom: Array.from(p.__data__.data)};
  });
}"""
"""The client position and customdata of every drawn point of the map's trace ``name``."""

DRAWN_JS = f"""() => document.querySelector('{MAP} .scatterlayer .trace path.point') !== null
  || document.querySelector('[data-testid="stException"]') !== null"""
"""The page has drawn a plot's points, or an exception box."""

RANGE_MARKS_JS = """() => {
  const gd = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
    .find(g => g.data.some(t => t.name === 'turn'));
  const x = name => gd.data.find(t => t.name === name).x[0];
  return {turn: x('turn'), suggested: x('suggested α')};
}"""
"""The α of the range test figure's turn and suggestion markers."""


@pytest.fixture
def lab(app_server: AppServer, chromium, request) -> Iterator:
    """A fresh tab on the lab (``request.param``: extra query), its map drawn."""
    tab = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        tab.goto(app_server.url + "?page=lab" + getattr(request, "param", ""))
        tab.wait_for_function(DRAWN_JS, timeout=FIRST_CHART_MS)
        tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        assert tab.evaluate(ERRORS_JS) == []
        yield tab
    finally:
        tab.close()


def _far_from(points: list[dict], others: list[dict], px: float) -> dict:
    """The first of ``points`` at least ``px`` from every one of ``others``."""
    for p in points:
        if all(abs(p["x"] - o["x"]) + abs(p["y"] - o["y"]) >= px for o in others if o is not p):
            return p
    raise AssertionError("no point stands apart from the others")


def _target(tab, what: str) -> dict:
    tab.locator(MAP).first.scroll_into_view_if_needed()
    trials, best = tab.evaluate(POINTS_JS, "trials"), tab.evaluate(POINTS_JS, "best")
    if what == "best":
        return best[0]
    if what == "trial":
        return _far_from(trials, trials + best, 30)
    return _far_from(tab.evaluate(POINTS_JS, "cells"), trials + best, 40)


OPENED_JS = """() => /[?&]page=explore/.test(location.search)
  || document.querySelector('[data-testid="stException"]') !== null"""
"""The address names the explore page, or an exception box is shown."""


def _opened(tab) -> dict[str, str]:
    """Wait for the explore page the click opened; its address's parameters."""
    tab.wait_for_function(OPENED_JS, timeout=FIRST_CHART_MS)
    tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    assert tab.evaluate(ERRORS_JS) == []
    return {key: values[-1] for key, values in parse_qs(urlparse(tab.url).query).items()}


@pytest.mark.parametrize("what", ["cell", "trial", "best"])
def test_a_click_on_the_map_opens_that_run_in_explore(lab, what: str) -> None:
    point = _target(lab, what)
    lab.mouse.click(point["x"], point["y"])
    query = _opened(lab)
    alpha, k = point["custom"][:2]
    assert query["mode"] == "single" and query["schedule"] == "exponential"
    assert query["alpha"] == f"{alpha:.3g}"  # the run's α, which the slider takes
    assert float(query["k"]) == pytest.approx(opt.nearest(opt.k_options()[1:], k))
    # The explore page's α slider (the chart's) shows the run's α.
    slider = lab.get_by_role("slider", name="Learning rate α")
    assert slider.get_attribute("aria-valuetext") == f"α = {alpha:.3g}"


FIGURES_JS = """() => Object.fromEntries([...document.querySelectorAll('.optiviz-figure')]
  .map(gd => {
  const key = [...gd.closest('[class*="st-key-"]').classList].find(c => c.startsWith('st-key-'));
  const size = sel => parseFloat(getComputedStyle(gd.querySelector(sel)).fontSize);
  return [key.slice(7), {ticks: size('.xtick text'), title: size('.xtitle'),
    bars: [...gd.querySelectorAll('.colorbar')].map(b => b.getBoundingClientRect().width)}];
}))"""
"""Each figure component's key: its tick and axis-title type (px) and its colour bars' widths."""


def test_the_lab_draws_its_figures_with_the_pages_plotly_at_streamlits_type(lab) -> None:
    """No st.plotly_chart (whose plotly.js the browser would fetch after the run): the
    page's own plotly.js draws every figure, at st.plotly_chart's type (15.75 px ticks,
    18.375 px axis titles), the map with its colour bar and each GP panel with its own."""
    lab.locator(".st-key-surrogate .optiviz-figure").scroll_into_view_if_needed()
    lab.locator(".st-key-range_test .optiviz-figure .main-svg").first.wait_for(
        timeout=FIRST_CHART_MS
    )
    assert lab.locator('[data-testid="stPlotlyChart"]').count() == 0
    figures = lab.evaluate(FIGURES_JS)
    assert set(figures) == {"landscape_chart", "best_so_far", "surrogate", "range_test"}
    for key, shown in figures.items():
        assert shown["ticks"] == 15.75 and shown["title"] == pytest.approx(18.375, abs=0.01), key
    assert len(figures["landscape_chart"]["bars"]) == 1
    assert len(figures["surrogate"]["bars"]) == 3 and min(figures["surrogate"]["bars"]) > 100


@pytest.mark.parametrize("lab", ["&surface=polynomial_regression"], indirect=True)
def test_the_polynomial_lab_names_what_it_searches_and_a_click_opens_alpha_and_lambda(lab):
    labels = lab.locator('[data-testid="stSidebar"] [data-testid="stWidgetLabel"]')
    texts = labels.all_inner_texts()
    assert "λ range" in texts and "α range" in texts and "k range" not in texts, texts
    point = _target(lab, "trial")
    lab.mouse.click(point["x"], point["y"])
    query = _opened(lab)
    alpha, decay = point["custom"][:2]
    assert query["alpha"] == f"{alpha:.3g}"  # the run's α, which the slider takes
    decays = opt.decay_options()[1:]
    assert float(query["weight_decay"]) == pytest.approx(opt.nearest(decays, decay))


def test_the_range_test_says_one_rule_and_its_button_opens_the_alpha_it_names(lab) -> None:
    button = lab.locator(".st-key-rt_send button").first
    button.scroll_into_view_if_needed()
    lab.wait_for_function(f"() => ({RANGE_MARKS_JS})() !== undefined", timeout=FIRST_CHART_MS)
    marks = lab.evaluate(RANGE_MARKS_JS)
    assert marks["suggested"] == pytest.approx(marks["turn"] / 10)
    caption = lab.locator('[data-testid="stCaptionContainer"]', has_text="turn ÷ 10").inner_text()
    assert f"α = {marks['turn']:.3g}" in caption and f"{marks['suggested']:.3g}" in caption
    text = button.inner_text()
    said = f"{marks['suggested']:.3g}"
    assert text == f"Use suggested α = {said} in the main view", text
    button.click()
    query = _opened(lab)
    assert query["alpha"] == said  # exactly the α it names (issue #22, defect 7)
    assert (
        lab.get_by_role("slider", name="Learning rate α").get_attribute("aria-valuetext")
        == f"α = {said}"
    )
    assert query.get("schedule", PARAMS["schedule"].default) == "constant"


@pytest.mark.parametrize("lab", ["&lab_picture=3-D+landscape"], indirect=True)
def test_the_3d_landscape_opens_and_takes_a_click_without_an_error(lab) -> None:
    """The 3-D picture has no click handling: a click on it turns nothing into an error."""
    chart = lab.locator(".st-key-landscape_3d .js-plotly-plot")
    chart.wait_for(timeout=FIRST_CHART_MS)
    chart.scroll_into_view_if_needed()
    names = lab.evaluate(
        "() => document.querySelector('.st-key-landscape_3d .js-plotly-plot').data.map(t => t.name)"
    )
    assert names[1:] == ["trials", "best"]
    box = chart.bounding_box()
    lab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lab.wait_for_timeout(1500)
    lab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    assert lab.evaluate(ERRORS_JS) == []
    assert "page=lab" in lab.url
