"""The fit view in a real browser: ``streamlit run app.py`` driven by Debian's Chromium.

Opens a link to the degree-15 model and checks that its three figures are drawn:
the data with the moving curve, the two losses with the early-stopping mark, and
the path on its principal plane with the slice caption.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE
from optiviz.devtools.server import AppServer
from tests.support.browser import app_server, chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

LINK = "?surface=polynomial_regression&mode=single&optimizer=adam&alpha=0.01&steps=1500"
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
  boxes: Object.fromEntries(Object.entries({
    buttons: '.updatemenu-button', slider: '.slider-rail-rect, .slider-grip-rect',
    ticks: 'g.slider-labels', legend: '.legend .traces',
  }).map(([part, sel]) => [part, [...gd.querySelectorAll(sel)].map(e => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
  })])),
  title: gd._fullLayout.title.text,
  traces: gd.data.length,
  frames: (gd._transitionData._frames || []).length,
  drawn: gd.querySelectorAll('.main-svg').length > 0,
  type: Object.fromEntries(['.xtick text', '.ytick text', '.xtitle', '.ytitle'].map(sel =>
    [sel, parseFloat(getComputedStyle(gd.querySelector(sel)).fontSize)])),
}))"""


LAST_FRAME_JS = """async () => {
  const gd = document.querySelector('.st-key-fit_data .js-plotly-plot');
  const frames = gd._transitionData._frames, last = frames[frames.length - 1];
  const before = gd.data[2].x.slice();
  await window.Plotly.animate(gd, [last.name], {frame: {duration: 0, redraw: true},
    transition: {duration: 0}, mode: 'immediate'});
  return {before, x: Array.from(gd.data[2].x), y: Array.from(gd.data[2].y),
          frameY: Array.from(last.data[0].y), frameKeys: Object.keys(last.data[0])};
}"""
"""Play's last frame on the data panel: the model curve's x before and after, its y and
the frame's."""


def shoot(browser, url: str, path: Path) -> tuple[list[dict], list[str], str]:
    """Open ``url`` in a new page of ``browser``, wait for the fit view, save a full-page
    screenshot; return the charts, the exception boxes and the page text."""
    height = int(os.environ.get("FIT_SHOT_HEIGHT", "1000"))
    tab = browser.new_page(viewport={"width": 1400, "height": height})
    try:
        tab.goto(url)
        tab.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
            timeout=FIRST_CHART_MS,
        )
        tab.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        tab.screenshot(path=str(path), full_page=True)
        charts = tab.evaluate(CHARTS_JS)
        charts[0]["last_frame"] = tab.evaluate(LAST_FRAME_JS)
        return charts, tab.evaluate(ERRORS_JS), tab.inner_text("body")
    finally:
        tab.close()


def test_fit_view_renders_its_three_figures(app_server: AppServer, chromium, tmp_path) -> None:
    charts, errors, text = shoot(chromium, app_server.url + LINK, tmp_path / "fit.png")
    assert errors == []
    assert len(charts) == 3 and all(c["drawn"] for c in charts)
    data, losses, plane = charts
    assert "fitted curve" in data["title"] and data["frames"] > 10
    # Under the data panel, one row each: Play / Pause, the step slider, the legend.
    boxes = data["boxes"]
    assert len(boxes["buttons"]) == 2 and boxes["slider"] and boxes["ticks"]
    assert len(boxes["legend"]) == 3  # training data, validation data, the model
    for upper, lower in (("buttons", "slider"), ("ticks", "legend")):
        assert max(b[3] for b in boxes[upper]) <= min(b[1] for b in boxes[lower]) + 1, upper
    # A frame carries the curve's y only; the trace keeps its x (161 points on [-1, 1]).
    last = data["last_frame"]
    assert last["frameKeys"] == ["y"] and last["y"] == last["frameY"]
    assert last["x"] == last["before"] and len(last["x"]) == 161 and last["x"][0] == -1
    # The type st.plotly_chart's Streamlit theme gave them: 15.75 px ticks, 18.375 px titles.
    for chart in charts:
        ticks, titles = chart["type"], pytest.approx(18.375, abs=0.01)
        assert ticks[".xtick text"] == ticks[".ytick text"] == 15.75
        assert ticks[".xtitle"] == ticks[".ytitle"] == titles
    assert "validation" in losses["title"] and losses["traces"] == 3
    assert "principal directions" in plane["title"]
    assert "early stopping stops here" in text
    assert "2-D slice of a 16-D loss" in text
    assert (tmp_path / "fit.png").stat().st_size > 20_000
