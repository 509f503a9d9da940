"""A Plotly figure dict drawn by the page's own plotly.js: ``figure(fig, key=..., config=...)``.

A component over the chart's asset directory (``ui/chart/figure.js``), for the fit view's
figures: ``st.plotly_chart`` would have the browser download and parse Streamlit's own
plotly.js bundle after the run, a second copy beside the one the page preloads
(``loader.js``), about 1 s of a cold lesson link's 5 (docs/benchmarks.md). The figure goes
as JSON, unvalidated by plotly.py: the builders in ``optiviz.figures`` make plain dicts.
"""

from __future__ import annotations

from optiviz.ui import chart_component

NAME = "figure"
COMPONENT = f"{chart_component.PROJECT}.{NAME}"
"""Declared in optiviz/pyproject.toml over the chart's asset directory."""
JS = "figure.js"
"""``ui/chart/figure.js``: it imports the chart's plotly.js loader and theme."""


def figure(fig: dict, *, key: str, config: dict) -> None:
    """Draw ``fig`` (``{"data", "layout"[, "frames"]}``, strict JSON) under ``key`` with
    plotly.js's ``config``; raises ``ValueError`` for a figure that is not strict JSON
    (``chart_component.check_json``)."""
    data = {"figure": fig, "config": config}
    chart_component.check_json(data)
    mount = chart_component.register(NAME, JS)
    mount(key=key, data=chart_component.sent(data))
