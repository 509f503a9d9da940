"""The page's downloads and share link: the runs as CSV and the chart as an HTML page,
built only when clicked from what α's fragment drew last (``Shown``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz.figures.runs import Run
from optiviz.scenes import export


@dataclass
class Shown:
    """What α's fragment drew last: its runs, and the page the HTML download saves,
    each made when asked for. The downloads sit outside the fragment, so an α move does
    not redraw them; they read this when clicked."""

    runs: Callable[[], Sequence[Run]] = tuple
    html: Callable[[], str] | None = None


def downloads(shown: Shown) -> DeltaGenerator:
    """CSV of every run shown, the shown chart as an HTML page, and the slot for the link that
    reopens this view (α's fragment writes it). Both files are built only when clicked."""
    st.subheader("Download and share")
    left, right = st.columns(2)
    left.download_button(
        "⬇ Runs as CSV",
        data=lambda: _csv(shown),
        file_name="optiviz-runs.csv",
        mime="text/csv",
        key="dl_csv",
        on_click="ignore",
        help="step, position, loss, α_t and gradient of every run shown.",
    )
    right.download_button(
        "⬇ Animation as HTML",
        data=lambda: shown.html() if shown.html else NOTHING_SHOWN,
        file_name="optiviz.html",
        mime="text/html",
        key="dl_html",
        on_click="ignore",
        help="The chart as a page of its own that works offline: Play, the steps, hiding runs "
        "and α over the stops it holds; the chart's camera icon saves a PNG.",
    )
    st.markdown("**Link to this view** (copy it with the button on the right):")
    return st.container()


NOTHING_SHOWN = "Nothing to save: the picture could not be drawn with these settings.\n"


def _csv(shown: Shown) -> str:
    runs = shown.runs()
    if not runs:
        return NOTHING_SHOWN
    return export.trajectories_csv([(r.name, r.trajectory) for r in runs])
