"""The top view on a phone (390 × 844, held upright): the panels stack, the map takes the
screen's width, and the readout wraps instead of running off the edge."""

from __future__ import annotations

import pytest

from optiviz.devtools.page import FIRST_CHART_MS, IDLE
from tests.support.browser import app_server, chromium, needs_chromium, new_page, settle

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

PANELS_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const box = (a) => ({x: a._offset, w: a._length});
  const L = gd._fullLayout;
  return {map: box(L.xaxis), mapY: box(L.yaxis), loss: box(L.yaxis2), rate: box(L.yaxis3),
          lossX: box(L.xaxis2), width: gd.getBoundingClientRect().width};
}"""
"""Pixel offset and length of the map's and the panels' axes, and the graph's width."""


@pytest.mark.parametrize("query", ["", "?surface=linear_regression"])
def test_a_phone_stacks_the_panels_under_a_full_width_map(app_server, chromium, query) -> None:
    page = new_page(chromium, 390, 844)
    try:
        page.goto(app_server.url + query, timeout=FIRST_CHART_MS)  # the sidebar stays shut
        page.wait_for_selector(".optiviz-chart .main-svg", timeout=FIRST_CHART_MS)
        page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        settle(page)
        got = page.evaluate(PANELS_JS)
        assert got["lossX"]["w"] >= 0.7 * got["width"], "the loss panel takes the width"
        top_down = [got["mapY"], got["loss"], got["rate"]]
        for upper, lower in zip(top_down, top_down[1:], strict=False):
            assert upper["x"] + upper["w"] <= lower["x"], ("stacked", got)
        assert got["map"]["w"] >= 0.6 * got["width"], got
        readout = page.locator(".optiviz-readout").first.bounding_box()
        assert readout["x"] + readout["width"] <= 390, "the readout stays on the screen"
        scroll = page.locator(".optiviz-readout").first.evaluate(
            "e => e.scrollWidth - e.clientWidth"
        )
        assert scroll <= 1, "no readout line is cut off"
        assert page.console_errors == []
    finally:
        page.close()
