"""What an AppTest run sends for the chart component's own controls, which AppTest has no
setter for: the component's triggers, added to the widget states AppTest would send
(its private ``_tree`` and ``_run``). Streamlit is imported when a trigger is sent."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest


def chart_element(at: AppTest, chart: str = "map"):
    """The chart component mounted under key ``chart``."""
    (element,) = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{chart}")]
    return element


def trigger(at: AppTest, event: str, value, chart: str = "map") -> None:
    """Run ``at`` as after the browser's ``setTriggerValue(event, value)`` on ``chart``."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    sent = json.dumps([{"event": event, "value": value}])
    states = at._tree.get_widget_states()
    element = chart_element(at, chart).proto.id
    states.widgets.append(
        WidgetState(id=_make_trigger_id(element, "events"), json_trigger_value=sent)
    )
    at._run(states)


def slide(at: AppTest, key: str, value: float, chart: str = "map") -> None:
    """One of the chart's sliders ("alpha" or "k") let go at stop ``value``: the
    ``slider`` trigger (nothing is sent while the thumb moves)."""
    trigger(at, "slider", {"key": key, "value": value}, chart)
