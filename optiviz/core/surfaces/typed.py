"""Surfaces from typed formulas: plot box, start and minimum found on a grid, presets
found by probe runs.

The formula is parsed by :mod:`optiviz.core.surfaces.expressions` (never evaluated as Python);
this module turns the parsed function into a :class:`~optiviz.core.surfaces.base.Surface`
and remembers the last few (an LRU), so the same text is the same object and its
compiled loops are reused.

Presets keep the promise the registered surfaces keep (``tests/test_presets.py``):
plain GD from the start in ``DEFAULT_STEPS`` steps ends with the verdict in
``probe.PROMISES``; :mod:`optiviz.core.surfaces.probe` finds and verifies them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core.surfaces import probe
from optiviz.core.surfaces.base import Loss, Surface
from optiviz.core.surfaces.expressions import _normalized, parse

DEFAULT_BOUNDS = (-3.0, 3.0)
DEFAULT_STEPS = probe.DEFAULT_STEPS
GRID_SIDE = {1: 201, 2: 61}
"""Grid points per axis where the start and the minimum are found."""
CURVATURE_SIDE = {1: 101, 2: 21}
"""Grid points per axis where the Hessian is evaluated for the description's L."""


def from_expression(
    text: str,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    start: Sequence[float] | None = None,
) -> Surface:
    """The Surface of a typed formula; equal arguments give the same object (an LRU).

    Default plot box [-3, 3] per variable; default start halfway from the
    lowest grid point to the farthest corner. ``lr_presets`` holds each label of
    PRESET_KEYS that some rate in ``probe.ALPHA_RANGE`` earns (3 significant figures,
    checked by a run: :mod:`optiviz.core.surfaces.probe`), in increasing order; a label
    no rate earns is left out. ``minima`` holds the lowest grid point when :func:`minimum_in_view`,
    else nothing. ValueError when f is undefined on the whole box, or (only if every
    rounded candidate failed its check) no label is earned at all.
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
    best = _lowest_inside(values, points, GRID_SIDE[dim])
    presets, said = probe.presets(formula.f, start, bounds, text)
    return Surface(
        name=text,
        f=formula.f,
        dim=dim,
        bounds=bounds,
        start=start,
        default_steps=DEFAULT_STEPS,
        minima=() if best is None else (best,),
        description=f"f({variables}) = {text}, as typed. "
        + _curvature_sentence(_curvature(formula.f, bounds, start))
        + said,
        lr_presets=presets,
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
    """f at each point, in float64 NumPy (NaN where f is undefined), in batches of
    ``probe.PROBE_RUNS`` points (the evaluator's one compiled shape)."""
    n, run = len(points), probe.evaluator(f)
    padded = np.pad(np.asarray(points, np.float32), ((0, -n % probe.PROBE_RUNS), (0, 0)), "edge")
    chunks = padded.reshape(-1, probe.PROBE_RUNS, points.shape[1])
    return np.concatenate([np.asarray(run(c)[0], np.float64) for c in chunks])[:n]


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
    """Largest Hessian eigenvalue over the grid points with f <= f(start), and start;
    NaN when none is positive and finite."""
    points = np.concatenate([_grid(bounds, CURVATURE_SIDE[len(bounds)]), [start]])
    values, hessians = jax.jit(jax.vmap(lambda p: (f(p), jax.hessian(f)(p))))(
        jnp.asarray(points, jnp.float32)
    )
    values, hessians = np.asarray(values, np.float64), np.asarray(hessians, np.float64)
    keep = (values <= values[-1]) & np.all(np.isfinite(hessians), axis=(1, 2))
    top = np.linalg.eigvalsh(hessians[keep])[:, -1].max() if keep.any() else math.nan
    return float(top) if math.isfinite(top) and top > 0 else math.nan


def _curvature_sentence(curvature: float) -> str:
    if math.isnan(curvature):
        return "It has no positive curvature below the start's height. "
    return (
        f"Its largest curvature below the start's height is L ≈ {curvature:.3g}, and a bowl "
        f"that steep keeps plain GD stable only for α < 2/L ≈ {2 / curvature:.3g}. "
    )


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
