"""The runs' colours: per learning-rate preset, and in order for the other runs.

Core data, so a scene (``optiviz.scenes``) can colour its runs without loading the
figure builders; ``optiviz.figures.style`` re-exports them with the figures' other styles.
"""

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


def run_colour(i: int) -> str:
    """Colour of the i-th run."""
    return PALETTE[i % len(PALETTE)]
