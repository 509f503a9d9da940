"""A figure as a self-contained interactive HTML file (Plotly's own export)."""

from __future__ import annotations

import plotly.io as pio


def figure_html(figure: dict, title: str = "Optiviz") -> str:
    """One HTML page with plotly.js inlined: it plays offline, with its buttons and slider."""
    if not figure.get("data"):
        raise ValueError("the figure has no data to export")
    html = pio.to_html(
        figure, include_plotlyjs=True, full_html=True, auto_play=False, validate=False
    )
    return html.replace("<head>", f"<head><title>{title}</title>", 1)
