"""Optiviz: `streamlit run app.py`."""

import gc
from contextlib import suppress

import streamlit as st
from streamlit.errors import StreamlitAPIException

st.set_page_config(page_title="Optiviz", page_icon="⚽", layout="wide")
# The page's first element, sent before the imports below take their seconds (JAX and the
# app, on a new server): the browser loads plotly.js meanwhile (optiviz/ui/chart/loader.js).
# A checkout that was never installed has no such component: its chart says what to run.
with suppress(StreamlitAPIException):
    st.components.v2.component("optiviz.preload", js="loader.js", isolate_styles=False)(
        key="optiviz-preload"
    )

# The first run's import (JAX, the app) makes some 90,000 objects the collector tracks: no
# collection walks them midway, which cost that import 0.1-0.4 s of CPU (docs/benchmarks.md).
collecting = gc.isenabled()
gc.disable()
try:
    from optiviz.ui import main, student  # noqa: E402 - after the preload, on purpose
finally:
    if collecting:
        gc.enable()

if student.requested():
    student.render()
else:
    main()
