"""The share link on the page: the address as text, and a Copy button.

It is the app's own small component (``optiviz.share``), whose JavaScript
``ui/chart/share.js`` goes to Streamlit inline (no asset route, no manifest entry), in
the page's own DOM (not a shadow root), so the page's scripts and tests read the link as
``.optiviz-share-url``.
``st.code`` shows a link with a copy button too, but its element loads Streamlit's syntax
highlighter, about 1.5 MB of JavaScript that the first visitor's browser parses beside
plotly.js, to show one line of plain text.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import streamlit as st

from optiviz.ui import chart_component

NAME = "optiviz.share"
JS = "chart/share.js"
"""The component's module, in ``optiviz/ui``."""
HTML = (
    '<div class="optiviz-share"><span class="optiviz-share-url"></span>'
    '<button type="button" class="optiviz-share-copy" title="Copy the link">Copy</button></div>'
)
CSS = """
.optiviz-share { display: flex; align-items: flex-start; gap: 0.5rem;
  background: var(--st-secondary-background-color); border-radius: var(--st-base-radius, 0.5rem);
  padding: 0.5rem 0.5rem 0.5rem 0.9rem; }
.optiviz-share-url { flex: 1; min-width: 0; overflow-wrap: anywhere; user-select: all;
  font-family: var(--st-code-font, "Source Code Pro", monospace); font-size: 0.85em;
  line-height: 1.6; color: var(--st-text-color); padding-top: 0.15rem; }
.optiviz-share-copy { flex: none; cursor: pointer; font: inherit; font-size: 0.85em;
  color: var(--st-text-color); background: var(--st-background-color);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: var(--st-base-radius, 0.5rem); padding: 0.2rem 0.7rem; }
.optiviz-share-copy:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
"""
"""The link wraps anywhere (a long address stays on the page, as on a phone), in the
code font, and is selected whole by one click, so Ctrl+C copies it too."""


@functools.cache
def _js() -> str:
    return files("optiviz.ui").joinpath(*JS.split("/")).read_text("utf-8")


def link_box(url: str, *, key: str, label: str = "Copy") -> None:
    """Show ``url`` with a ``label`` button that copies it to the clipboard (or, where the
    page may not copy, selects it for Ctrl+C)."""
    mount = st.components.v2.component(NAME, html=HTML, css=CSS, js=_js(), isolate_styles=False)
    mount(key=key, data=chart_component.sent({"url": url, "label": label}))
