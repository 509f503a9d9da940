"""The 3-D landscape of the lab: the surface is the values, the trials sit on it."""

from __future__ import annotations

import numpy as np
import pytest

from optiviz.analysis.search import Trial
from optiviz.figures.landscape3d import LIFT, landscape_3d_figure, on_surface

ALPHAS = np.geomspace(1e-3, 1.0, 4)
KS = np.geomspace(1e-2, 1.0, 3)
VALUES = np.arange(12, dtype=float).reshape(4, 3)
VALUES[3, 2] = np.inf
TRIALS = [
    Trial(0, 1e-3, 1e-2, 5.0, 5.0),
    Trial(1, 0.1, 0.1, 2.0, 2.0),
    Trial(2, 1.0, 1.0, np.inf, 2.0),
]


def test_surface_is_the_values_over_log_axes_with_diverged_holes() -> None:
    fig = landscape_3d_figure(ALPHAS, KS, VALUES, trials=TRIALS, best=TRIALS[1], y_label="λ")
    surface = fig.data[0]
    np.testing.assert_allclose(surface.x, np.log10(ALPHAS))
    np.testing.assert_allclose(surface.y, np.log10(KS))
    z = np.array(surface.z, dtype=float)
    assert z.shape == (3, 4) and z[1, 2] == VALUES[2, 1] and np.isnan(z[2, 3])
    assert fig.layout.scene.yaxis.title.text == "λ"
    assert [t.name for t in fig.data] == [fig.data[0].name, "trials", "best"]


def test_trials_sit_on_their_nearest_cell_and_diverged_ones_on_top() -> None:
    heights = on_surface(ALPHAS, KS, np.where(np.isfinite(VALUES), VALUES, np.nan), TRIALS)
    assert heights[0] == VALUES[0, 0] and heights[1] == VALUES[2, 1]
    assert heights[2] == np.nanmax(np.where(np.isfinite(VALUES), VALUES, np.nan))
    fig = landscape_3d_figure(ALPHAS, KS, VALUES, trials=TRIALS)
    assert list(fig.data[1].text) == ["1", "2", "3"]


def test_markers_float_above_the_surface_so_it_cannot_hide_half_of_them() -> None:
    fig = landscape_3d_figure(ALPHAS, KS, VALUES, trials=TRIALS, best=TRIALS[1])
    heights = on_surface(ALPHAS, KS, np.where(np.isfinite(VALUES), VALUES, np.nan), TRIALS)
    lift = LIFT * (10.0 - 0.0)  # the finite values run from 0 to 10
    np.testing.assert_allclose(fig.data[1].z, heights + lift)
    # The best is a pin: its foot on its cell, its head above the highest point.
    assert list(fig.data[2].z) == pytest.approx([VALUES[2, 1], 10.0 + 2 * lift]) and lift > 0
    assert list(fig.data[2].x) == [-1.0, -1.0] and fig.data[2].mode == "lines+markers"


def test_the_scene_leaves_room_for_its_colour_bar_and_its_corners() -> None:
    fig = landscape_3d_figure(ALPHAS, KS, VALUES)
    assert fig.layout.scene.domain.x[1] < fig.data[0].colorbar.x < 1
    eye = fig.layout.scene.camera.eye
    assert np.hypot(np.hypot(eye.x, eye.y), eye.z) > np.sqrt(3) * 1.25  # Plotly's default


def test_crowded_trials_are_numbered_only_where_there_is_room() -> None:
    crowded = [
        Trial(0, 0.1, 0.1, 1.0, 1.0),
        Trial(1, 0.105, 0.1, 1.0, 1.0),
        Trial(2, 1e-3, 1e-2, 5.0, 1.0),
    ]
    fig = landscape_3d_figure(ALPHAS, KS, VALUES, trials=crowded)
    assert list(fig.data[1].text) == ["1", "", "3"]
    assert list(fig.data[1].hovertext) == ["trials: trial 1", "trials: trial 2", "trials: trial 3"]


def test_bad_grids_are_refused() -> None:
    with pytest.raises(ValueError, match="shape"):
        landscape_3d_figure(ALPHAS, KS, VALUES.T)
