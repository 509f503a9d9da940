"""The baseline of ``bench.browser key`` and ``bench.cold``: the least page an α key press
can redraw.

One select slider labelled like the app's, over the same log scale (1e-5 to 300, 16 a
decade), and one small
``st.plotly_chart`` (ten points) that follows it; nothing else.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

OPTIONS = sorted({float(f"{v:.2g}") for v in 10 ** (np.arange(-80, 41) / 16)})

alpha = st.select_slider("Learning rate α", OPTIONS, value=0.75, format_func="{:g}".format)
t = np.arange(10)
st.plotly_chart(go.Figure(go.Scatter(x=t, y=np.cos(alpha * t), mode="lines+markers")))
