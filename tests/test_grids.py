"""``grids``: the landscape's values on a grid or a plane, and what they compile."""

from __future__ import annotations

import logging

import jax
import numpy as np
import pytest

from optiviz.core import surfaces
from optiviz.scenes import grids


def _compiles(caplog: pytest.LogCaptureFixture, call) -> list[str]:
    """The XLA programs ``call()`` compiles (JAX's compile log)."""
    caplog.clear()
    jax.config.update("jax_log_compiles", True)
    try:
        with caplog.at_level(logging.DEBUG, logger="jax"):
            call()
    finally:
        jax.config.update("jax_log_compiles", False)
    return [r.getMessage() for r in caplog.records if "Finished XLA compilation" in r.getMessage()]


def test_plane_grid_is_f_on_the_plane() -> None:
    """f(c + a_j u + b_i v) at row i, column j: here f = x^2 + 3 y^2 in closed form."""
    surface = surfaces.from_expression("x^2 + 3*y^2")
    center, directions = np.array([0.5, -0.25]), np.array([[1.0, 0.5], [0.0, 2.0]])
    a, b = np.linspace(-1, 1, 7), np.linspace(-2, 2, 5)
    z = grids.plane_grid(surface, center, directions, a, b)
    x = center[0] + a[None, :] * directions[0, 0] + b[:, None] * directions[0, 1]
    y = center[1] + a[None, :] * directions[1, 0] + b[:, None] * directions[1, 1]
    np.testing.assert_allclose(z, x**2 + 3 * y**2, rtol=1e-6, atol=1e-6)


def test_plane_grid_compiles_only_the_landscape_program(caplog) -> None:
    """The plane's float64 points become float32 in NumPy: a fit lesson's plane heatmap
    compiles f's batched program alone, not a conversion program beside it."""
    surface = surfaces.from_expression("x^2 + 0.543*y^2")  # compiled by no other test
    center, directions = np.zeros(2), np.eye(2)
    a = b = np.linspace(-1, 1, 13)
    names = _compiles(caplog, lambda: grids.plane_grid(surface, center, directions, a, b))
    assert len(names) == 1, names
    assert "convert_element_type" not in names[0]
