"""What the page says follows what it draws, in a real browser: the race picker's chips
after surface switches, and the address bar after fast key presses on a slider.

``streamlit run app.py`` driven by Debian's Chromium (``optiviz.devtools.server``, ``chromium``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from optiviz.core import surfaces
from optiviz.devtools.page import FIRST_CHART_MS, IDLE
from optiviz.scenes import params
from tests.support import clicks
from tests.support.browser import (
    app_server,
    chromium,
    needs_chromium,
    new_page,
    open_app,
    settle,
    start_watch,
    wait_rerun,
)

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name


@pytest.fixture(scope="module")
def page(app_server, chromium) -> Iterator:
    """A headless Chromium page on the app server's first screen."""
    tab = new_page(chromium)
    try:
        open_app(tab, app_server.url)
        yield tab
    finally:
        tab.close()


def _act(tab, action) -> None:
    """Do ``action`` (a click), then wait for the rerun it starts and the charts' draws."""
    since = start_watch(tab)
    action()
    wait_rerun(tab, since)


def _chips(tab) -> dict[str, str]:
    """Chip label -> α it shows ('my α' has none)."""
    text = tab.locator('[data-testid="stMultiSelectTagsContainer"]').inner_text()
    chips = [c.strip() for c in text.split("\n") if c.strip()]
    return dict(re.fullmatch(r"(.+) \(α = (.+)\)", c).groups() for c in chips if "(" in c)


def _runs(tab) -> dict[str, str]:
    """Run label -> α, from the verdict lines under the chart ('good α=0.8: converged …')."""
    lines = tab.locator(".optiviz-verdicts .optiviz-verdict").all_inner_texts()
    found = [re.match(r"● (.+?) ?α=([^:]+):", line) for line in lines]
    return {m.group(1).strip(): m.group(2) for m in found if m}


def _query(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query))


def _share_link(tab) -> str:
    return tab.locator(".optiviz-share-url").filter(has_text="?").last.inner_text()


def test_race_chips_name_the_rates_that_race_after_each_surface_switch(page) -> None:
    for name in ("rosenbrock", "himmelblau", "custom"):
        _act(page, lambda n=name: clicks.choose(page, "Loss surface", clicks.surface_label(n)))
        surface = (
            surfaces.from_expression(params.DEFAULT_FORMULA)
            if name == "custom"
            else surfaces.get(name)
        )
        chips, runs = _chips(page), _runs(page)
        assert chips == {p: f"{a:g}" for p, a in surface.lr_presets.items() if p in chips}, name
        assert {p: a for p, a in runs.items() if not p.startswith("my")} == chips, (
            name,
            chips,
            runs,
        )
        expected = [p for p in params.default_presets(surface) if p != params.MY_ALPHA]
        assert list(chips) == expected, (name, "a new surface opens on its own race")


def test_the_address_bar_follows_fast_key_presses_on_steps(page) -> None:
    _act(page, lambda: clicks.choose(page, "Loss surface", clicks.surface_label("staircase")))
    _act(page, lambda: clicks.radio(page, "View", "Compare optimizers"))
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Steps").locator("input")
    before = int(thumb.input_value())
    thumb.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
        time.sleep(0.05)
    time.sleep(0.4)  # the last press's rerun, which may start after the first has ended
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    settle(page)
    shown = int(thumb.input_value())
    assert shown == before + 5
    address = dict(_query(page.url))
    assert address["steps"] == str(shown), page.url
    assert _query(page.url) == _query(_share_link(page))
