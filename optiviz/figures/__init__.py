"""Figure builders: arrays and settings in, a plotly Figure out. No Streamlit."""
