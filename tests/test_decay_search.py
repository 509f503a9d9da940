"""The (alpha, lambda) landscape and search, scored by the final validation loss."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.analysis import decay_search
from optiviz.core import surfaces

STEPS = 100
"""Short runs: over 300 Adam steps at alpha = 0.1, float32 rounding (batched or not)
alone moves the final validation loss by 1%."""


@pytest.fixture(scope="module")
def model() -> surfaces.Surface:
    return surfaces.polynomial_regression(9, seed=303)


def test_landscape_cells_are_the_validation_loss_of_that_run(model) -> None:
    alphas, decays = np.geomspace(1e-3, 0.1, 5), np.geomspace(1e-4, 1.0, 4)
    values = decay_search.decay_landscape(
        model, "adam", alphas=alphas, decays=decays, steps=STEPS, beta1=0.8
    )
    assert values.shape == (5, 4)
    for i, j in ((0, 0), (2, 3), (4, 1)):
        run = optiviz.simulate(
            model, "adam", alpha=alphas[i], weight_decay=decays[j], steps=STEPS, beta1=0.8
        )
        assert values[i, j] == pytest.approx(run.validation_losses[-1], rel=1e-4)
    assert len(set(np.round(values.ravel(), 6))) > 10  # both axes move the score


def test_diverged_runs_score_inf(model) -> None:
    values = decay_search.decay_landscape(
        model, "sgd", alphas=[1e-3, 100.0], decays=[1e-3], steps=STEPS
    )
    assert np.isfinite(values[0, 0]) and values[1, 0] == np.inf


def test_searches_score_by_validation_and_compile_once() -> None:
    model = surfaces.polynomial_regression(9, seed=304)  # a fresh key of the compiled cache
    before = decay_search.TRACES["validation_sweep"]
    ranges = {"alpha_range": (1e-3, 0.1), "decay_range": (1e-4, 1.0)}
    for strategy in ("grid", "random", "bayes"):
        result = decay_search.decay_search(
            strategy, budget=9, surface=model, optimizer="adam", steps=STEPS, seed=1, **ranges
        )
        assert len(result.trials) == 9 and result.k_range == (1e-4, 1.0)
        trial = result.trials[4]
        run = optiviz.simulate(model, "adam", alpha=trial.alpha, weight_decay=trial.k, steps=STEPS)
        assert trial.loss == pytest.approx(run.validation_losses[-1], rel=1e-4)
        assert result.best_so_far[-1] == min(t.loss for t in result.trials)
    assert decay_search.TRACES["validation_sweep"] == before + 1


def test_surfaces_without_validation_data_are_refused() -> None:
    with pytest.raises(ValueError, match="validation"):
        decay_search.decay_landscape("rosenbrock", "sgd", alphas=[0.1], decays=[0.1])


def test_large_landscapes_run_in_chunks_of_one_compiled_size() -> None:
    model = surfaces.polynomial_regression(5, seed=305)
    before = decay_search.TRACES["validation_sweep"]
    alphas, decays = np.geomspace(1e-3, 0.1, 40), np.geomspace(1e-4, 1.0, 30)  # 1200 cells
    values = decay_search.decay_landscape(model, "adam", alphas=alphas, decays=decays, steps=STEPS)
    other = decay_search.decay_landscape(
        model, "adam", alphas=alphas[:35], decays=decays, steps=STEPS
    )
    assert decay_search.TRACES["validation_sweep"] == before + 1
    np.testing.assert_array_equal(other, values[:35])
    for i, j in ((0, 0), (39, 29), (20, 15)):
        run = optiviz.simulate(model, "adam", alpha=alphas[i], weight_decay=decays[j], steps=STEPS)
        assert values[i, j] == pytest.approx(run.validation_losses[-1], rel=1e-4)
