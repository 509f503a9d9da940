"""In Chromium, the decay view: α, then k, then α let go at stops their families hold.
Each release is answered with a keep of the payload and the other slider's families at
the new value (``release.answer``), so the chart never gets the view again; the path it
draws is the engine's run at the (α, k) let go at, and the address bar is the share link."""

from __future__ import annotations

import urllib.parse
from dataclasses import replace

import numpy as np
import pytest

from tests.support.browser import (
    app_server,
    chromium,
    needs_chromium,
    new_page,
    open_app,
    start_watch,
    wait_rerun,
)

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]

QUERY = "?mode=single&alpha=0.87&schedule=exponential&k=0.0075"

DRAWN_JS = """() => {
  // The single run's path as the graph holds it, the map's x and y ranges, its verdict's
  // name, the sliders' texts, and whether the payload held shares the first one's figure.
  const gd = document.querySelector('.optiviz-chart');
  const s = gd.__optiviz;
  const path = gd.data[s.animation.runs[0].path];
  const text = (key) => document.querySelector(
    `.optiviz-slider[data-key="${key}"] [role="slider"]`).getAttribute('aria-valuetext');
  const name = document.querySelectorAll('.optiviz-readout > div')[1].textContent;
  return {
    x: Array.from(path.x, (v) => (Number.isFinite(v) ? v : null)),
    y: Array.from(path.y, (v) => (Number.isFinite(v) ? v : null)),
    ranges: [gd.layout.xaxis.range, gd.layout.yaxis.range],
    readout: name, alpha: text('alpha'), k: text('k'),
    settled: s.latest.settled || [], same: s.latest.figure === window.__optivizFirst,
  };
}"""


def _press(page, key: str, arrow: str) -> None:
    """Press ``arrow`` on slider ``key``'s track and wait for its release to be run."""
    since = start_watch(page)
    page.locator(f'.optiviz-slider[data-key="{key}"] [role="slider"]').press(arrow)
    page.wait_for_timeout(400)
    wait_rerun(page, since)


def _query(url: str) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


def _engine(alpha: float, k: float) -> np.ndarray:
    from optiviz import scenes
    from optiviz.devtools.examples import staircase_settings

    s = staircase_settings(mode="single", presets=(), alpha=alpha, schedule="exponential")
    return scenes.scene(replace(s, k=k)).runs[0].trajectory.positions


def test_alpha_then_k_then_alpha_draw_the_engines_runs_and_the_link(chromium, app_server) -> None:
    page = new_page(chromium, 1400, 1000)
    try:
        open_app(page, app_server.url + QUERY)
        page.evaluate(
            "() => { window.__optivizFirst = "
            "document.querySelector('.optiviz-chart').__optiviz.latest.figure; }"
        )
        first = page.evaluate(DRAWN_JS)
        np.testing.assert_allclose(first["x"][:3], _engine(0.87, 0.0075)[:3, 0], atol=1e-3)
        steps = (("alpha", "ArrowRight", 1.0, 0.0075), ("k", "ArrowLeft", 1.0, 0.0056))
        steps += (("alpha", "ArrowRight", 1.2, 0.0056),)
        for key, arrow, alpha, k in steps:
            _press(page, key, arrow)
            shown = page.evaluate(DRAWN_JS)
            assert (shown["alpha"], shown["k"]) == (f"α = {alpha:g}", f"k = {k:g}"), shown
            assert shown["same"] and shown["settled"][-1] == key, "kept, not sent anew"
            assert shown["readout"].startswith(f"● α={alpha:g}"), shown["readout"]
            box = np.asarray(shown["ranges"], dtype=float)
            unit = 3 * (box[:, 1] - box[:, 0]) / 65534  # packing.quantised's step
            want = _engine(alpha, k)
            drawn = np.array([shown["x"], shown["y"]], dtype=float).T
            assert np.abs(want[: len(drawn)] - _engine(0.87, 0.0075)[: len(drawn)]).max() > 0.01
            inside = np.isfinite(drawn).all(axis=1)
            np.testing.assert_allclose(drawn[inside], want[: len(drawn)][inside], atol=unit.max())
            address = _query(page.url)
            link = page.locator(".optiviz-share-url").filter(has_text="alpha=").first
            assert _query(link.text_content()) == address, (link.text_content(), page.url)
            assert address["alpha"] == [f"{alpha:g}"] and address["k"] == [f"{k:g}"]
        assert not page.console_errors
    finally:
        page.close()
