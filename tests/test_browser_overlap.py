"""No text of the main chart sits on another, at 1280 x 720 and 1920 x 1080, in Chromium.

Axis titles, tick labels and legend items are collected with their bounding boxes from
the drawn SVG, and the top view's own HTML, the readout above it and the controls (Play,
Pause, the step slider and its label, the speeds) under it, from the page; any two that
overlap by more than a pixel each way fail the test, named.
"""

from __future__ import annotations

import itertools

import pytest

from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, MAP_CHART
from tests.support.browser import app_server, chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

SIZES = [(1280, 720), (1920, 1080)]
PAGES = {
    "staircase race": "",
    "data surface": "?surface=linear_regression",
    "step decay (log axes)": "?mode=single&alpha=2.8&schedule=step&drop=0.5&every=10",
}
TOLERANCE = 1.0
"""Pixels two boxes may share each way (anti-aliased glyph edges)."""

TEXTS_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const parts = gd.querySelectorAll('[class^="g-"][class$="title"] text, '
    + 'g[class$="tick"] > text, .legendtext');
  return [...parts].map(e => {
    const r = e.getBoundingClientRect();
    const group = e.closest('.legend') ? 'legend'
      : e.parentNode.getAttribute('class') || e.getAttribute('class') || '';
    return {text: e.textContent, group, box: [r.left, r.top, r.right, r.bottom]};
  }).filter(t => t.text.trim() && t.box[2] - t.box[0] > 0);
}"""


CONTROLS_JS = """() => {
  const bar = document.querySelector('.optiviz-controls');
  const svg = document.querySelector('.js-plotly-plot .main-svg').getBoundingClientRect();
  const parts = [...bar.querySelectorAll(':scope > *, .optiviz-speed > button')]
    .filter(e => !e.classList.contains('optiviz-speed'));
  const box = e => {
    const r = e.getBoundingClientRect();
    return {text: e.textContent || e.className, group: 'controls',
            box: [r.left, r.top, r.right, r.bottom]};
  };
  const lines = [...document.querySelectorAll('.optiviz-readout > div')].map(box);
  const readout = box(document.querySelector('.optiviz-readout')).box;
  return {svgTop: svg.top, svgBottom: svg.bottom, svgRight: svg.right, parts: parts.map(box),
          lines, readout};
}"""
"""The boxes of the top view's own controls (Play, Pause, the step slider, its label, the
speeds) and of its readout's lines, and the edges of the graph between them."""

RUNS_JS = (
    "() => document.querySelector('.optiviz-chart').__optiviz.runs.filter(r => !r.latent).length"
)
"""How many runs the top view draws (one readout line each, under the step): all but a
latent one, "my α" on a preset's rate, whose traces stay hidden until α moves."""

MAP_RECT_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  return [svg.left + x._offset, svg.top + y._offset,
          svg.left + x._offset + x._length, svg.top + y._offset + y._length];
}"""
"""The map's plot area (its background picture) in page pixels."""

MAP_OWN = {"xtick", "ytick", "g-xtitle", "g-ytitle", "ytitle", "xtitle"}
"""Text groups that belong to the map itself."""


def intruders(texts: list[dict], rect: list[float], tolerance: float = TOLERANCE) -> list[str]:
    """Texts of other panels drawn over the map's plot area."""
    box = {"text": "map", "group": "map", "box": rect}
    return [a for a, _ in overlaps([t for t in texts if t["group"] not in MAP_OWN] + [box])]


def overlaps(texts: list[dict], tolerance: float = TOLERANCE) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes share more than ``tolerance`` pixels both ways."""
    hits = []
    for a, b in itertools.combinations(texts, 2):
        (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
        wide = min(r1, r2) - max(l1, l2)
        tall = min(b1, b2) - max(t1, t2)
        if wide > tolerance and tall > tolerance:
            hits.append((f"{a['group']}:{a['text']}", f"{b['group']}:{b['text']}"))
    return hits


def test_overlap_check_finds_a_real_overlap() -> None:
    a = {"text": "data x", "group": "g-x5title", "box": [100, 100, 150, 115]}
    b = {"text": "good", "group": "legend", "box": [140, 110, 180, 125]}
    c = {"text": "loss", "group": "g-y2title", "box": [149.5, 90, 170, 100.5]}
    assert overlaps([a, b, c]) == [("g-x5title:data x", "legend:good")]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("query", PAGES.values(), ids=PAGES.keys())
def test_no_text_overlaps_in_the_main_chart(app_server, chromium, size, query) -> None:
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        page.goto(app_server.url + query)
        page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
        page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
        page.wait_for_timeout(1000)
        assert page.evaluate(ERRORS_JS) == []
        texts = page.evaluate(TEXTS_JS)
        groups = {t["group"] for t in texts}
        assert ("legend" in groups) == ("surface=" in query), groups  # data surfaces only
        assert any("title" in g for g in groups), groups
        assert {"y2tick", "y3tick"} <= groups, groups
        assert overlaps(texts) == []
        assert intruders(texts, page.evaluate(MAP_RECT_JS)) == []
        controls = page.evaluate(CONTROLS_JS)
        assert len(controls["parts"]) == 7, controls  # 2 buttons, slider, label, 3 speeds
        assert overlaps(controls["parts"]) == []
        for part in controls["parts"]:
            left, top, right, _ = part["box"]
            assert top >= controls["svgBottom"] - TOLERANCE, part  # under the graph
            assert right <= controls["svgRight"] + TOLERANCE, part  # not past its edge
        assert len(controls["lines"]) == 1 + page.evaluate(RUNS_JS), controls["lines"]
        for line in controls["lines"]:
            assert line["box"][3] <= controls["svgTop"] + TOLERANCE, line  # above the graph
            assert line["box"][3] <= controls["readout"][3] + TOLERANCE, line  # not clipped
            assert line["text"].startswith("step") or "loss" in line["text"], line
    finally:
        page.close()
