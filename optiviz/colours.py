"""The runs' colours: per learning-rate preset, and in order for the other runs.

Core data, so a scene (``optiviz.scenes``) can colour its runs without loading the
figure builders; ``optiviz.figures.style`` re-exports them with the figures' other styles.
"""

from __future__ import annotations

PRESET_COLOURS = {
    "too small": "#3b82f6",
    "good": "#16a34a",
    "too large": "#f59e0b",
    "diverging": "#dc2626",
}
"""The comparison view's colour per learning-rate preset."""

PALETTE = ("#3b82f6", "#16a34a", "#f59e0b", "#dc2626", "#9333ea", "#0891b2", "#db2777", "#65a30d")
"""Run colours in order, for runs that are not presets (distinct on light and dark themes)."""

MY_ALPHA_COLOUR = "#9333ea"
"""The comparison view's "my α" run."""


def run_colour(i: int) -> str:
    """Colour of the i-th run."""
    return PALETTE[i % len(PALETTE)]
