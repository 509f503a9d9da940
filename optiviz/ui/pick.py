"""The student's map: a static Plotly graph (no hover, no zoom, no drag) that reports the
data coordinates of a tap or a click, ``setTriggerValue("pick", {x, y})``.

Its JavaScript is ``ui/chart/pick.js``, a module of the chart's asset directory: a pointer
event rather than Plotly's own click (a finger's tap on a Plotly graph shows its hover
label but selects nothing), the chart's plotly.js loader, and the chart's
``plotly_adapter.mapPoint`` for the point under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable

from optiviz.ui import chart_component, state

NAME = chart_component.PICK_NAME
COMPONENT = f"{chart_component.PROJECT}.{NAME}"
"""A second component over the chart's asset directory (optiviz/pyproject.toml declares
both)."""
JS = "pick.js"
"""``ui/chart/pick.js``: it imports the chart's plotly.js loader and ``mapPoint``."""


def pick_map(
    figure: dict, *, key: str, on_pick: Callable[[], None], aspect: float | None = None
) -> None:
    """Draw ``figure`` (a map from ``optiviz.figures.answers``) under ``key``; ``on_pick``
    runs when the student taps it (read the point with ``picked(key)``). ``aspect``
    (height / width of the plot, for a map at one scale on both axes) fits the graph's
    height to the width the page gives it, so a phone shows no empty bands."""
    data = {"figure": figure, "aspect": aspect}
    chart_component.check_json(data)
    mount = chart_component.register(NAME, JS)
    mount(key=key, data=chart_component.sent(data), on_pick_change=on_pick)


def picked(key: str) -> dict | None:
    """The point ``{"x", "y"}`` just tapped on the map ``key``, or None."""
    value = state.get(key)
    point = value.get("pick") if value else None
    return point if isinstance(point, dict) else None
