"""``optiviz.ui.figure``'s figure as sent: a ``go.Figure`` written as plotly.py writes it for
``st.plotly_chart``, its arrays exact, without the template whose placeholder colours only
Streamlit's own Plotly element replaces."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from optiviz.analysis.search import Trial
from optiviz.figures import lab
from optiviz.ui import figure
from tests.support.arrays import decode_array

ALPHAS = np.geomspace(1e-4, 1.0, 6)
KS = np.geomspace(1e-3, 1e-1, 5)


def _landscape():
    losses = np.outer(np.arange(1, 7), np.ones(5)) * 0.1
    losses[5, :2] = np.inf
    trials = tuple(Trial(i, float(ALPHAS[i]), float(KS[i]), 0.1 * (i + 1), 0.1) for i in range(4))
    return lab.landscape_figure(ALPHAS, KS, losses, trials=trials, best=trials[0])


def _array(value) -> np.ndarray:
    """A sent array: plotly.py's typed-array spec, or a JSON list."""
    return decode_array(value) if isinstance(value, dict) else np.asarray(value, float)


def test_a_plotly_figure_goes_as_json_with_its_arrays_and_no_template() -> None:
    fig = _landscape()
    sent = figure.plain(fig)
    assert "template" not in sent["layout"] and fig.layout.template.layout.colorway
    assert "#000001" not in json.dumps(sent)  # Streamlit's placeholder colours
    assert sent["layout"]["clickmode"] == fig.layout.clickmode
    names = [t["name"] for t in sent["data"]]
    assert names == [t.name for t in fig.data]
    for trace, sent_trace in zip(fig.data, sent["data"], strict=True):
        if trace.customdata is None:
            continue
        np.testing.assert_array_equal(_array(sent_trace["customdata"]), trace.customdata)
    heat = _array(sent["data"][0]["z"])
    np.testing.assert_array_equal(np.isnan(heat), np.isnan(np.asarray(fig.data[0].z, float)))


def test_a_figure_dict_goes_as_it_is_and_one_that_is_not_strict_json_is_refused() -> None:
    bars = {"data": [{"type": "bar", "x": [1, 2], "y": ["a", "b"]}], "layout": {}}
    assert figure.plain(bars) is bars
    with pytest.raises(ValueError, match="cannot be sent"):
        figure.figure({"data": [{"x": [math.nan]}], "layout": {}}, key="k", config={})
