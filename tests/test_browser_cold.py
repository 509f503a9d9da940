"""A new server's first page in headless Chromium: what the browser loads while the server
is still importing the app (``app.py``'s preload, ``optiviz/ui/chart/loader.js``)."""

from __future__ import annotations

import pytest

from tests.support.browser import app_server, chromium, needs_chromium, new_page, open_app

pytestmark = [needs_chromium, pytest.mark.browser]
__all__ = ["app_server", "chromium"]  # fixtures, used by name

RESOURCES_JS = """() => performance.getEntriesByType('resource')
  .map(r => [r.name.replace(location.origin, ''), r.startTime])"""


def test_the_chart_modules_load_once_before_the_page_run_sends_its_widgets(
    app_server, chromium
) -> None:
    """The preload imports the chart's modules at the chart component's own URLs while the
    server imports JAX and the app: each is fetched once, before the sidebar's widget
    chunks (which come once the page run is past its imports), and the chart then finds
    them loaded; plotly.js is fetched once too."""
    page = new_page(chromium)
    try:
        open_app(page, app_server.url)
        loaded = page.evaluate(RESOURCES_JS)
    finally:
        page.close()
    chart = [(name, t) for name, t in loaded if "/optiviz.chart/" in name]
    names = [name for name, _ in chart]
    assert "/_stcore/bidi-components/optiviz.chart/chart.js" in names
    assert len(names) == len(set(names)), names  # each module once
    widgets = [t for name, t in loaded if "/Radio." in name or "/Selectbox." in name]
    assert widgets and max(t for _, t in chart) < min(widgets), (chart, widgets)
    assert sum("plotly.min.js" in name for name, _ in loaded) == 1
    assert page.console_errors == []
