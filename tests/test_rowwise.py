"""The slice-at-a-time reductions equal NumPy's own along the last axis, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from optiviz.core import rowwise


def _points(dim: int, dtype) -> np.ndarray:
    rng = np.random.default_rng(dim)
    a = (rng.normal(size=(37, 29, dim)) * 10.0 ** rng.integers(-3, 4, (37, 29, dim))).astype(dtype)
    a[3, 5:, 0] = np.nan
    a[4, 9, -1] = np.inf
    a[6, :, :] = -np.inf
    return a


@pytest.mark.parametrize("dim", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_reduction_is_numpys(dim, dtype) -> None:
    a, b = _points(dim, dtype), _points(dim + 7, dtype)[..., :dim]
    np.testing.assert_array_equal(rowwise.finite(a), np.all(np.isfinite(a), axis=-1))
    with np.errstate(invalid="ignore", over="ignore"):
        for radius in (0.5, 30.0):
            want = np.any(np.abs(a) > radius, axis=-1)
            np.testing.assert_array_equal(rowwise.beyond(a, radius), want)
        dot, norm = rowwise.dot(a, b), rowwise.norm(a)
        np.testing.assert_array_equal(dot, np.sum(a * b, axis=-1))
        np.testing.assert_array_equal(norm, np.linalg.norm(a, axis=-1))
    assert dot.dtype == norm.dtype == dtype
    assert rowwise.beyond(a, 0.5).shape == a.shape[:-1]
