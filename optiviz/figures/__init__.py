"""Figure builders: arrays and settings in, a plotly Figure out. No Streamlit.

For a notebook: ``animate``, ``landscape`` and ``range_test`` take the core's results
(see :mod:`optiviz.figures.notebook`). ``import optiviz`` alone never loads Plotly.
"""

from optiviz.figures.notebook import animate, landscape, range_test

__all__ = ["animate", "landscape", "range_test"]
