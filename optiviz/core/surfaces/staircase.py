"""The ball-down-a-staircase valley: flat treads, smooth risers, a rounded bottom."""

from __future__ import annotations

import jax
import jax.numpy as jnp

STAIR_RISERS = (1.0, 2.0, 3.0, 4.0)
STAIR_HEIGHT = 1.0
STAIR_HALF_WIDTH = 0.15
STAIR_TILT = 0.2
STAIR_BOTTOM = 5.0
STAIR_ROUNDING = 0.15
STAIR_WALL = 0.3


def _smoothstep(u: jax.Array) -> jax.Array:
    """0 for u <= -1, 1 for u >= 1, 3v^2 - 2v^3 (v = (u + 1)/2) between: a C^1 riser."""
    v = jnp.clip((u + 1) / 2, 0.0, 1.0)
    return v * v * (3 - 2 * v)


def staircase(p: jax.Array) -> jax.Array:
    """The ball-down-a-staircase valley.

    f(x, y) = H sum_i S((r_i - x) / w) + s (sqrt(d^2 + (x - 5)^2) - d) + c y^2,
    with S the smoothstep riser, risers r_i = 1, 2, 3, 4 of height H = 1 and
    half-width w = 0.15, a gentle tilt s = 0.2 along the exactly flat treads,
    a rounded bottom at x = 5 of curvature s/d = 4/3, and walls c y^2, c = 0.3.
    Plain GD settles at the bottom for alpha < 2d/s = 1.5, bounces across it
    above that (the tilt keeps every step bounded), and escapes between the
    walls (curvature 2c) for alpha > 1/c = 3.33.
    """
    x, y = p[0], p[1]
    # A Python sum over the four risers: XLA fuses it, where a reduction over a
    # constant array inside a vmapped scan ran ten times slower on CPU.
    steps = STAIR_HEIGHT * sum(_smoothstep((r - x) / STAIR_HALF_WIDTH) for r in STAIR_RISERS)
    d = STAIR_ROUNDING
    tilt = STAIR_TILT * (jnp.sqrt(d**2 + (x - STAIR_BOTTOM) ** 2) - d)
    return steps + tilt + STAIR_WALL * y**2
