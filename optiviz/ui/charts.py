"""Hand Plotly figure dicts to Streamlit without validating them a second time."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st


class PrebuiltFigure(go.Figure):
    """A Figure whose ``to_dict`` returns a dict built (and schema-tested) elsewhere.

    ``st.plotly_chart`` validates plain dicts by building a ``go.Figure``, which
    for an animation means constructing every frame object: over 100 ms for the
    default view. The figure builders' dicts are validated in the tests instead.
    """

    def __init__(self, figure: dict) -> None:
        super().__init__()
        self._prebuilt = figure

    def to_dict(self) -> dict:
        return self._prebuilt


def plotly(figure: dict, **kwargs):
    """``st.plotly_chart`` for a figure dict; returns what Streamlit returns."""
    return st.plotly_chart(PrebuiltFigure(figure), **kwargs)
