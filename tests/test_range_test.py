"""The learning-rate range test: geometric rates, smoothing, the divergence stop, the rule."""

import numpy as np
import pytest

import optiviz
from optiviz.analysis.range_test import (
    MIN_DIVISOR,
    lr_range_test,
    smooth,
    stop_index,
    suggest,
    turn,
)
from optiviz.core.dynamics import f_min
from optiviz.core.surfaces import get


def test_rates_grow_geometrically_from_lr_min_to_lr_max():
    r = lr_range_test("double_well", "sgd", lr_min=1e-4, lr_max=1.0, steps=50)
    assert r.stopped_at is None
    expected = 1e-4 * (1e4) ** (np.arange(50) / 49)
    np.testing.assert_allclose(r.lrs, expected, rtol=1e-4)


def test_losses_are_the_run_after_each_step():
    r = lr_range_test("quadratic", "sgd", lr_min=1e-3, lr_max=0.05, steps=40)
    k = -np.log(0.05 / 1e-3) / 39
    run = optiviz.simulate("quadratic", "sgd", alpha=1e-3, schedule="exponential", k=k, steps=40)
    np.testing.assert_allclose(r.losses, run.losses[1:], rtol=1e-6)


def test_smooth_is_the_bias_corrected_ema():
    values = np.array([4.0, 2.0, 1.0])
    beta = 0.5
    expected = [4.0, (0.25 * 4 + 0.5 * 2) / 0.75, (0.125 * 4 + 0.25 * 2 + 0.5 * 1) / 0.875]
    np.testing.assert_allclose(smooth(values, beta), expected)
    np.testing.assert_allclose(smooth(values, 0.0), values)


def test_stop_index_finds_the_first_rise_above_the_factor():
    gaps = np.array([10.0, 5.0, 2.0, 4.0, 7.9, 8.1, 100.0])
    assert stop_index(gaps, 4.0) == 5
    assert stop_index(np.array([3.0, 2.0, np.inf]), 4.0) == 2
    assert stop_index(np.array([3.0, 2.0, 1.0]), 4.0) is None


def test_the_turn_is_the_lowest_smoothed_point_and_the_suggestion_a_tenth_of_it():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0, 10.0])
    smoothed = np.array([10.0, 5.0, 1.0, 1.0 - 1e-3, 1.0 + 1e-3])
    assert turn(lrs, smoothed) == pytest.approx(1.0)
    assert suggest(lrs, smoothed) == pytest.approx(0.1)
    assert MIN_DIVISOR == 10.0


def test_on_a_parabola_the_turn_is_the_last_rate_below_one():
    """SGD on f = x^2: x_{t+1} = (1 - 2 alpha_t) x_t, so the loss falls while alpha_t < 1
    and rises once alpha_t > 1. Unsmoothed, the turn is the largest rate of the ramp below
    1, and the suggestion that rate over ten."""
    r = lr_range_test("parabola", "sgd", lr_min=0.013, lr_max=10.0, steps=28, smoothing=0.0)
    ramp = 0.013 * (10.0 / 0.013) ** (np.arange(28) / 27)
    expected = ramp[ramp < 1].max()
    assert r.turn == pytest.approx(expected, rel=1e-4)
    assert r.suggested == pytest.approx(expected / 10, rel=1e-4)
    assert r.divisor == 10.0
    assert r.losses[np.argmin(r.losses) + 1] > r.losses.min()  # it did turn there


def test_divergence_truncates_every_array():
    r = lr_range_test("parabola", "sgd")
    assert r.stopped_at is not None and r.stopped_at < 199
    assert len(r.lrs) == len(r.losses) == len(r.smoothed) <= r.stopped_at + 1
    assert np.all(np.isfinite(r.losses))
    # The loss at the stop is above factor x the best smoothed (parabola: f_min = 0).
    assert r.smoothed[-1] > r.diverge_factor * r.smoothed.min()


@pytest.mark.parametrize(
    ("surface", "optimizer"),
    [
        ("parabola", "sgd"),
        ("quadratic", "sgd"),
        ("staircase", "sgd"),
        ("rosenbrock", "adam"),
        ("himmelblau", "sgd"),
        ("quadratic", "momentum"),
    ],
)
def test_a_run_at_the_suggested_rate_makes_real_progress(surface, optimizer):
    r = lr_range_test(surface, optimizer)
    assert r.lrs[0] < r.suggested < r.lrs[-1]
    run = optiviz.simulate(surface, optimizer, alpha=r.suggested)
    low = f_min(get(surface))
    assert run.verdict != "diverged"
    assert run.losses[-1] - low < 0.01 * (run.losses[0] - low)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr_min": 0.0},
        {"lr_min": 1.0, "lr_max": 0.1},
        {"steps": 1},
        {"steps": 100_000},
        {"smoothing": 1.0},
        {"diverge_factor": 1.0},
    ],
)
def test_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        lr_range_test("parabola", "sgd", **kwargs)


def test_schedule_knobs_cannot_turn_the_ramp_into_a_staircase():
    plain = lr_range_test("rosenbrock", "sgd", steps=60)
    knobs = lr_range_test("rosenbrock", "sgd", steps=60, staircase=True, every=10, drop=0.5)
    assert np.all(np.diff(knobs.lrs) > 0)
    np.testing.assert_array_equal(knobs.lrs, plain.lrs)


def test_a_start_far_out_stops_at_the_first_step_with_one_rate():
    r = lr_range_test("rosenbrock", "sgd", start=(1000.0, 1000.0))
    assert r.stopped_at == 0 and r.lrs.size == r.losses.size == r.smoothed.size == 1


@pytest.mark.parametrize(("surface", "optimizer"), [("rosenbrock", "adam"), ("staircase", "sgd")])
def test_a_longer_scan_gives_the_same_test_bit_for_bit(surface, optimizer):
    """The lab runs its range test in its searches' scan (``bucket``) to share their
    program; the test is the same run, so every number it shows is the same."""
    short = lr_range_test(surface, optimizer, steps=200)
    for bucket in (512, 1024):
        long = lr_range_test(surface, optimizer, steps=200, bucket=bucket)
        np.testing.assert_array_equal(long.lrs, short.lrs)
        np.testing.assert_array_equal(long.losses, short.losses)
        assert (long.turn, long.suggested, long.stopped_at) == (
            short.turn,
            short.suggested,
            short.stopped_at,
        )


@pytest.mark.parametrize("bucket", [128, 300])
def test_a_bucket_that_is_not_a_scan_length_holding_the_steps_is_refused(bucket):
    with pytest.raises(ValueError, match="bucket"):
        lr_range_test("quadratic", "sgd", steps=200, bucket=bucket)
