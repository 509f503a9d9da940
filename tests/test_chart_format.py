"""The chart writes a number one way: ``format.js``'s ``formatG`` is Python's
``format(v, ".Ng")`` (run in Node), and the readout (``frames.js``) and the arrows' labels
(``arrows.js``) both write with it."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.figures.chart_data import map_chart
from optiviz.figures.runs import Run, readouts
from optiviz.scenes import Scene, grids
from tests.test_chart_js import NODE, _run_js

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

FORMAT_RUNNER = """
import { readFileSync } from "node:fs";
const { formatG } = await import(new URL("format.js", process.argv.at(-1)));
const cases = JSON.parse(readFileSync(0, "utf8"));
const value = (v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity
  : v === "-0" ? -0 : v);
process.stdout.write(JSON.stringify(cases.map(([v, d]) => formatG(value(v), d))));
"""

LABELS_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, tracks, readoutText } = await import(process.argv.at(-1));
const { rateText } = await import(new URL("arrows.js", process.argv.at(-1)));
const data = JSON.parse(readFileSync(0, "utf8"));
const [figure, animation] = [decode(data.figure), decode(data.animation)];
const runs = tracks(figure, animation);
process.stdout.write(JSON.stringify({
  readout: readoutText(runs, animation, 0), rate: rateText(runs[0], 0)}));
"""

VALUES = [
    0.0,
    -0.0,
    5e-05,
    0.0001,
    9.9996e-05,
    -2.5e-07,
    1 / 3,
    0.0009995,
    2 / 3,
    999.5,
    1234.5,
    1235.5,
    0.125,
    -0.375,
    2.5,
    -98765.4,
    1e21,
    1.5e-300,
    math.nan,
    math.inf,
    -math.inf,
]


def _json(v: float) -> float | str:
    if math.isnan(v) or math.isinf(v) or (v == 0 and math.copysign(1, v) < 0):
        return format(v, "g")
    return v


def test_format_g_is_pythons(tmp_path) -> None:
    cases = [[_json(v), d] for v in VALUES for d in (1, 2, 3, 4)]
    got = _run_js(FORMAT_RUNNER, tmp_path, cases)
    assert got == [format(v, f".{d}g") for v in VALUES for d in (1, 2, 3, 4)]


def test_the_readout_and_the_arrows_labels_write_a_number_alike(tmp_path) -> None:
    """Adam at α = 5e-05 from (1, 0.05) on (x² + 20y²)/2: g_0 = (1, 1), so v̂_0 = g_0² and
    the first effective step per coordinate is α/(|g_0| + ε), 5e-05 to 3 digits, the α_t
    the readout shows. Both write it "5e-05", as Python's readout does (not "0.00005")."""
    surface = surfaces.get("quadratic")
    tr = optiviz.simulate(surface, "adam", alpha=5e-05, steps=4, start=[1.0, 0.05])
    run = Run("adam", tr, "#000000", hyper={"eps": 1e-8})
    chart = map_chart(Scene(surface, (run,)), grids.surface_grid(surface, 21))
    out = _run_js(LABELS_RUNNER, tmp_path, chart)
    np.testing.assert_allclose(tr.grads[0], [1.0, 1.0])
    assert out["readout"].split("<br>")[1] == readouts(run, [0])[0]
    assert "α<sub>t</sub> 5e-05 →" in out["readout"]
    assert out["rate"].endswith(" = (5e-05, 5e-05)")
