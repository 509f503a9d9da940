"""The moves a visitor makes on the explore page, as ``ProtocolSession.rerun``'s arguments.

Used by the protocol benchmark (``bench``) and by the tests that check its client.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import numpy as np

from optiviz.devtools.protocol import ProtocolSession

ALPHA, K, START, SURFACE = "α", "k", "start", "surface"
"""The moves a session makes: α or k let go on the chart's slider (a ``slider`` trigger of
the chart component, one stop along ``params``' stops, as one release sends, with
``drawn``: whether the chart would show that stop's member), "Start x"
one step of 0.1, and the "Loss surface" picker to the next of its first three surfaces."""


def _stop(values: list[float], current: float, direction: int) -> tuple[float, int]:
    """The stop ``direction`` along from the one nearest ``current`` (turning back at an
    end), and the direction taken."""
    i = int(np.argmin(np.abs(np.asarray(values) - current)))
    if not 0 <= i + direction < len(values):
        direction = -direction
    return values[i + direction], direction


def change(session: ProtocolSession, kind: str, direction: int) -> tuple[dict, int]:
    """``ProtocolSession.rerun``'s arguments for a ``kind`` move, and the direction taken."""
    from optiviz.scenes import params

    query = parse_qs(session.query)
    if kind in (ALPHA, K):
        stops = params.alpha_options() if kind == ALPHA else params.k_options()
        current = float(query.get("alpha" if kind == ALPHA else "k", ["0"])[0])
        value, direction = _stop(stops, current, direction)
        key = "alpha" if kind == ALPHA else "k"
        drawn = session.holds("map", key, value)
        return {
            "trigger": ("map", "slider", {"key": key, "value": value, "drawn": drawn})
        }, direction
    if kind == START:
        widget = session.widget("Start x")
        return {"changes": {"Start x": round(widget.value + 0.1 * direction, 6)}}, direction
    widget = session.widget("Loss surface")
    options = list(widget.proto.options)[:3]
    now = options.index(widget.value) if widget.value in options else -1
    return {"changes": {"Loss surface": options[(now + 1) % len(options)]}}, direction


def start_query(index: int, schedule: str = "exponential") -> str:
    """Session ``index``'s own start point on the default surface; with a decay
    ``schedule`` the page also draws "Decay rate k"."""
    start = f"start_x={0.3 + 0.02 * index:.2f}&start_y={1 - 0.02 * index:.2f}"
    return f"schedule={schedule}&{start}" if schedule else start
