"""Surfaces from typed formulas: plot box, start, minimum and presets found on a grid.

The formula is parsed by :mod:`optiviz.surfaces.expressions` (never evaluated as Python);
this module turns the parsed function into a :class:`~optiviz.surfaces.base.Surface`
and remembers the last few (an LRU), so the same text is the same object and its
compiled loops are reused.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.surfaces.base import PRESET_KEYS, Loss, Surface
from optiviz.surfaces.expressions import _normalized, parse

DEFAULT_BOUNDS = (-3.0, 3.0)
DEFAULT_STEPS = 100
GRID_SIDE = {1: 201, 2: 61}
"""Grid points per axis where the start and the minimum are found."""
CURVATURE_SIDE = {1: 101, 2: 21}
"""Grid points per axis where the Hessian is evaluated for the presets."""
PRESET_FACTORS = {"too small": 0.02, "good": 0.5, "too large": 1.9, "diverging": 3.0}
"""Plain-GD learning rates as multiples of 1/L, L the largest curvature in reach."""
ALPHA_RANGE = (1e-5, 300.0)


def from_expression(
    text: str,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    start: Sequence[float] | None = None,
) -> Surface:
    """The Surface of a typed formula; equal arguments give the same object (an LRU).

    Default plot box [-3, 3] per variable; default start halfway from the
    lowest grid point to the farthest corner. ``lr_presets`` are 0.02/L, 0.5/L,
    1.9/L, 3/L for L the largest Hessian eigenvalue at grid points with
    f <= f(start), the region plain GD stays in while it descends. ``minima``
    holds the lowest grid point when :func:`minimum_in_view`, else nothing.
    """
    text = _normalized(text)
    if bounds is not None:
        bounds = tuple(tuple(float(v) for v in row) for row in bounds)
    if start is not None:
        start = tuple(float(v) for v in np.ravel(start))
    return _cached_surface(text, bounds, start)


@lru_cache(maxsize=32)
def _cached_surface(text: str, bounds, start) -> Surface:
    formula = parse(text)
    dim, variables = formula.dim, "x, y" if formula.dim == 2 else "x"
    bounds = _checked_bounds(bounds, dim)
    points = _grid(bounds, GRID_SIDE[dim])
    values = _values(formula.f, points)
    if not np.isfinite(values).any():
        raise ValueError(f"f = {text} is not defined anywhere in the plot box {bounds}")
    start = _checked_start(start, dim) or _auto_start(points, values, bounds)
    curvature = _curvature(formula.f, bounds, start)
    best = _lowest_inside(values, points, GRID_SIDE[dim])
    return Surface(
        name=text,
        f=formula.f,
        dim=dim,
        bounds=bounds,
        start=start,
        default_steps=DEFAULT_STEPS,
        minima=() if best is None else (best,),
        description=(
            f"f({variables}) = {text}, as typed. The largest curvature where the run starts "
            f"is L ≈ {curvature:.3g}, so plain GD is stable for α < 2/L ≈ {2 / curvature:.3g}."
        ),
        lr_presets=_presets(curvature),
        label=f"f({variables}) = {text}",
        equal_axes=dim == 2,
        extras={"formula": text},
    )


def _checked_bounds(bounds, dim: int) -> tuple[tuple[float, float], ...]:
    if bounds is None:
        return (DEFAULT_BOUNDS,) * dim
    ok = len(bounds) == dim and all(len(b) == 2 and b[0] < b[1] for b in bounds)
    if not ok or not np.all(np.isfinite(bounds)):
        raise ValueError(f"bounds must be {dim} finite pair(s) (lo, hi) with lo < hi")
    return bounds


def _checked_start(start, dim: int) -> tuple[float, ...] | None:
    if start is not None and (len(start) != dim or not np.all(np.isfinite(start))):
        raise ValueError(f"start must be {dim} finite number(s)")
    return start


def _grid(bounds, side: int) -> np.ndarray:
    """Grid points (side^dim, dim) over ``bounds``, the first axis varying slowest."""
    axes = [np.linspace(lo, hi, side) for lo, hi in bounds]
    return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)


def _values(f: Loss, points: np.ndarray) -> np.ndarray:
    """f at each point, in float64 NumPy (NaN where f is undefined)."""
    return np.asarray(jax.jit(jax.vmap(f))(jnp.asarray(points, jnp.float32)), np.float64)


def _lowest_inside(values: np.ndarray, points: np.ndarray, side: int) -> tuple | None:
    """The lowest grid point if no edge point is as low and its grid neighbours are finite."""
    dim = points.shape[1]
    core = (slice(1, -1),) * dim
    ok = np.pad(np.isfinite(values).reshape((side,) * dim), 1, constant_values=False)
    inner = ok[core].copy()
    for axis, shift in itertools.product(range(dim), (1, -1)):
        inner &= np.roll(ok, shift, axis)[core]
    inner = inner.ravel()
    if not inner.any() or values[inner].min() > np.nanmin(values):
        return None
    return _rounded(points[np.flatnonzero(inner)[np.argmin(values[inner])]])


def _rounded(point) -> tuple[float, ...]:
    return tuple(round(float(v), 6) for v in point)


def _auto_start(points: np.ndarray, values: np.ndarray, bounds) -> tuple[float, ...]:
    """The grid point halfway from the lowest one to the farthest corner with a higher f."""
    low = int(np.nanargmin(values))
    corners = sorted(itertools.product(*bounds), key=lambda c: -np.linalg.norm(c - points[low]))
    for corner in corners:
        i = int(np.argmin(np.linalg.norm(points - (points[low] + corner) / 2, axis=1)))
        if values[i] > values[low]:
            return _rounded(points[i])
    return _rounded(points[low])


def _curvature(f: Loss, bounds, start: tuple[float, ...]) -> float:
    """Largest Hessian eigenvalue over the grid points with f <= f(start), and start."""
    points = np.concatenate([_grid(bounds, CURVATURE_SIDE[len(bounds)]), [start]])
    values, hessians = jax.jit(jax.vmap(lambda p: (f(p), jax.hessian(f)(p))))(
        jnp.asarray(points, jnp.float32)
    )
    values, hessians = np.asarray(values, np.float64), np.asarray(hessians, np.float64)
    keep = (values <= values[-1]) & np.all(np.isfinite(hessians), axis=(1, 2))
    top = np.linalg.eigvalsh(hessians[keep])[:, -1].max() if keep.any() else math.nan
    return float(top) if math.isfinite(top) and top > 0 else 1.0


def _presets(curvature: float) -> dict[str, float]:
    return {
        key: float(f"{np.clip(PRESET_FACTORS[key] / curvature, *ALPHA_RANGE):.3g}")
        for key in PRESET_KEYS
    }


@lru_cache(maxsize=64)
def minimum_in_view(surface: Surface) -> bool:
    """Whether f's lowest value on a grid over the plot box is reached inside the box.

    False when it lies on the edge or next to where f is undefined (NaN): the
    function keeps falling out of view, and gradient descent runs away.
    """
    points = _grid(surface.bounds, GRID_SIDE[surface.dim])
    values = _values(surface.f, points)
    return (
        np.isfinite(values).any()
        and _lowest_inside(values, points, GRID_SIDE[surface.dim]) is not None
    )


def view_warning(surface: Surface) -> str | None:
    """A sentence for the page when :func:`minimum_in_view` is False, else None."""
    if minimum_in_view(surface):
        return None
    return (
        "This function has no minimum inside the plot: it keeps decreasing towards the edge "
        "(or where it is undefined), so gradient descent will run off and diverge."
    )
