"""The app's figures for a notebook: core results in, a ``plotly.graph_objects.Figure`` out.

>>> import optiviz, optiviz.figures
>>> runs = optiviz.simulate_many("staircase", "sgd", alphas=[0.055, 0.8, 2.8])
>>> optiviz.figures.animate(*runs, surface="staircase")  # Jupyter shows it, Play and all

``landscape`` and ``range_test`` draw the lab's figures through the app's own builders
(``lab.landscape_figure``, ``lab_range_test.range_test_figure``). ``animate`` is the notebook's own
builder of the top view (``animation.path_animation``): the app's chart and its HTML
download build their frames, readout and Play / Pause in JavaScript (``optiviz/ui/chart``)
from the same static traces (``animation.animation_parts``), which a notebook cannot run,
so here Python builds them and Plotly plays them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from optiviz import scenes
from optiviz.analysis.range_test import RangeTest
from optiviz.analysis.search import SearchResult
from optiviz.core.dynamics import Trajectory
from optiviz.core.surfaces import Surface, datasets, get
from optiviz.figures import lab, lab_range_test
from optiviz.figures.animation import path_animation
from optiviz.figures.runs import Run
from optiviz.figures.style import run_colour
from optiviz.scenes import grids

GRID_POINTS = 161
"""Points per side of the loss background, as on the app's explore page."""

LOSS_LABEL = "final loss (log₁₀)"
STEPS_LABEL = "steps to reach the minimum"


def _runs(trajectories: Sequence[Trajectory], surface: Surface, names) -> list[Run]:
    if names is None:
        names = [f"{tr.optimizer} α={tr.alpha:g}" for tr in trajectories]
    if len(names) != len(trajectories):
        raise ValueError(f"{len(names)} names for {len(trajectories)} trajectories")
    for tr in trajectories:
        if tr.positions.shape[1] != surface.dim:
            raise ValueError(f"a {tr.positions.shape[1]}-D run cannot be drawn on {surface.name}")
    pairs = enumerate(zip(names, trajectories, strict=True))
    return scenes.with_data([Run(name, tr, run_colour(i)) for i, (name, tr) in pairs], surface)


def animate(
    *trajectories: Trajectory,
    surface: str | Surface,
    names: Sequence[str] | None = None,
    cloud: Sequence[Trajectory] = (),
) -> go.Figure:
    """The app's animated view of ``trajectories`` on ``surface`` (a name or a Surface):
    the top view of a 2-D surface or the curve of a 1-D one, the loss and alpha_t per step
    and, on data-defined surfaces, the data and each run's model; one frame per step (at
    most ``style.MAX_FRAMES``), with Play / Pause and a step slider.

    ``names`` label the runs (default "sgd α=0.8"); ``cloud`` runs are drawn as faint
    lines. Raises ValueError for no runs, runs of different lengths or the wrong dimension.
    """
    if not trajectories:
        raise ValueError("animate needs at least one trajectory")
    surface = get(surface)
    runs = _runs(trajectories, surface, names)
    model_x = datasets.model_x(surface) if surface.n_samples is not None else None
    grid = grids.surface_grid(surface, GRID_POINTS)
    return go.Figure(path_animation(runs, surface, grid, cloud=cloud, model_x=model_x))


def landscape(
    alphas: Sequence[float],
    ks: Sequence[float],
    final: np.ndarray,
    first: np.ndarray | None = None,
    *,
    search: SearchResult | None = None,
) -> go.Figure:
    """The lab's (alpha, k) map of ``final`` losses (``optiviz.sweep``, or the first array
    of ``optiviz.landscape``), coloured by log10 final loss; given ``first`` (the second
    array of ``optiviz.landscape``), coloured by steps to reach the minimum instead.
    Diverged cells (inf) are grey; ``search`` numbers its trials and stars its best. Both
    axes are logarithmic, so ``alphas`` and ``ks`` must be positive and increasing.
    """
    final = np.asarray(final, np.float64)
    if first is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            values, label = np.log10(np.maximum(final, 1e-12)), LOSS_LABEL
    else:
        values, label = np.asarray(first, np.float64), STEPS_LABEL
        if values.shape != final.shape:
            raise ValueError(f"final {final.shape} and first {values.shape} differ in shape")
    values = np.where(np.isfinite(final), values, np.inf)
    return lab.landscape_figure(
        np.asarray(alphas, np.float64),
        np.asarray(ks, np.float64),
        values,
        trials=None if search is None else search.trials,
        best=None if search is None else search.best_trial,
        metric_label=label,
    )


def range_test(test: RangeTest) -> go.Figure:
    """The lab's range test: loss against alpha (log x), raw and smoothed, and the
    suggested alpha marked (``test`` from ``optiviz.lr_range_test``)."""
    return lab_range_test.range_test_figure(test)
