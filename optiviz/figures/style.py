"""Colours and sizes shared by every figure."""

from __future__ import annotations

import tomllib

from optiviz.resources import toplevel_path
from optiviz.scenes.colours import (
    MY_ALPHA_COLOUR,
    OKABE_ITO,
    PALETTE,
    PRESET_COLOURS,
    SAFE_RUNS,
    run_colour,
)

__all__ = ["MY_ALPHA_COLOUR", "OKABE_ITO", "PALETTE", "PRESET_COLOURS", "SAFE_RUNS", "run_colour"]

VERDICT_COLOURS = {
    "converged": PRESET_COLOURS["good"],
    "slow": PRESET_COLOURS["too small"],
    "oscillating": PRESET_COLOURS["too large"],
    "diverged": PRESET_COLOURS["diverging"],
}

LANDSCAPE_STOPS = (
    (0.0, (59, 67, 81)),
    (0.25, (96, 104, 119)),
    (0.5, (135, 144, 159)),
    (0.75, (178, 187, 203)),
    (1.0, (227, 236, 253)),
)
"""Colour stops (position, RGB) for the loss background: dark is low. A cool slate ramp
at constant hue (CAM02-UCS lightness J' 30 to 94, a' = -3, b' = -9): it carries the
loss in lightness alone, so every run colour differs from it in hue and chroma."""

LANDSCAPE_SCALE = [[s, f"rgb{c}"] for s, c in LANDSCAPE_STOPS]
"""LANDSCAPE_STOPS as a Plotly colorscale (the 3-D surface)."""

THEMES = tomllib.loads(toplevel_path(".streamlit/config.toml").read_text("utf-8"))["theme"]
"""The app's two themes as ``.streamlit/config.toml`` configures them ([theme.light] and
[theme.dark]): the colours Streamlit draws the page with."""

PAPER = {name: THEMES[name]["backgroundColor"] for name in ("light", "dark")}
"""The page background in each theme, behind the line panels."""

TEXT = {name: THEMES[name]["textColor"] for name in ("light", "dark")}
"""The page's text colour in each theme, which Plotly's legend text follows."""

FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 13}
HEIGHT = 560
BALL_SIZE = 20
"""Diameter in px of each run's ball on the map: visible from the back of a room."""
BALL_OUTLINE = 3
"""Width in px of the ball's outline, in ``OUTLINE``'s colour."""
PATH_WIDTH = 3.0
"""Width in px of each run's whole path on the map (a solid line)."""
PATH_OUTLINE = 2.0
"""Width in px of the contrasting outline on each side of a path (and of its trail)."""
OUTLINE = {"light": "#ffffff", "dark": "#111111"}
"""The outline under paths and around balls, per theme: it contrasts with the page.
Figures are built with the light one; the chart component swaps in the dark one on the
dark theme (traces whose ``meta`` is ``"outline"`` or ``"ball"``)."""
TAIL = 12
"""Steps of trail drawn behind each ball."""

MAX_FRAMES = 150
"""Animation frames at most; longer runs are subsampled evenly."""
FRAME_MS = 30
"""Milliseconds per animation frame when playing."""
