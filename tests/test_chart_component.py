"""The chart component's Python side: its data is refused before it is sent, and its
JavaScript and asset directory are where pyproject.toml and Streamlit look for them."""

from __future__ import annotations

import asyncio
import tomllib
import urllib.request
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bench.live_app import AppServer
from bench.protocol_client import ProtocolSession
from optiviz.ui import chart_component

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "data",
    [
        {"figure": {"data": [{"x": [float("nan")]}], "layout": {}}},
        {"figure": {"data": [{"x": np.zeros(3)}], "layout": {}}},
        {"figure": {"data": [], "layout": {}}},
        {"kind": "map"},
    ],
)
def test_data_the_chart_cannot_draw_is_refused(data) -> None:
    with pytest.raises(ValueError, match="the chart's data"):
        chart_component.check_json(data)


def test_pyproject_declares_the_component_asset_dir() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (entry,) = config["tool"]["streamlit"]["component"]["components"]
    assert config["project"]["name"] == chart_component.PROJECT
    assert (entry["name"], entry["asset_dir"]) == (chart_component.NAME, chart_component.ASSET_DIR)
    js = ROOT / "optiviz" / chart_component.ASSET_DIR / chart_component.JS
    assert "export default function" in js.read_text()


def test_the_server_serves_plotly_js_at_the_charts_url() -> None:
    """Once a page has drawn a chart, ``plotly_url`` answers with the plotly package's own
    ``plotly.min.js``, whatever the run: the URL holds no hash of anything."""
    server = AppServer()
    try:
        server.wait_healthy()

        async def open_page() -> None:
            async with ProtocolSession(server.port) as session:
                assert (await session.rerun()).ok

        asyncio.run(open_page())
        url = server.url + chart_component.plotly_url().lstrip("/")
        with urllib.request.urlopen(url, timeout=30) as response:
            served = response.read()
    finally:
        server.stop()
    bundled = resources.files("plotly") / "package_data" / chart_component.PLOTLY_JS
    assert served == bundled.read_bytes()
