"""simulate, simulate_many, landscape and sweep: closed forms, verdicts, caching, validation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, limits, optimizers, schedules, surfaces, verdicts
from optiviz.core.surfaces import staircase

X0 = 1.5


def gd_parabola(alpha: float, steps: int) -> np.ndarray:
    """x_t = (1 - 2 alpha)^t x0, in float64."""
    return (1 - 2 * alpha) ** np.arange(steps + 1) * X0


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3, 0.45, 0.5, 0.7, 0.95])
def test_parabola_closed_form(alpha: float) -> None:
    run = optiviz.simulate("parabola", "sgd", alpha=alpha, start=[X0], steps=25)
    assert run.positions.shape == (26, 1)
    np.testing.assert_allclose(run.positions[:, 0], gd_parabola(alpha, 25), rtol=1e-5, atol=1e-30)
    assert run.diverged_at is None


def test_parabola_alpha_one_oscillates() -> None:
    run = optiviz.simulate("parabola", "sgd", alpha=1.0, start=[X0], steps=40)
    assert run.verdict == "oscillating"
    np.testing.assert_array_equal(np.abs(run.positions[:, 0]), X0)
    np.testing.assert_array_equal(np.sign(run.positions[:, 0]), (-1.0) ** np.arange(41))


@pytest.mark.parametrize("alpha", [1.05, 1.2, 1.5, 3.0])
def test_parabola_diverges_at_closed_form_step(alpha: float) -> None:
    steps = 200
    closed = gd_parabola(alpha, steps)
    expected = int(np.flatnonzero(np.abs(closed) > limits.DIVERGENCE_RADIUS)[0])
    run = optiviz.simulate("parabola", "sgd", alpha=alpha, start=[X0], steps=steps)
    assert run.verdict == "diverged"
    assert run.diverged_at == expected
    assert run.label == f"diverged at step {expected}"
    # float32 rounding compounds over up to 140 steps: about 1e-5 relative
    np.testing.assert_allclose(run.positions[:expected, 0], closed[:expected], rtol=1e-4)
    assert np.all(np.isnan(run.positions[expected:]))
    assert np.all(np.isnan(run.losses[expected:]))


def rosenbrock_np(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad_np(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_losses_and_grads_are_f_and_its_gradient(name: str) -> None:
    alpha = {"sgd": 1e-3, "adam": 0.02}[name]
    run = optiviz.simulate("rosenbrock", name, alpha=alpha, start=[-1.2, 1.0], steps=50)
    np.testing.assert_allclose(run.losses, rosenbrock_np(run.positions), rtol=1e-5)
    np.testing.assert_allclose(run.grads, rosenbrock_grad_np(run.positions[:-1]), rtol=1e-4)
    np.testing.assert_allclose(
        run.step_lengths, np.linalg.norm(np.diff(run.positions, axis=0), axis=1)
    )


# verdicts.classify on hand-made paths


def line(n: int, step: float = 0.1) -> np.ndarray:
    """A path moving the same way by ``step`` each time: n steps, n + 1 points."""
    return np.stack([np.arange(n + 1) * step, np.zeros(n + 1)], axis=1)


def zigzag(n: int, amplitude: float = 1.0) -> np.ndarray:
    return np.stack([amplitude * (-1.0) ** np.arange(n + 1), np.zeros(n + 1)], axis=1)


def test_classify_diverged_wins() -> None:
    assert verdicts.classify(np.zeros((11, 2)), 1.0, 0.0, 1.0, diverged_at=3) == "diverged"


def test_classify_converged_needs_small_gradient_and_small_tail_steps() -> None:
    settled = np.concatenate([line(20), np.full((30, 2), 2.0)])
    assert verdicts.classify(settled, 1.0, verdicts.GRAD_TOL, 1.0, None) == "converged"
    assert verdicts.classify(settled, 1.0, 2 * verdicts.GRAD_TOL, 1.0, None) == "slow"
    tiny = line(50, step=0.5 * verdicts.STEP_TOL)
    assert verdicts.classify(tiny, 1.0, 0.0, 1.0, None) == "converged"
    assert verdicts.classify(line(50, step=2 * verdicts.STEP_TOL), 1.0, 0.0, 1.0, None) == "slow"
    # the step tolerance is relative to the plot box
    assert verdicts.classify(line(50, step=2 * verdicts.STEP_TOL), 1.0, 0.0, 10.0, None) == (
        "converged"
    )


def test_classify_oscillating_and_slow() -> None:
    assert verdicts.classify(zigzag(40), 1.0, 2.0, 1.0, None) == "oscillating"
    assert verdicts.classify(line(40), 1.0, 2.0, 1.0, None) == "slow"


def test_classify_looks_only_at_the_tail_window() -> None:
    # 100 steps: the window is the last max(5, 100 // 10) = 10 steps
    zig_then_line = np.concatenate([zigzag(90), line(10)[1:] + [1.0, 0.0]])
    line_then_zig = np.concatenate([line(90), line(90)[-1] + zigzag(10)[1:] - [1.0, 0.0]])
    assert len(zig_then_line) == len(line_then_zig) == 101
    assert verdicts.classify(zig_then_line, 1.0, 2.0, 1.0, None) == "slow"
    assert verdicts.classify(line_then_zig, 1.0, 2.0, 1.0, None) == "oscillating"


def test_classify_reversal_share_threshold() -> None:
    # tail of 10 moves has 9 consecutive pairs; reversals in 5 of them (>= half) oscillate
    moves = np.array([1, -1, 1, -1, 1, -1, -1, -1, -1, -1], float)
    path = np.concatenate([[0.0], np.cumsum(moves)])
    path = np.concatenate([np.zeros(90), path])
    path2d = np.stack([path, np.zeros_like(path)], axis=1)
    assert verdicts.classify(path2d, 1.0, 2.0, 1.0, None) == "oscillating"
    moves[4] = -1  # now 4 of 9 pairs reverse
    path = np.concatenate([np.zeros(90), [0.0], np.cumsum(moves)])
    path2d = np.stack([path, np.zeros_like(path)], axis=1)
    assert verdicts.classify(path2d, 1.0, 2.0, 1.0, None) == "slow"


def test_first_bad() -> None:
    positions = np.zeros((6, 2))
    losses = np.zeros(6)
    assert verdicts.first_bad(positions, losses, 10.0) is None
    positions[4, 1] = 11.0
    assert verdicts.first_bad(positions, losses, 10.0) == 4
    losses[2] = np.inf
    assert verdicts.first_bad(positions, losses, 10.0) == 2
    positions[1, 0] = np.nan
    assert verdicts.first_bad(positions, losses, 10.0) == 1


# the staircase lesson

STAIRS = surfaces.get("staircase")


def stair_run(preset: str) -> optiviz.Trajectory:
    return optiviz.simulate("staircase", "sgd", alpha=STAIRS.lr_presets[preset])


def test_staircase_too_small_is_slow_and_still_on_the_stairs() -> None:
    run = stair_run("too small")
    assert run.verdict == "slow"
    assert len(run.positions) == STAIRS.default_steps + 1
    assert STAIRS.start[0] < run.positions[-1, 0] < max(staircase.STAIR_RISERS)


def test_staircase_good_converges_at_the_bottom() -> None:
    run = stair_run("good")
    assert run.verdict == "converged"
    np.testing.assert_allclose(run.positions[-1], STAIRS.minima[0], atol=1e-3)


def test_staircase_too_large_leaps_and_bounces() -> None:
    run = stair_run("too large")
    assert run.verdict == "oscillating"
    x = run.positions[:, 0]
    risers = np.asarray(staircase.STAIR_RISERS)
    crossed = [
        np.sum((risers > min(a, b)) & (risers < max(a, b)))
        for a, b in zip(x[:-1], x[1:], strict=True)
    ]
    assert max(crossed) >= 2  # one step clears two risers: it leapt over a whole tread
    tail = x[-20:] - staircase.STAIR_BOTTOM
    assert np.all(np.abs(tail) < 0.5)
    assert np.all(np.sign(tail[1:]) == -np.sign(tail[:-1]))  # across the bottom every step
    assert np.min(np.abs(tail)) > 0.1  # and never settling


def test_staircase_diverging_diverges() -> None:
    run = stair_run("diverging")
    assert run.verdict == "diverged"
    assert run.diverged_at is not None


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def test_staircase_slow_loss_curve_shows_terraces() -> None:
    drop = -np.diff(stair_run("too small").losses)
    assert np.all(drop > -1e-6)  # GD on a tread never climbs
    big = runs_of(drop > 0.1)
    assert len(big) >= 2
    for (_, end), (start, _) in zip(big[:-1], big[1:], strict=True):
        flat = drop[end:start]
        assert len(flat) >= 20
        assert np.all(flat < 0.03)


# compilation


def fresh(name: str) -> surfaces.Surface:
    """A copy of a registered surface: a new identity, so a new compile cache entry."""
    return dataclasses.replace(surfaces.get(name))


def test_moving_sliders_never_retraces() -> None:
    surface = fresh("himmelblau")
    before = engine.TRACES["trajectory"]
    optiviz.simulate(surface, "momentum", alpha=0.01, steps=40)
    assert engine.TRACES["trajectory"] == before + 1
    variants = [
        {"alpha": 0.02},
        {"alpha": 0.005, "k": 0.1, "schedule": "exponential"},
        {"alpha": 0.01, "k": 0.3, "schedule": "inverse_time", "staircase": True, "every": 5},
        {"alpha": 0.01, "schedule": "step", "drop": 0.3, "every": 7},
        {"alpha": 0.01, "momentum": 0.5, "steps": 64},
        {"alpha": 0.01, "steps": 33, "noise": 0.5, "seed": 4},
        {"alpha": 0.01, "start": [1.0, -2.0]},
    ]
    for variant in variants:
        optiviz.simulate(surface, "momentum", **{"steps": 40, **variant})
    assert engine.TRACES["trajectory"] == before + 1
    optiviz.simulate(surface, "momentum", alpha=0.01, steps=65)  # the next bucket compiles once
    assert engine.TRACES["trajectory"] == before + 2


def test_batches_and_landscapes_never_retrace() -> None:
    surface = fresh("himmelblau")
    before = engine.TRACES.copy()
    optiviz.simulate_many(surface, "adam", alphas=[0.01, 0.02, 0.03], steps=30)
    optiviz.landscape(surface, "adam", alphas=[0.01, 0.1], ks=[0.0, 0.1, 0.2], steps=30)
    after_first = engine.TRACES.copy()
    assert after_first["trajectory"] == before["trajectory"] + 1
    assert after_first["sweep"] == before["sweep"] + 1
    optiviz.simulate_many(
        surface, "adam", alphas=[0.5, 0.2, 0.1], k=[0.1, 0.2, 0.3], schedule="step", steps=50
    )
    optiviz.landscape(
        surface,
        "adam",
        alphas=[0.3, 0.2],
        ks=[0.5, 0.6, 0.7],
        schedule="inverse_time",
        steps=60,
        beta1=0.5,
        tol=0.1,
    )
    assert after_first == engine.TRACES


# sweep, landscape and simulate_many agree with simulate


def final_loss(run: optiviz.Trajectory) -> float:
    return np.inf if run.diverged_at is not None else float(run.losses[-1])


@pytest.mark.parametrize(
    ("name", "alphas"), [("sgd", [1e-4, 1e-3, 4e-3, 1e-2]), ("adam", [0.01, 0.1, 0.5])]
)
def test_sweep_equals_simulate_cell_by_cell(name: str, alphas: list[float]) -> None:
    ks = [0.0, 0.01, 0.1]
    start, steps = [-1.2, 1.0], 60
    grid = optiviz.sweep(
        "rosenbrock", name, alphas=alphas, ks=ks, schedule="exponential", start=start, steps=steps
    )
    assert grid.shape == (len(alphas), len(ks))
    want = np.array(
        [
            [
                final_loss(
                    optiviz.simulate(
                        "rosenbrock",
                        name,
                        alpha=a,
                        k=k,
                        schedule="exponential",
                        start=start,
                        steps=steps,
                    )
                )
                for k in ks
            ]
            for a in alphas
        ]
    )
    np.testing.assert_allclose(grid, want, rtol=1e-5)
    if name == "sgd":
        assert np.isinf(grid).any() and np.isfinite(grid).any()


def test_landscape_steps_to_tolerance() -> None:
    alphas, tol, steps = [0.01, 0.1, 0.3, 1.0], 1e-3, 40
    final, first = optiviz.landscape(
        "parabola", "sgd", alphas=alphas, ks=[0.0], start=[X0], steps=steps, tol=tol
    )
    for i, a in enumerate(alphas):
        losses = gd_parabola(a, steps) ** 2
        hit = np.flatnonzero(losses <= tol)
        assert first[i, 0] == (hit[0] if hit.size else steps + 1)
        np.testing.assert_allclose(final[i, 0], losses[-1], rtol=1e-4, atol=1e-30)


def test_simulate_many_equals_simulate() -> None:
    alphas, ks = [0.005, 0.01, 0.03], [0.0, 0.05, 0.2]
    starts = [[-0.5, -0.5], [1.0, 1.0], [-3.0, 3.0]]
    many = optiviz.simulate_many(
        "himmelblau",
        "nesterov",
        alphas=alphas,
        k=ks,
        starts=starts,
        schedule="inverse_time",
        steps=70,
        noise=0.3,
        seeds=[1, 2, 3],
        momentum=0.7,
    )
    for run, a, k, s, seed in zip(many, alphas, ks, starts, [1, 2, 3], strict=True):
        one = optiviz.simulate(
            "himmelblau",
            "nesterov",
            alpha=a,
            k=k,
            start=s,
            schedule="inverse_time",
            steps=70,
            noise=0.3,
            seed=seed,
            momentum=0.7,
        )
        for got, want in [(run.positions, one.positions), (run.lrs, one.lrs)]:
            np.testing.assert_array_equal(got, want, strict=True)
        np.testing.assert_array_equal(run.grads, one.grads, strict=True)
        assert (run.verdict, run.diverged_at) == (one.verdict, one.diverged_at)


@pytest.mark.parametrize(
    ("name", "alpha", "steps", "extra"),
    [
        ("rosenbrock", 0.0042, 500, {}),
        ("himmelblau", 0.035, 150, {}),
        ("staircase", 2.8, 150, {"noise": 0.4}),
        ("logistic_regression", 0.5, 120, {"batch_size": 7}),
    ],
)
def test_simulate_many_is_simulate_bit_for_bit_wherever_a_run_sits(name, alpha, steps, extra):
    """Chaotic runs (Rosenbrock at α = 0.0042, Himmelblau at 0.035, where the last bit of
    one step grows into another path), a noisy one and a mini-batch one are the same run
    at any place in batches of any size, beside any neighbours: a program compiled for a
    batch's width rounds otherwise, and such a path drifts to another end."""
    one = optiviz.simulate(name, "sgd", alpha=alpha, steps=steps, seed=3, **extra)
    rng = np.random.default_rng(0)
    for n in (2, 5, 17, limits.MAX_SEEDS):
        alphas = list(rng.uniform(alpha / 4, alpha, n))
        at = int(rng.integers(n))
        alphas[at] = alpha
        seeds = rng.integers(0, 9, n)
        seeds[at] = 3
        many = optiviz.simulate_many(name, "sgd", alphas=alphas, steps=steps, seeds=seeds, **extra)
        run = many[at]
        for got, want in [
            (run.positions, one.positions),
            (run.losses, one.losses),
            (run.grads, one.grads),
            (run.lrs, one.lrs),
        ]:
            np.testing.assert_array_equal(got, want, strict=True)
        assert (run.verdict, run.diverged_at) == (one.verdict, one.diverged_at)


