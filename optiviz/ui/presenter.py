"""Presenter mode: the page as a class sees it on a projector.

No sidebar, larger type, thicker lines, and the page's head folded to two lines, so the
map, its panels, Play and the verdicts fit one projected screen (the chart sizes itself to
the window). Switched by the 'Presenter mode' toggle or ``?present=1``; ``state`` keeps
it in the address and the share link. Play speed and keyboard control belong to the
chart itself. Outside presenter mode the page's head is a little tighter too
(``PAGE_CSS``), so Play shows on a 768-pixel laptop screen.
"""

from __future__ import annotations

import streamlit as st

from optiviz.ui import state

ROOT_FONT_PX = 21
"""Root font size in presenter mode (Streamlit's own is 16 px; its type is in rem)."""

LINE_PX = 4.5
"""Stroke width of chart lines (paths, loss and α_t curves) in presenter mode."""

MAIN = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]'
"""The page's top-level column: the title, the toggle, the description, the picture, the body."""

LESSON = "st-key-lesson_banner"
"""The class of the open lesson's banner (``lessons.banner``), between the head and the
description."""

_CHAIN = ':has([data-testid="stHeading"] h1) + :has(.stCheckbox) + :has(style)'
HEAD = (
    f'{MAIN} > :has([data-testid="stHeading"] h1)',
    f'{MAIN} > :has([data-testid="stHeading"] h1) + :has(.stCheckbox)',
    f"{MAIN} > {_CHAIN}",
    f"{MAIN} > :is({_CHAIN}, {_CHAIN} + :has(.{LESSON})) + "
    ':has([data-testid="stCaptionContainer"])',
)
"""The title, the toggle, this style and the description that follows them (after the
open lesson's banner, where there is one)."""

PAGE_CSS = f"""<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; }}
{HEAD[0]} h1 {{ padding-top: 0.25rem; }}
{HEAD[2]} {{ display: none; }}
</style>"""
"""Every page's head, presenting or not: less room above the title (Streamlit's header is
3.75rem tall) and no gap for this style's own element."""

TITLE_REM = 21
"""The title's widest, in rem: the description takes the rest of its line."""

CSS = f"""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {{
  display: none !important; }}
html {{ font-size: {ROOT_FONT_PX}px; }}
.js-plotly-plot:not(.optiviz-chart) .scatterlayer path.js-line {{
  stroke-width: {LINE_PX}px !important; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 0.5rem; }}
{MAIN} {{ flex-flow: row wrap; gap: 0.5rem 1rem; align-items: center; }}
{MAIN} > * {{ flex: 1 1 100%; order: 5; }}
{HEAD[0]} {{ flex: 0 1 auto; order: 1; max-width: {TITLE_REM}rem; }}
{HEAD[0]} h1 {{ font-size: 1.1rem; line-height: 1.4; padding: 0; margin: 0;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
{HEAD[0]} [data-testid="stMarkdownContainer"], {HEAD[3]} [data-testid="stMarkdownContainer"] {{
  margin: 0; }}
{HEAD[0]} [data-testid="stHeaderActionElements"] {{ display: none; }}
{HEAD[3]} {{ flex: 1 1 calc(100% - {TITLE_REM + 1}rem); order: 2; min-width: 0; }}
{HEAD[0]}, {HEAD[3]} {{ align-self: baseline; }}
{HEAD[3]} p {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }}
{HEAD[1]} {{ flex: 0 0 auto; order: 3; }}
{HEAD[2]} {{ display: none; }}
{HEAD[3]} + :has([data-testid="stButtonGroup"]) {{ flex: 0 0 auto; order: 4; }}
{HEAD[3]} + :has([data-testid="stButtonGroup"]) [data-testid="stWidgetLabel"] {{
  display: none; }}
</style>"""
"""Presenter mode's page: no sidebar and no Streamlit header; the title and the description
on one line, the toggle and the picture on the next, then the chart."""


def toggle() -> bool:
    """The on-page switch (the sidebar is hidden while it is on); True when presenting."""
    st.toggle(
        "Presenter mode",
        key=state.PRESENT,
        help="Hide the sidebar and enlarge type and lines for a projector; the link keeps it.",
    )
    st.markdown(PAGE_CSS + (CSS if state.presenting() else ""), unsafe_allow_html=True)
    return state.presenting()
