"""Optiviz: `streamlit run app.py`."""

import streamlit as st

from optiviz.ui import main

st.set_page_config(page_title="Optiviz", page_icon="⚽", layout="wide")
main()
