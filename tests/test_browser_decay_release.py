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

VIEWS = {
    "single": ("?mode=single&alpha=0.87&schedule=exponential&k=0.0075", 0.87, ()),
    # the page's race, α at the staircase's 0.8 (between two stops): "my α" joins at 0.87
    "race": ("?schedule=exponential&k=0.0075", 0.8, ("too small", "good", "too large")),
    # k first: α's family holds my α's run at 0.8, from its k family at the new k
    "race, k first": ("?schedule=exponential&k=0.0075", 0.8, ("too small", "good", "too large")),
}
STEPS = {
    "single": (
        ("alpha", "ArrowRight", 1.0, 0.0075),
        ("k", "ArrowLeft", 1.0, 0.0056),
        ("alpha", "ArrowRight", 1.2, 0.0056),
    ),
    "race": (
        ("alpha", "ArrowRight", 0.87, 0.0075),
        ("k", "ArrowLeft", 0.87, 0.0056),
        ("alpha", "ArrowRight", 1.0, 0.0056),
    ),
    "race, k first": (
        ("k", "ArrowLeft", 0.8, 0.0056),
        ("alpha", "ArrowRight", 0.87, 0.0056),
        ("k", "ArrowLeft", 0.87, 0.0042),
    ),
}

DRAWN_JS = """() => {
  // Each run's path as the graph holds it, the map's x and y ranges, the verdicts'
  // names, the sliders' texts, and whether the payload held shares the first one's figure.
  const gd = document.querySelector('.optiviz-chart');
  const s = gd.__optiviz;
  const finite = (a) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  const paths = s.animation.runs.map((run) => [gd.data[run.path].x, gd.data[run.path].y]);
  const text = (key) => document.querySelector(
    `.optiviz-slider[data-key="${key}"] [role="slider"]`).getAttribute('aria-valuetext');
  const readout = [...document.querySelectorAll('.optiviz-readout > div')].slice(1)
    .map((row) => row.textContent);
  return {
    paths: paths.map(([x, y]) => [finite(x), finite(y)]),
    visible: s.animation.runs.map((run) => gd.data[run.path].visible !== false),
    ranges: [gd.layout.xaxis.range, gd.layout.yaxis.range],
    readout, alpha: text('alpha'), k: text('k'),
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


def _engine(alpha: float, k: float, presets: tuple[str, ...]) -> list[np.ndarray]:
    """Each run's positions as the engine runs the view at (α, k): the race with "my α"."""
    from optiviz import scenes
    from optiviz.devtools.examples import staircase_settings

    race = (*presets, "my α") if presets else ()
    s = staircase_settings(mode="compare" if presets else "single", presets=race, alpha=alpha)
    s = replace(s, schedule="exponential", k=k)
    return [run.trajectory.positions for run in scenes.scene(s).runs]


@pytest.mark.parametrize("view", list(VIEWS))
def test_alpha_then_k_then_alpha_draw_the_engines_runs_and_the_link(
    chromium, app_server, view
) -> None:
    query, alpha0, presets = VIEWS[view]
    page = new_page(chromium, 1400, 1000)
    try:
        open_app(page, app_server.url + query)
        page.evaluate(
            "() => { window.__optivizFirst = "
            "document.querySelector('.optiviz-chart').__optiviz.latest.figure; }"
        )
        first = page.evaluate(DRAWN_JS)
        start = _engine(alpha0, 0.0075, presets)
        np.testing.assert_allclose(first["paths"][0][0][:3], start[0][:3, 0], atol=1e-3)
        for key, arrow, alpha, k in STEPS[view]:
            _press(page, key, arrow)
            shown = page.evaluate(DRAWN_JS)
            assert (shown["alpha"], shown["k"]) == (f"α = {alpha:g}", f"k = {k:g}"), shown
            assert shown["same"] and shown["settled"][-1] == key, (key, shown["settled"])
            assert all(shown["visible"]), "my α races"
            mine = f"my α={alpha:g}" if presets else f"α={alpha:g}"
            assert any(row.startswith(f"● {mine}:") for row in shown["readout"]), shown
            box = np.asarray(shown["ranges"], dtype=float)
            unit = 3 * (box[:, 1] - box[:, 0]) / 65534  # packing.quantised's step
            runs = _engine(alpha, k, presets)
            assert len(runs) == len(shown["paths"])
            for (x, y), want in zip(shown["paths"], runs, strict=True):
                drawn = np.array([x, y], dtype=float).T
                inside = np.isfinite(drawn).all(axis=1)
                want = want[: len(drawn)]
                np.testing.assert_allclose(drawn[inside], want[inside], atol=unit.max())
            moved = np.abs(runs[-1][:50] - start[-1][:50]).max()  # the follower's path moved
            assert moved > 0.01, moved
            address = _query(page.url)
            link = page.locator(".optiviz-share-url").filter(has_text="alpha=").first
            assert _query(link.text_content()) == address, (link.text_content(), page.url)
            assert address.get("alpha", ["0.8"]) == [f"{alpha:g}"] and address["k"] == [f"{k:g}"]
        assert not page.console_errors
    finally:
        page.close()
