"""Compact codes for the arrays the chart's families carry (``chart_sliders.family_chart``).

Positions as uint16 codes over a box three times the view's (``quantised``), non-negative
readout values as uint16 codes of their 3 significant digits (``decimal3``), and any array
deflated into a zlib stream after a delta or byte-shuffle filter (``packed``). Each code
has its inverse here, as the chart's JavaScript (``ui/chart/decode.js``) decodes it.
"""

from __future__ import annotations

import base64

import numpy as np
from isal import isal_zlib

GAP = 65535
"""A quantised position's code for "no point" (NaN: after a divergence)."""

LEVELS = 65534
"""Codes 0..LEVELS span a box three times the view's on each axis (the view's, and as much
again beyond each edge), so a path that leaves the map keeps its direction over the edge:
a position's error is at most 3 / (2 × LEVELS) ≈ 1/43690 of the view's span."""


ZLEVEL = 1
"""ISA-L's level for the families (``isal_zlib``: Intel's ISA-L deflate, which writes the
zlib format that ``zlib`` and the browser's ``DecompressionStream`` read). For a k move's
121-member α family (290 kB before deflate): 0.38 ms against zlib level 1's 2.1 ms, for
1 % more bytes; ISA-L's level 0 saves 0.06 ms for 23 % more bytes, and zlib's level 6 is
9 % smaller for 11 times the CPU (``python -m bench.load packing``)."""


def packed(values, dtype: str, filter_: str | None = None) -> dict:
    """A typed-array spec whose bytes are deflated (a zlib stream, in base64):
    ``{"dtype", "shape", "zdata"}``, with ``"filter"`` "delta" (uint16 differences along
    the last axis but one, mod 2^16: smooth paths compress to a third) or "shuffle" (the
    bytes of each float32 grouped by their place, so exponents compress apart from
    mantissas)."""
    shape = np.shape(values)
    zdata = base64.b64encode(isal_zlib.compress(filtered(values, dtype, filter_), ZLEVEL))
    spec = {"dtype": dtype, "shape": list(shape), "zdata": zdata.decode("ascii")}
    return spec | ({"filter": filter_} if filter_ else {})


def filtered(values, dtype: str, filter_: str | None = None) -> bytes:
    """The bytes ``packed`` deflates: ``values`` as little-endian ``dtype``, through the
    "delta" or "shuffle" filter."""
    a = np.ascontiguousarray(values, dtype="<" + dtype)
    raw = a
    if filter_ == "delta":
        raw = np.diff(a.astype(np.int64), axis=-2, prepend=0).astype("<u2")
    elif filter_ == "shuffle":
        raw = a.view(np.uint8).reshape(-1, a.itemsize).T
    return np.ascontiguousarray(raw).tobytes()


DECIMAL_ZERO, DECIMAL_INF, DECIMAL_NAN = 65533, 65534, 65535
"""``decimal3``'s codes for 0 (and values below 1e-40), +inf and NaN."""

_EXPONENTS = (-324, 308)
"""The decimal exponents of positive finite float64 values (floor of log10)."""
_POW10 = 10.0 ** (np.arange(_EXPONENTS[0], _EXPONENTS[1] + 1, dtype=np.float64) - 2)
"""10^(e - 2) for each e of ``_EXPONENTS``, computed once as ``10.0 ** (e - 2)`` is: a
table read is a third of ``decimal3``'s time where the power was computed per value."""


def decimal3(values) -> np.ndarray:
    """Non-negative values rounded to the 3 significant digits the readout writes, as
    uint16 codes (exponent e from -40 to 23, mantissa m from 100 to 999: code
    (e + 40) · 1000 + m − 100, for m · 10^(e − 2)); see ``DECIMAL_ZERO``. The chart writes
    a decoded value with 3 digits exactly as it writes the float32 it stands for."""
    v = np.asarray(values, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.floor(np.log10(np.where(v > 0, v, 1.0)))
        m = np.round(v / _POW10[np.clip(e, *_EXPONENTS).astype(np.intp) - _EXPONENTS[0]])
        e, m = np.where(m >= 1000, e + 1, e), np.where(m >= 1000, 100, m)
    codes = (np.clip(e, -40, 23) + 40) * 1000 + np.clip(m, 100, 999) - 100
    codes = np.where((v > 0) & (e >= -40), codes, DECIMAL_ZERO)
    codes = np.where(np.isposinf(v), DECIMAL_INF, codes)
    return np.where(np.isnan(v), DECIMAL_NAN, codes).astype("<u2")


def undecimal3(codes: np.ndarray) -> np.ndarray:
    """The inverse of ``decimal3`` (the chart's decode.js does the same)."""
    c = np.asarray(codes, np.int64)
    e, m = c // 1000 - 40, c % 1000 + 100
    with np.errstate(over="ignore"):
        values = np.where(
            e >= 2, m * 10.0 ** np.maximum(e - 2, 0), m / 10.0 ** np.maximum(2 - e, 0)
        )
    values = np.where(c == DECIMAL_ZERO, 0.0, values)
    values = np.where(c == DECIMAL_INF, np.inf, values)
    return np.where(c == DECIMAL_NAN, np.nan, values)


def quantised(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Positions on [lo, hi] (the view's range on one axis) as uint16 codes over the box
    ``LEVELS`` describes; NaN as ``GAP``, a position beyond the wide box at its edge."""
    span = hi - lo
    wide_lo, wide = lo - span, 3 * span
    with np.errstate(invalid="ignore"):
        codes = np.clip(np.round((values - wide_lo) / wide * LEVELS), 0, LEVELS)
    return np.where(np.isfinite(values), codes, GAP).astype("<u2")


def dequantised(codes: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The inverse of ``quantised`` (``GAP`` to NaN), as the chart's JavaScript decodes it."""
    span = hi - lo
    values = (lo - span) + codes.astype(np.float64) * (3 * span / LEVELS)
    return np.where(codes == GAP, np.nan, values)
