"""Colours and sizes shared by every figure."""

from __future__ import annotations

OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
"""The Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2002), built to stay
distinct under the common colour-vision deficiencies."""

PRESET_COLOURS = {
    "too small": OKABE_ITO["blue"],
    "good": OKABE_ITO["bluish green"],
    "too large": OKABE_ITO["orange"],
    "diverging": OKABE_ITO["vermillion"],
}
"""The comparison view's colour per learning-rate preset."""

MY_ALPHA_COLOUR = OKABE_ITO["sky blue"]
"""The race's 'my α' ball."""

PALETTE = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["yellow"],
    "#7F7F7F",
)
"""Run colours in order. The first five are the ones ``tests/test_style.py`` checks
under deuteranopia, protanopia and tritanopia, against each other, the landscape
and both themes' paper; the last three only tell a sixth to eighth run apart."""

SAFE_RUNS = 5
"""How many of PALETTE's colours carry the colour-vision guarantee."""

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

PAPER = {"light": "#ffffff", "dark": "#0e1117"}
"""Streamlit's page background in its two themes, behind the line panels."""

FONT = {"family": "Inter, Source Sans Pro, sans-serif", "size": 13}
HEIGHT = 560
BALL_SIZE = 13
TAIL = 12
"""Steps of trail drawn behind each ball."""

MAX_FRAMES = 150
"""Animation frames at most; longer runs are subsampled evenly."""
FRAME_MS = 30
"""Milliseconds per animation frame when playing."""


def run_colour(i: int) -> str:
    """Colour of the i-th run."""
    return PALETTE[i % len(PALETTE)]
