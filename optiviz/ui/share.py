"""The share link on the page: the address as text, and a Copy button.

It is the app's own small component (``optiviz.share``, declared in optiviz/pyproject.toml
over the chart's asset directory; its module ``ui/chart/share.js`` draws the box in the
page's own DOM, so the page's scripts and tests read the link as ``.optiviz-share-url``).
Its element carries only the link and the button's label: the module comes once per page.
``st.code`` shows a link with a copy button too, but its element loads Streamlit's syntax
highlighter, about 1.5 MB of JavaScript that the first visitor's browser parses beside
plotly.js, to show one line of plain text.
"""

from __future__ import annotations

from optiviz.ui import chart_component

NAME = "share"
COMPONENT = f"{chart_component.PROJECT}.{NAME}"
JS = "share.js"
"""The component's module, in the chart's asset directory."""


def link_box(url: str, *, key: str, label: str = "Copy") -> None:
    """Show ``url`` with a ``label`` button that copies it to the clipboard (or, where the
    page may not copy, selects it for Ctrl+C)."""
    mount = chart_component.register(NAME, JS)
    mount(key=key, data=chart_component.sent({"url": url, "label": label}))
