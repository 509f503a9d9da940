"""Scenes: settings in, what a view shows out. Pure NumPy/JAX; no Streamlit, no Plotly.

``explore`` is the explore view's scene (its names are re-exported here: ``scenes.scene``,
``scenes.scene_of``, ``scenes.Scene``, ``scenes.Run``); ``fit`` the fit view's; ``family``
the runs that follow the α and k sliders; ``clouds`` the many-seeds summaries; ``grids``
loss values for drawing. ``params`` is the table of the page's controls, ``settings`` the
frozen value read from them, ``lessons`` the ready lessons, ``colours`` the runs' colours,
``export`` the CSV files.
"""

from optiviz.scenes.explore import (
    Run,
    Scene,
    resolve_surface,
    run_names,
    scene,
    scene_of,
    with_data,
    with_edges,
)

__all__ = [
    "Run",
    "Scene",
    "resolve_surface",
    "run_names",
    "scene",
    "scene_of",
    "with_data",
    "with_edges",
]
