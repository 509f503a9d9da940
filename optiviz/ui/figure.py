"""A Plotly figure drawn by the page's own plotly.js: ``figure(fig, key=..., config=...)``,
and the point a click on it picked (``on_click``, ``clicked``).

A component over the chart's asset directory (``ui/chart/figure.js``), for the fit view's,
the lab's and the class view's figures: ``st.plotly_chart`` would have the browser
download and parse Streamlit's own plotly.js bundle after the run, a second copy beside
the one the page preloads (``loader.js``), about 1 s of a cold lesson link's 5
(docs/benchmarks.md). The figure goes as JSON, unvalidated by plotly.py: the builders in
``optiviz.figures`` make plain dicts, or ``go.Figure``s that ``plain`` writes as plotly.py
does for ``st.plotly_chart`` (NumPy arrays as base64 typed arrays, which plotly.js decodes).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio

from optiviz.ui import chart_component, state

NAME = "figure"
COMPONENT = f"{chart_component.PROJECT}.{NAME}"
"""Declared in optiviz/pyproject.toml over the chart's asset directory."""
JS = "figure.js"
"""``ui/chart/figure.js``: it imports the chart's plotly.js loader and theme."""
CLICK = "click"
"""The trigger value a click sets: plotly_click's first point, ``clicked``'s answer."""


def plain(fig: go.Figure | dict) -> dict:
    """``fig`` as a figure dict of JSON values: a ``go.Figure`` as plotly.py writes it
    (``plotly.io.to_json``, its arrays as ``{"dtype", "bdata"[, "shape"]}``) less its
    ``layout.template``, a dict as it is. The template is plotly.py's default, which
    Streamlit makes its own: placeholder colours (``#000001``...) that only
    ``st.plotly_chart``'s frontend replaces; figure.js's look and theme stand in for it."""
    if not isinstance(fig, go.Figure):
        return fig
    out = json.loads(pio.to_json(fig, validate=False))
    out["layout"].pop("template", None)
    return out


def figure(
    fig: go.Figure | dict,
    *,
    key: str,
    config: dict,
    on_click: Callable[[], None] | None = None,
) -> None:
    """Draw ``fig`` (``{"data", "layout"[, "frames"]}`` or a ``go.Figure``, ``plain``) under
    ``key`` with plotly.js's ``config``; raises ``ValueError`` for a figure that is not strict
    JSON (``chart_component.check_json``). With ``on_click``, a click on a point of the
    figure runs it, and ``clicked(key)`` reads the point."""
    data = {"figure": plain(fig), "config": config, "clicks": on_click is not None}
    chart_component.check_json(data)
    mount = chart_component.register(NAME, JS)
    callbacks = {} if on_click is None else {f"on_{CLICK}_change": on_click}
    mount(key=key, data=chart_component.sent(data), **callbacks)


def clicked(key: str) -> dict | None:
    """The point just clicked on figure ``key``: plotly_click's ``{"curveNumber",
    "pointNumber", "pointIndex", "x", "y", "customdata"}`` (a trace's point; a heatmap's
    ``pointNumber`` is its ``[row, column]``), the trace's ``name`` with it; or None."""
    value = state.get(key)
    point = value.get(CLICK) if value else None
    return point if isinstance(point, dict) else None
