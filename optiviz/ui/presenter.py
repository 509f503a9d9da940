"""Presenter mode: the page as a class sees it on a projector.

No sidebar, larger type, thicker lines. Switched by the 'Presenter mode' toggle or
``?present=1``; ``state`` keeps it in the address and the share link. Play speed
and keyboard control belong to the chart itself.
"""

from __future__ import annotations

import streamlit as st

from optiviz.ui import state

ROOT_FONT_PX = 21
"""Root font size in presenter mode (Streamlit's own is 16 px; its type is in rem)."""

LINE_PX = 4.5
"""Stroke width of chart lines (paths, loss and α_t curves) in presenter mode."""

CSS = f"""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {{ display: none !important; }}
html {{ font-size: {ROOT_FONT_PX}px; }}
.js-plotly-plot:not(.optiviz-chart) .scatterlayer path.js-line {{
  stroke-width: {LINE_PX}px !important; }}
</style>"""


def toggle() -> bool:
    """The on-page switch (the sidebar is hidden while it is on); True when presenting."""
    st.toggle(
        "Presenter mode",
        key=state.PRESENT,
        help="Hide the sidebar and enlarge type and lines for a projector; the link keeps it.",
    )
    if state.presenting():
        st.markdown(CSS, unsafe_allow_html=True)
    return state.presenting()
