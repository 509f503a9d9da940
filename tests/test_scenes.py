"""The scene function: settings in, the runs, cloud and data-panel curves out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.core.surfaces import datasets
from optiviz.devtools.examples import staircase_settings
from optiviz.figures.animation import animation_parts
from optiviz.scenes import clouds, grids
from optiviz.scenes.colours import PRESET_COLOURS, run_colour
from optiviz.scenes.explore import MY_ALPHA_COLOUR, scene
from optiviz.scenes.settings import Settings

STAIRCASE = surfaces.get("staircase")


def _settings(**changes) -> Settings:
    return staircase_settings(
        **{
            "mode": "single",
            "compare_optimizers": ("sgd", "adam"),
            "presets": ("too small", "good"),
            "steps": 60,
            "start": STAIRCASE.start,
            **changes,
        }
    )


def test_single_run_is_the_core_run() -> None:
    (run,) = scene(_settings(alpha=0.3)).runs
    core = optiviz.simulate("staircase", "sgd", alpha=0.3, steps=60, start=STAIRCASE.start)
    assert (run.name, run.colour) == ("α=0.3", run_colour(0))
    np.testing.assert_allclose(run.trajectory.positions, core.positions, rtol=1e-6)
    assert run.validation is None and run.model is None


def test_compare_races_the_presets_and_my_alpha() -> None:
    view = scene(_settings(mode="compare", presets=("too small", "good", "my α"), alpha=0.3))
    names = [r.name for r in view.runs]
    small, good = STAIRCASE.lr_presets["too small"], STAIRCASE.lr_presets["good"]
    assert names == [f"too small α={small:g}", f"good α={good:g}", "my α=0.3"]
    assert [r.colour for r in view.runs] == [*PRESET_COLOURS.values()][:2] + [MY_ALPHA_COLOUR]
    assert [r.dash for r in view.runs] == ["solid", "solid", "dot"], "my α reads apart"
    np.testing.assert_allclose(view.runs[-1].trajectory.lrs, 0.3, rtol=1e-6)
    paths = [
        t
        for t in animation_parts(view.runs, STAIRCASE, grids.surface_grid(STAIRCASE, 41)).static
        if t.get("meta") == "path"
    ]
    assert [p["line"]["dash"] for p in paths] == ["solid", "solid", "dot"]


def test_optimizers_mode_runs_each_optimizer_at_alpha() -> None:
    view = scene(_settings(mode="optimizers", alpha=0.05))
    assert [r.trajectory.optimizer for r in view.runs] == ["sgd", "adam"]


def test_seeds_mode_draws_the_mean_over_its_cloud() -> None:
    view = scene(_settings(mode="seeds", noise=1.0, n_seeds=5))
    assert len(view.cloud) == 5
    (mean,) = view.runs
    expected = clouds.mean_path(list(view.cloud)).positions
    np.testing.assert_allclose(mean.trajectory.positions, expected, rtol=1e-6)
    assert len({tuple(c.positions[-1]) for c in view.cloud}) == 5


def test_data_surface_scene_has_validation_and_model_curves() -> None:
    surface = surfaces.get("linear_regression")
    view = scene(_settings(surface="linear_regression", alpha=0.5, start=surface.start))
    (run,) = view.runs
    np.testing.assert_allclose(view.model_x, datasets.model_x(surface))
    expected = datasets.validation_losses(surface, run.trajectory.positions)
    np.testing.assert_allclose(run.validation, expected)
    assert run.model.shape == (61, len(view.model_x))


def test_custom_formula_scene() -> None:
    view = scene(_settings(surface="custom", formula="x**2 + y**2", start=(1.0, 1.0), alpha=0.1))
    np.testing.assert_allclose(view.runs[0].trajectory.positions[1], [0.8, 0.8], rtol=1e-6)
    assert view.surface.dim == 2


def test_bad_formula_is_refused() -> None:
    with pytest.raises(ValueError):
        scene(_settings(surface="custom", formula="x +* y"))


def test_scenes_import_neither_streamlit_nor_plotly() -> None:
    code = "import sys, optiviz.scenes; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    assert "'streamlit'" not in out and "'plotly'" not in out
