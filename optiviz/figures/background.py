"""The loss surface as a pre-rendered image, so animation frames can skip redrawing it.

The image is banded like filled contours, with an anti-aliased line on every band
edge, and rendered from a grid of IMAGE_SIDE points per side: four times the 161 of
the old picture, about the map's width on a high-density screen, so it stays crisp
when the browser scales it.
"""

from __future__ import annotations

import base64
import functools
import io

import numpy as np
from PIL import Image

from optiviz.figures.style import LANDSCAPE_STOPS

BANDS = 18
"""Colour bands: quantising log-loss gives the look of filled contours."""

IMAGE_SIDE = 641
"""Grid points per side of the background image."""

LINE_WIDTH = 1.2
"""Width of a contour line in image pixels."""

LINE_SHADE = 0.35
"""How far a contour line darkens the band colour under it (0: none, 1: black)."""


def levels(z: np.ndarray) -> np.ndarray:
    """log(1 + z - min z), scaled to [0, 1]; NaN stays NaN. Spreads the low valleys."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.full_like(z, np.nan, dtype=np.float64)
    lifted = np.log1p(np.maximum(z - finite.min(), 0.0))
    top = np.nanmax(lifted)
    return lifted / top if top > 0 else np.zeros_like(lifted)


def colourise(u: np.ndarray, bands: int = BANDS, stops=LANDSCAPE_STOPS) -> np.ndarray:
    """RGBA uint8 image of values in [0, 1] through ``stops`` (position, RGB), quantised
    to bands."""
    rgb = np.array([c for _, c in stops], dtype=np.float64)
    stops = np.array([s for s, _ in stops])
    q = np.floor(np.nan_to_num(u, nan=1.0) * bands).clip(0, bands - 1) / (bands - 1)
    channels = [np.interp(q, stops, rgb[:, i]) for i in range(3)]
    alpha = np.where(np.isfinite(u), 255.0, 0.0)
    return np.stack([*channels, alpha], axis=-1).astype(np.uint8)


def contour_coverage(u: np.ndarray, bands: int = BANDS, width: float = LINE_WIDTH) -> np.ndarray:
    """How much of each pixel a band-edge line covers, in [0, 1].

    With v = bands * u, a pixel's distance to the nearest edge v = k is
    |v - round(v)| / |grad v| pixels (first order); coverage falls linearly from 1 on
    the line to 0 at width / 2 + 1/2, which anti-aliases it. Edges at v = 0 and
    v = bands (the lowest and highest loss) are not drawn.
    """
    v = np.nan_to_num(u, nan=0.0) * bands
    gy, gx = np.gradient(v)
    slope = np.hypot(gx, gy)
    nearest = np.round(v)
    distance = np.abs(v - nearest) / np.maximum(slope, 1e-12)
    coverage = np.clip(width / 2 + 0.5 - distance, 0.0, 1.0)
    inner = (nearest > 0) & (nearest < bands) & np.isfinite(u)
    return np.where(inner, coverage, 0.0)


SHADES = 6
"""Coverage levels a contour line is drawn with: enough to anti-alias it, few enough that
the image is a palette PNG of BANDS * SHADES colours (a fifth of the RGBA size)."""


def render(z: np.ndarray) -> Image.Image:
    """Palette image of grid ``z`` (rows = y ascending, so flipped: top row = largest y):
    each pixel is its band's colour darkened by the contour coverage, in SHADES steps;
    where f is undefined it is transparent."""
    u = levels(z)[::-1]
    band = np.floor(np.nan_to_num(u, nan=0.0) * BANDS).clip(0, BANDS - 1).astype(np.int64)
    shade = np.round(contour_coverage(u) * (SHADES - 1)).astype(np.int64)
    index = np.where(np.isfinite(u), band * SHADES + shade, BANDS * SHADES)
    colours = colourise((np.arange(BANDS) + 0.5)[:, None] / BANDS)[:, 0, :3].astype(float)
    dark = 1.0 - LINE_SHADE * np.arange(SHADES) / (SHADES - 1)
    palette = np.round(colours[:, None, :] * dark[None, :, None]).reshape(-1, 3)
    image = Image.fromarray(index.astype(np.uint8), mode="P")
    image.putpalette([*palette.astype(np.uint8).ravel().tolist(), 0, 0, 0])
    image.info["transparency"] = BANDS * SHADES
    return image


def png_data_uri(z: np.ndarray) -> str:
    """A data: URI of the PNG of grid ``z`` (rows = y ascending), top row = largest y."""
    z = np.ascontiguousarray(z)
    return _png(z.dtype.str, z.shape, z.tobytes())


@functools.lru_cache(maxsize=16)
def _png(dtype: str, shape: tuple[int, ...], data: bytes) -> str:
    # Every rerun of a surface draws the same background: encode it once.
    z = np.frombuffer(data, dtype=dtype).reshape(shape)
    buffer = io.BytesIO()
    render(z).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
