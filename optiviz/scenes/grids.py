"""Loss values on a regular grid over a surface's plot box, for drawing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jax
import numpy as np

from optiviz.core.surfaces import Surface, get


@dataclass(frozen=True)
class Grid:
    """``axes``: one 1-D array per parameter; ``z``: f on the grid, shape (len(y), len(x))
    for 2-D surfaces (rows are y) and (len(x),) for curves. Non-finite values stay NaN.
    """

    axes: tuple[np.ndarray, ...]
    z: np.ndarray


@lru_cache(maxsize=32)
def _batched(surface: Surface):
    return jax.jit(jax.vmap(surface.f))


@lru_cache(maxsize=32)
def surface_grid(surface: Surface | str, n: int = 121) -> Grid:
    """f on an n-point-per-side grid spanning ``surface.bounds``."""
    surface = get(surface)
    axes = tuple(np.linspace(lo, hi, n, dtype=np.float32) for lo, hi in surface.bounds)
    mesh = np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="xy")], axis=1)
    z = np.asarray(_batched(surface)(mesh), np.float64)
    z[~np.isfinite(z)] = np.nan
    shape = (n,) if surface.dim == 1 else (n, n)
    return Grid(axes, z.reshape(shape))


def plane_grid(
    surface: Surface, center: np.ndarray, directions: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """f(center + a_j u + b_i v) on the plane spanned by ``directions`` = (u, v) columns:
    shape (len(b), len(a)), rows are b. Non-finite values become NaN."""
    aa, bb = np.meshgrid(a, b, indexing="xy")
    points = center + aa.reshape(-1, 1) * directions[:, 0] + bb.reshape(-1, 1) * directions[:, 1]
    z = np.asarray(_batched(surface)(points.astype(np.float32)), np.float64)
    z[~np.isfinite(z)] = np.nan
    return z.reshape(aa.shape)
