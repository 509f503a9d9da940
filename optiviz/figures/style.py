"""Colours and sizes shared by every figure."""

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

VERDICT_COLOURS = {
    "converged": "#16a34a",
    "slow": "#3b82f6",
    "oscillating": "#f59e0b",
    "diverged": "#dc2626",
}

LANDSCAPE_STOPS = (
    (0.0, (13, 8, 135)),
    (0.25, (126, 3, 168)),
    (0.5, (204, 71, 120)),
    (0.75, (248, 149, 64)),
    (1.0, (240, 249, 33)),
)
"""Plasma-like colour stops (position, RGB) for the loss background: dark is low."""

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