# validation

BAD_CALLS = [
    ({"surface": "nope"}, "unknown surface"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ({"schedule": "cosine"}, "unknown schedule"),
    ({"betas": 0.9}, "unknown hyperparameter"),
    ({"steps": limits.MAX_STEPS + 1}, "steps"),
    ({"steps": 0}, "steps"),
    ({"start": [1.0]}, "coordinate"),
    ({"start": [1.0, 2.0, 3.0]}, "coordinate"),
    ({"start": [np.nan, 0.0]}, "finite"),
    ({"start": [np.inf, 0.0]}, "finite"),
]


@pytest.mark.parametrize(("change", "message"), BAD_CALLS)
def test_bad_input_raises_value_error(change: dict, message: str) -> None:
    call = {"surface": "rosenbrock", "optimizer": "sgd", "alpha": 1e-3, "steps": 10, **change}
    with pytest.raises(ValueError, match=message):
        optiviz.simulate(call.pop("surface"), call.pop("optimizer"), **call)


# every surface x optimizer x schedule, in two crossings
#
# Each (surface, optimizer) pair is its own compile (about 1 s on 2 cores), and
# the optimizer code does not depend on the surface beyond its dimension and
# whether it holds data. So every surface runs with SGD, and every optimizer on
# a 1-D, a 2-D and a data surface; each with every schedule.

COMBINATIONS = sorted(
    {(surface, "sgd") for surface in surfaces.names()}
    | {
        (surface, optimizer)
        for surface in ("parabola", "himmelblau", "logistic_regression")
        for optimizer in optimizers.OPTIMIZERS
    }
)


@pytest.mark.parametrize(("surface", "optimizer"), COMBINATIONS)
def test_every_combination_runs_with_documented_shapes(surface: str, optimizer: str) -> None:
    s = surfaces.get(surface)
    for schedule in schedules.SCHEDULES:
        run = optiviz.simulate(
            surface, optimizer, alpha=s.lr_presets["too small"], schedule=schedule, k=0.1, steps=4
        )
        assert run.positions.shape == (5, s.dim)
        assert run.losses.shape == (5,)
        assert run.lrs.shape == (4,)
        assert run.grads.shape == (4, s.dim)
        assert run.verdict in verdicts.VERDICTS
        assert (run.verdict == "diverged") == (run.diverged_at is not None)
        assert np.all(np.isfinite(run.positions[:2]))
