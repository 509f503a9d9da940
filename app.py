"""Optiviz: `streamlit run app.py`."""

import streamlit as st

from optiviz.ui import main, student

st.set_page_config(page_title="Optiviz", page_icon="⚽", layout="wide")
if student.requested():
    student.render()
else:
    main()
