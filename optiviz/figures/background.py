"""The loss surface as a pre-rendered image, so animation frames can skip redrawing it."""

from __future__ import annotations

import base64
import functools
import io

import numpy as np
from PIL import Image

from optiviz.figures.style import LANDSCAPE_STOPS

BANDS = 18
"""Colour bands: quantising log-loss gives the look of filled contours."""


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


def png_data_uri(z: np.ndarray) -> str:
    """A data: URI of the PNG of grid ``z`` (rows = y ascending), top row = largest y."""
    z = np.ascontiguousarray(z)
    return _png(z.dtype.str, z.shape, z.tobytes())


@functools.lru_cache(maxsize=16)
def _png(dtype: str, shape: tuple[int, ...], data: bytes) -> str:
    # Every rerun of a surface draws the same background: encode it once (about 6 ms).
    z = np.frombuffer(data, dtype=dtype).reshape(shape)
    image = Image.fromarray(colourise(levels(z))[::-1], mode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
