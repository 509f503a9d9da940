"""The fit view's scene: settings' runs on a data surface -> what the view shows.

Pure NumPy/JAX, no Streamlit or Plotly. For each run: the model curve at a few
frame steps, the training and validation losses, the step of lowest validation
loss (where early stopping stops), and the path projected onto the plane of its
principal directions, over the loss on that plane (a 2-D slice of the loss).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optiviz.core.dynamics import Trajectory
from optiviz.core.surfaces import Surface, datasets
from optiviz.scenes import grids

CURVE_POINTS = 161
PLANE_SIDE = 61
MAX_FRAMES = 60
MARGIN = 0.25
"""The plane's grid extends the paths' span by this share on every side."""


@dataclass(frozen=True)
class FitRun:
    """One run as the fit view shows it; ``curves`` has one row per ``FitScene.frames``."""

    name: str
    colour: str
    curves: np.ndarray
    train: np.ndarray
    validation: np.ndarray
    best_step: int
    plane_path: np.ndarray


@dataclass(frozen=True)
class Plane:
    """The plane center + a u + b v, u and v the columns of ``directions``; ``loss`` is
    the training loss on the (b, a) grid; ``explained`` the share of the paths'
    variance along u and v."""

    center: np.ndarray
    directions: np.ndarray
    explained: np.ndarray
    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class FitScene:
    """Samples, the true signal on ``curve_x``, frame steps, runs and their plane."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    curve_x: np.ndarray
    frames: np.ndarray
    runs: tuple[FitRun, ...]
    plane: Plane
    dim: int


def best_step(validation: np.ndarray) -> int:
    """The step of lowest validation loss (the first, if tied); 0 if none is finite."""
    finite = np.where(np.isfinite(validation), validation, np.inf)
    return int(np.argmin(finite))


def frame_steps(steps: int, most: int = MAX_FRAMES) -> np.ndarray:
    """At most ``most`` steps from 0 to ``steps``, evenly spread, both ends included."""
    return np.unique(np.linspace(0, steps, min(most, steps + 1)).round().astype(int))


def principal_plane(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Center (the mean), the top two principal directions as columns, and their shares
    of the variance, from the finite rows of ``positions`` (a PCA by SVD). Missing
    directions (one parameter, or a path on a line) are filled by unit vectors
    orthogonal to the found ones, with share 0."""
    rows = positions[np.all(np.isfinite(positions), axis=1)]
    center = rows.mean(axis=0)
    _, s, vt = np.linalg.svd(rows - center, full_matrices=True)
    variance = np.zeros(vt.shape[0])
    variance[: len(s)] = s**2
    share = variance / variance.sum() if variance.sum() > 0 else variance
    directions = np.zeros((positions.shape[1], 2))
    k = min(2, vt.shape[0])
    directions[:, :k] = vt[:k].T
    explained = np.zeros(2)
    explained[:k] = share[:k]
    return center, directions, explained


def _axis(coords: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(coords), np.nanmax(coords)
    pad = MARGIN * max(hi - lo, 1e-3)
    return np.linspace(lo - pad, hi + pad, PLANE_SIDE)


def plane_of(surface: Surface, trajectories: Sequence[Trajectory]) -> Plane:
    """The principal plane of all runs' positions together, with the loss on it."""
    stacked = np.concatenate([t.positions for t in trajectories])
    center, directions, explained = principal_plane(stacked)
    coords = (stacked - center) @ directions
    a, b = _axis(coords[:, 0]), _axis(coords[:, 1])
    return Plane(
        center, directions, explained, a, b, grids.plane_grid(surface, center, directions, a, b)
    )


def fit_scene(surface: Surface, runs: Sequence[tuple[str, str, Trajectory]]) -> FitScene:
    """The scene for (name, colour, trajectory) runs on a data surface with a
    ``predict`` model; raises ``ValueError`` for any other surface."""
    ex = surface.extras
    if "predict" not in ex or not runs:
        raise ValueError("the fit view needs runs on a data surface with a model")
    steps = len(runs[0][2].positions) - 1
    frames = frame_steps(steps)
    curve_x = (
        np.linspace(-1.0, 1.0, CURVE_POINTS)
        if "degree" in ex
        else datasets.model_x(surface, CURVE_POINTS)
    )
    plane = plane_of(surface, [tr for _, _, tr in runs])
    fitted = []
    for name, colour, tr in runs:
        validation = datasets.run_validation_losses(surface, tr)
        fitted.append(
            FitRun(
                name=name,
                colour=colour,
                curves=datasets.model_curves(surface, tr.positions[frames], curve_x),
                train=tr.losses,
                validation=validation,
                best_step=best_step(validation),
                plane_path=(tr.positions - plane.center) @ plane.directions,
            )
        )
    return FitScene(
        x_train=np.asarray(ex["x"]),
        y_train=np.asarray(ex["y"]),
        x_val=np.asarray(ex["x_val"]),
        y_val=np.asarray(ex["y_val"]),
        curve_x=curve_x,
        frames=frames,
        runs=tuple(fitted),
        plane=plane,
        dim=surface.dim,
    )
