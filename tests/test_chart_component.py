"""The chart component's Python side: its data is refused before it is sent, and its
JavaScript and asset directory are where pyproject.toml and Streamlit look for them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

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
