"""Grid, random and Bayesian search over (alpha, k)."""

import math

import numpy as np
import pytest

import optiviz
from optiviz.analysis.search import SURROGATE_SIDE, default_grid, search
from optiviz.core import limits

ROSENBROCK = {
    "surface": "rosenbrock",
    "optimizer": "sgd",
    "alpha_range": (1e-5, 1e-2),
    "k_range": (1e-4, 1e-1),
}


def test_grid_is_the_log_spaced_lattice_alpha_outer():
    r = search("grid", budget=16, **ROSENBROCK)
    assert len(r.trials) == 16
    alphas = np.geomspace(1e-5, 1e-2, 4)
    ks = np.geomspace(1e-4, 1e-1, 4)
    np.testing.assert_allclose([t.alpha for t in r.trials], np.repeat(alphas, 4), rtol=1e-12)
    np.testing.assert_allclose([t.k for t in r.trials], np.tile(ks, 4), rtol=1e-12)
    assert [t.index for t in r.trials] == list(range(16))


def test_grid_budget_that_is_not_a_square_uses_the_largest_square_below():
    assert len(search("grid", budget=20, **ROSENBROCK).trials) == 16
    one = search("grid", budget=1, **ROSENBROCK).trials
    assert len(one) == 1 and one[0].alpha == pytest.approx(math.sqrt(1e-5 * 1e-2))


def test_random_is_reproducible_for_a_seed_and_differs_across_seeds():
    a = search("random", budget=10, seed=3, **ROSENBROCK)
    b = search("random", budget=10, seed=3, **ROSENBROCK)
    c = search("random", budget=10, seed=4, **ROSENBROCK)
    assert a.trials == b.trials
    assert [t.alpha for t in a.trials] != [t.alpha for t in c.trials]
    alphas = np.array([t.alpha for t in a.trials])
    assert np.all((alphas >= 1e-5) & (alphas <= 1e-2))


def test_bayes_is_reproducible_for_a_seed():
    a = search("bayes", budget=8, seed=1, **ROSENBROCK)
    b = search("bayes", budget=8, seed=1, **ROSENBROCK)
    assert a.trials == b.trials


@pytest.mark.parametrize("strategy", ["grid", "random", "bayes"])
def test_trial_losses_equal_simulate(strategy):
    r = search(strategy, budget=9, seed=2, **ROSENBROCK)
    for t in r.trials:
        run = optiviz.simulate("rosenbrock", "sgd", alpha=t.alpha, schedule="exponential", k=t.k)
        assert t.loss == (math.inf if run.verdict == "diverged" else run.losses[-1])
    assert any(t.loss == math.inf for t in r.trials) or strategy == "bayes"


def test_bouncing_trials_equal_simulate_bit_for_bit():
    """A bouncing run on Rosenbrock is chaotic: a vmapped batch rounds differently in
    float32 and parts ways with the single run after a few hundred steps. The trials run
    through simulate's own program, so they are its runs exactly."""
    box = {"alpha_range": (2e-3, 5e-3), "k_range": (1e-5, 1e-3)}
    r = search("grid", budget=9, **{**ROSENBROCK, **box})
    runs = [
        optiviz.simulate("rosenbrock", "sgd", alpha=t.alpha, schedule="exponential", k=t.k)
        for t in r.trials
    ]
    assert sum(run.verdict == "oscillating" for run in runs) >= 2
    assert [t.loss for t in r.trials] == [run.losses[-1] for run in runs]


def test_best_is_the_running_minimum_and_best_trial_the_lowest():
    r = search("random", budget=12, seed=0, **ROSENBROCK)
    losses = np.array([t.loss for t in r.trials])
    np.testing.assert_array_equal(r.best_so_far, np.minimum.accumulate(losses))
    assert r.best_trial.loss == losses.min()
    assert r.best_trial.index == int(np.argmin(losses))


def test_bayes_snapshots_record_the_surrogate_before_each_chosen_trial():
    r = search("bayes", budget=9, seed=0, **ROSENBROCK)
    assert [s.index for s in r.snapshots] == [5, 6, 7, 8]
    for snap in r.snapshots:
        assert snap.mean.shape == snap.std.shape == snap.ei.shape == (SURROGATE_SIDE,) * 2
        assert len(snap.trials) == snap.index
        chosen = r.trials[snap.index]
        assert (chosen.alpha, chosen.k) == (snap.next_alpha, snap.next_k)
        assert np.all(snap.std >= 0) and np.all(snap.ei >= 0)
        np.testing.assert_allclose(snap.alphas, np.geomspace(1e-5, 1e-2, SURROGATE_SIDE))


@pytest.mark.parametrize(
    "case",
    [
        ROSENBROCK,
        {
            "surface": "beale",
            "optimizer": "sgd",
            "alpha_range": (1e-4, 1.0),
            "k_range": (1e-4, 0.1),
        },
    ],
)
def test_bayes_beats_random_in_the_median_over_seeds(case):
    def median_best(strategy):
        return np.median(
            [search(strategy, budget=20, seed=s, **case).best_trial.loss for s in range(7)]
        )

    assert median_best("bayes") < median_best("random")


def test_default_grid_is_log_spaced_with_endpoints():
    alphas, ks = default_grid((1e-4, 1.0), (1e-3, 1e-1))
    assert alphas.shape == ks.shape == (128,)
    np.testing.assert_allclose(np.diff(np.log(alphas)), np.log(1e4) / 127)
    assert (alphas[0], alphas[-1], ks[0], ks[-1]) == pytest.approx((1e-4, 1.0, 1e-3, 1e-1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"strategy": "anneal"}, "unknown strategy"),
        ({"budget": 0}, "budget"),
        ({"budget": limits.MAX_SEARCH_BUDGET + 1}, "budget"),
        ({"alpha_range": (0.0, 1.0)}, "alpha_range"),
        ({"alpha_range": (1.0, 0.1)}, "alpha_range"),
        ({"k_range": (1e-3, math.inf)}, "k_range"),
        ({"surface": "nowhere"}, "unknown surface"),
    ],
)
def test_rejects_bad_input(change, message):
    kwargs = {"strategy": "grid", "budget": 9, **ROSENBROCK, **change}
    strategy = kwargs.pop("strategy")
    with pytest.raises(ValueError, match=message):
        search(strategy, **kwargs)
