"""Colours and sizes shared by every figure."""

from __future__ import annotations

from optiviz.colours import PALETTE, PRESET_COLOURS, run_colour

__all__ = ["PALETTE", "PRESET_COLOURS", "run_colour"]

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
