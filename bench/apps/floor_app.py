"""The floor for ``bench.load browsers``: the least a Streamlit page with the load's
controls can cost.

Two sidebar sliders with the app's labels and one Plotly chart of a single point with the
map's Play / Pause buttons (``layout.controls``) and 150 frames, but no frame slider. Each
rerun first spends ``RERUN_CPU_S`` of CPU, the app's median rerun (``bench.load app``), so the
server's share matches the app's and what differs between the two runs is what the app's
own page costs the browser.
"""

from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from optiviz.figures import layout, style

RERUN_CPU_S = 0.08
STEPS = 150

started = time.thread_time()
while time.thread_time() - started < RERUN_CPU_S:
    pass

alpha = st.sidebar.slider("Learning rate α", 0.0, 1.0, 0.1, 0.01)
decay = st.sidebar.slider("Decay rate k", 0.0, 1.0, 0.1, 0.01)
t = np.arange(STEPS)
x = np.cos(alpha * t) * np.exp(-decay * t / STEPS)
st.plotly_chart(
    go.Figure(
        data=[go.Scatter(x=x[:1], y=[0.0], mode="markers")],
        frames=[go.Frame(data=[go.Scatter(x=x[i : i + 1], y=[0.0])], name=str(i)) for i in t],
        layout={
            "updatemenus": layout.controls(t, style.FRAME_MS)["updatemenus"],
            "xaxis": {"range": [-1, 1]},
        },
    )
)
