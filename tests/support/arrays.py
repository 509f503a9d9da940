"""Reading the app's typed arrays back in tests: the inverse of
``optiviz.figures.typed.encode_array`` (Plotly's ``{"dtype", "bdata", "shape"}`` spec)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

import numpy as np


def decode_array(spec: Mapping) -> np.ndarray:
    """The inverse of ``encode_array`` (a shape as a list is read too)."""
    a = np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<" + spec["dtype"])
    shape = spec.get("shape", a.shape)
    if isinstance(shape, str):
        shape = [int(n) for n in shape.split(",")]
    return a.reshape(shape)
