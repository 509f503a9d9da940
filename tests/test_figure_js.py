"""figure.js's click report (``clickedPoint``), run in Node on the points plotly.js hands a
plotly_click listener, and read back by the lab's Python side (``lab_open.customdata_pair``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from optiviz.ui.lab_open import customdata_pair

JS = Path(__file__).resolve().parents[1] / "optiviz" / "ui" / "chart" / "figure.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

RUNNER = """
const { clickedPoint, look } = await import(process.argv.at(-1));
const trial = { curveNumber: 3, pointNumber: 2, pointIndex: 2, x: -1.5, y: -2,
  data: { name: "trials" }, customdata: new Float64Array([0.0316, 0.01, 2]) };
const cell = { curveNumber: 0, pointNumber: [4, 7], data: { name: "final loss" }, x: -2,
  y: -1, z: 0.5, customdata: new Float64Array([0.01, 0.1]) };
const listed = { curveNumber: 4, pointNumber: 0, pointIndex: 0, x: 0, y: 0,
  data: { name: "best" }, customdata: [1, 0.5, 7] };
const out = [trial, cell, listed].map((p) => clickedPoint({ points: [p, cell] }));
out.push(clickedPoint({ points: [] }), clickedPoint(undefined));
const type = (w) => [look(w).xaxis.tickfont.size, look(w).yaxis.title.font.size];
out.push([390, 639, 640, 1400].map(type));
out.push([390, 1400].map((w) => look(w).legend || null));
process.stdout.write(JSON.stringify(out));
"""


def _clicked(tmp_path: Path) -> list:
    for source in JS.parent.glob("*.js"):  # figure.js imports the chart's loader and theme
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / "package.json").write_text('{"type": "module"}')
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", RUNNER, "--", (tmp_path / JS.name).as_uri()],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def test_a_click_reports_the_first_point_as_json_that_names_its_run(tmp_path: Path) -> None:
    trial, cell, listed, none, missing, _, _ = _clicked(tmp_path)
    assert trial == {
        "curveNumber": 3,
        "name": "trials",
        "pointNumber": 2,
        "pointIndex": 2,
        "x": -1.5,
        "y": -2,
        "customdata": [0.0316, 0.01, 2],
    }
    assert cell["pointNumber"] == [4, 7] and cell["name"] == "final loss"
    assert [customdata_pair(p["customdata"]) for p in (trial, cell, listed)] == [
        (0.0316, 0.01),
        (0.01, 0.1),
        (1.0, 0.5),
    ]
    assert none is None and missing is None


def test_the_type_is_st_plotly_charts_but_on_a_phone(tmp_path: Path) -> None:
    """15.75 px ticks and 18.375 px axis titles (what st.plotly_chart's theme gives), but
    plotly.js's own 12 px in a window narrower than 640 px, where Streamlit stacks columns."""
    *_, sizes, legends = _clicked(tmp_path)
    assert sizes == [[12, 14], [12, 14], [15.75, 18.375], [15.75, 18.375]]
    phone, wide = legends
    # at the figure's foot (the container's), where plotly.js makes room for it
    assert phone["orientation"] == "h" and phone["yref"] == "container"
    assert phone["y"] == 0 and phone["yanchor"] == "bottom"
    assert wide is None  # plotly.js's own place, at the right, as st.plotly_chart's
