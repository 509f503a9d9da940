"""The top view's map in a real browser: its axes follow the surface, and a hidden run
leaves nothing of itself on the map (``optiviz/ui/chart/chart.js``, Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from optiviz.core import surfaces
from optiviz.core.surfaces import typed
from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE
from tests.support.browser import app_server, chromium, needs_chromium, new_page, open_app

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

AXES_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const sent = gd.__optiviz.latest.figure.layout;
  const ball = gd.data.find(t => t.meta === 'ball');
  return {x: gd._fullLayout.xaxis.range, y: gd._fullLayout.yaxis.range,
          sentX: sent.xaxis.range, sentY: sent.yaxis.range, revision: gd.layout.uirevision,
          ball: [ball.x[0], ball.y[0]]};
}"""
"""The map's drawn x and y ranges, the ranges the server sent, and the first ball."""

OUTLINE_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  const outline = gd.data.find(t => t.meta === 'outline');
  const finite = a => Array.from(a).filter(Number.isFinite).length;
  const paths = gd.data.filter(t => t.meta === 'path');
  return {outline: finite(outline.x), paths: paths.map(t => t.visible === false ? 0 : finite(t.x))};
}"""
"""Finite points of the outline under the paths, and of each shown path."""


@pytest.fixture(scope="module")
def page(app_server, chromium) -> Iterator:
    """The explore page, its first chart drawn."""
    tab = new_page(chromium)
    try:
        open_app(tab, app_server.url)
        yield tab
    finally:
        tab.close()


def _settle(page, revision: str | None = None) -> dict:
    if revision is not None:
        page.wait_for_function(
            f"() => ({AXES_JS})().revision !== {revision!r}", timeout=FIRST_CHART_MS
        )
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(800)
    return page.evaluate(AXES_JS)


def _choose_surface(page, label: str) -> None:
    page.get_by_role("combobox", name="Loss surface").click()
    page.get_by_role("option", name=label).click()


def _inside(point, xr, yr) -> bool:
    return xr[0] <= point[0] <= xr[1] and yr[0] <= point[1] <= yr[1]


def test_a_hidden_run_leaves_no_outline_on_the_map(page) -> None:
    before = page.evaluate(OUTLINE_JS)
    assert before["outline"] == sum(before["paths"])
    page.locator(".optiviz-verdict").first.click()
    page.wait_for_function(
        "() => document.querySelector('.optiviz-verdict').getAttribute('aria-pressed') === 'false'"
    )
    page.wait_for_timeout(500)
    after = page.evaluate(OUTLINE_JS)
    assert after["paths"][0] == 0 and after["paths"][1:] == before["paths"][1:]
    assert after["outline"] == sum(after["paths"]), "the hidden run's outline stayed"
    page.locator(".optiviz-verdict").first.click()
    page.wait_for_function(
        "() => document.querySelector('.optiviz-verdict').getAttribute('aria-pressed') === 'true'"
    )
    page.wait_for_timeout(500)
    assert page.evaluate(OUTLINE_JS) == before


def test_the_maps_axes_follow_a_new_surface(page) -> None:
    """Staircase, then the typed formula, then a formula typed in: each time the map's x and
    y ranges are the surface's plot box (Plotly.react kept the staircase's x axis) and the
    start ball lies on the map."""
    first = _settle(page)
    (x0, x1), (y0, y1) = surfaces.get("staircase").bounds
    assert first["x"] == [x0, x1] and first["y"] == [y0, y1]
    _choose_surface(page, "✏️ Type your own formula")
    typed_view = _settle(page, first["revision"])
    box = list(typed.DEFAULT_BOUNDS)
    assert typed_view["sentX"] == typed_view["sentY"] == box
    assert typed_view["x"] == box and typed_view["y"] == box, typed_view
    field = page.get_by_role("textbox", name="Your loss f(x, y)")
    field.fill("x^2 + 10*y^2")
    field.press("Enter")
    mine = _settle(page, typed_view["revision"])
    assert mine["x"] == mine["sentX"] and mine["y"] == mine["sentY"]
    assert _inside(mine["ball"], mine["x"], mine["y"]), mine
    _choose_surface(page, "2-D · " + surfaces.get("staircase").label)
    back = _settle(page, mine["revision"])
    assert back["x"] == [x0, x1] and back["y"] == [y0, y1]
    assert np.all(np.isfinite(back["ball"]))
    assert page.evaluate(ERRORS_JS) == []
