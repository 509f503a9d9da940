"""The share links a page shows (``optiviz.ui.share``): read from AppTest's elements, or
from the browser's page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from optiviz.ui import chart_component, share

LINKS_JS = "() => [...document.querySelectorAll('.optiviz-share-url')].map(e => e.textContent)"
"""The links the browser's page shows, in page order."""


def shown(at: AppTest) -> list[str]:
    """The links the page's share boxes hold, in page order."""
    boxes = [e for e in at.get("bidi_component") if e.proto.component_name == share.COMPONENT]
    return [chart_component.received(e.proto.json)["url"] for e in boxes]
