"""The α and k families: each member is ``optiviz.simulate`` at its stop, bit for bit,
through simulate's own compiled program, which moving α or k does not compile again."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, run_inputs, surfaces
from optiviz.scenes import family, params

CASES = [
    ("staircase", "sgd", {}, 120, ()),
    ("himmelblau", "momentum", {"start": (0.5, -1.5)}, 120, ()),
    # Chaotic runs: the last bit of one step grows into another path within a few
    # dozen steps, so a member that rounds differently from simulate ends elsewhere
    # (a batched family gave 0.4405 for Rosenbrock at 0.0042 where simulate gives 0.2693,
    # and 32.99 for Himmelblau at 0.035 where simulate gives 8.76).
    ("rosenbrock", "sgd", {}, 500, (0.0042,)),
    ("himmelblau", "sgd", {}, 150, (0.035,)),
    ("quadratic", "nesterov", {}, 150, ()),
    ("linear_regression", "adam", {"batch_size": 8, "seed": 3}, 120, ()),
    ("logistic_regression", "sgd", {"noise": 0.2, "seed": 5}, 120, ()),
    ("polynomial_regression", "sgd", {}, 300, ()),
    ("sin(3*x)*cos(2*y) + 0.1*(x^2 + y^2) + exp(-x^2)", "adam", {}, 200, (0.3,)),
]
"""(surface, optimizer, keywords, steps, rates that must be members): the staircase, analytic
surfaces, data surfaces, the polynomial model and a typed formula."""


def _surface(name: str) -> surfaces.Surface:
    if name == "polynomial_regression":
        return surfaces.polynomial_regression(6)
    return surfaces.from_expression(name) if "(" in name or "^" in name else surfaces.get(name)


def _identical(fam: family.Family, i: int, run) -> None:
    """Member i is the run ``simulate`` returns at its stop, bit for bit: every array the
    chart draws, the verdict with its step and the final loss."""
    for got, want in [
        (fam.positions[i], run.positions),
        (fam.losses[i], run.losses),
        (fam.lrs[i], run.lrs),
        (fam.grads[i], run.grads),
        (fam.grad_norms[i], np.linalg.norm(run.grads, axis=1)),
        (fam.step_lengths[i], run.step_lengths),
    ]:
        np.testing.assert_array_equal(got, want, strict=True)
    if run.validation_losses is not None:
        np.testing.assert_array_equal(fam.validation[i], run.validation_losses, strict=True)
    assert fam.verdicts[i] == run.verdict, (fam.values[i], run.verdict)
    assert fam.label(i) == run.label
    assert fam.diverged_at[i] == (-1 if run.diverged_at is None else run.diverged_at)
    finite = run.losses[np.isfinite(run.losses)]
    np.testing.assert_array_equal(fam.final_loss[i], finite[-1] if finite.size else np.nan)
    member = fam.member(i)
    np.testing.assert_array_equal(member.positions, run.positions, strict=True)
    assert (member.verdict, member.diverged_at) == (run.verdict, run.diverged_at)


@pytest.mark.parametrize(("name", "optimizer", "extra", "steps", "must"), CASES)
def test_alpha_members_are_simulate_bit_for_bit(name, optimizer, extra, steps, must) -> None:
    """At random stops of the α slider and at the chaotic rates, each member's path, losses,
    rates, gradients, verdict and final loss are exactly ``simulate``'s."""
    surface = _surface(name)
    stops = sorted({*params.alpha_options(), *must})
    fam = family.family(surface, optimizer, "alpha", stops, alpha=0.0, steps=steps, **extra)
    assert len(fam) == len(stops) and fam.positions.shape == (len(stops), steps + 1, surface.dim)
    rng = np.random.default_rng(len(name))
    picked = {*rng.choice(len(stops), 5, replace=False).tolist(), *map(stops.index, must)}
    for i in sorted(picked):
        run = optiviz.simulate(surface, optimizer, alpha=stops[i], steps=steps, **extra)
        _identical(fam, i, run)
    # The whole slider spans every verdict the staircase teaches, too small to too large.
    if name == "staircase":
        assert {"slow", "converged", "diverged"} <= set(fam.verdicts)


def test_chaotic_members_end_where_simulate_ends() -> None:
    """The two runs a batched family got wrong, by their final losses (float32 values)."""
    for name, alpha, steps, loss in [
        ("rosenbrock", 0.0042, 500, 0.2692874),
        ("himmelblau", 0.035, 150, 8.764287),
    ]:
        fam = family.family(name, "sgd", "alpha", [0.001, alpha, 0.01], alpha=0.0, steps=steps)
        run = optiviz.simulate(name, "sgd", alpha=alpha, steps=steps)
        assert fam.verdicts[1] == run.verdict == "oscillating"
        assert fam.final_loss[1] == run.losses[-1] == pytest.approx(loss, rel=1e-6)


@pytest.mark.parametrize("schedule", ["exponential", "inverse_time"])
def test_k_members_equal_simulate_at_random_stops(schedule) -> None:
    surface = surfaces.get("staircase")
    stops = params.k_options()
    kw = {"schedule": schedule, "steps": 150, "staircase": True, "every": 7}
    fam = family.family(surface, "sgd", "k", stops, alpha=2.0, **kw)
    for i in np.random.default_rng(1).choice(len(stops), 5, replace=False):
        run = optiviz.simulate(surface, "sgd", alpha=2.0, k=stops[i], **kw)
        _identical(fam, int(i), run)
    # Faster decay calms the bounce: k's verdicts differ along the track.
    assert len(set(fam.verdicts)) > 1


def test_moving_alpha_or_k_does_not_compile_again() -> None:
    surface = surfaces.get("rosenbrock")
    stops = params.k_options()
    kw = {"schedule": "exponential", "steps": 90}
    family.family(surface, "adam", "k", stops, alpha=0.01, **kw)
    before = engine.TRACES["trajectory"]
    for alpha in (0.02, 0.05, 0.3):
        family.family(surface, "adam", "k", stops, alpha=alpha, **kw)
    family.family(surface, "adam", "alpha", stops, alpha=0.0, k=0.1, **kw)  # same shape
    family.family(surface, "adam", "k", stops, alpha=0.01, steps=100, schedule="exponential")
    assert engine.TRACES["trajectory"] == before


def test_a_family_runs_the_one_program_simulate_runs() -> None:
    """simulate, simulate_many and families of any size share one compiled program per
    surface, optimizer and steps' bucket (which is why their runs are the same bits)."""
    surface = surfaces.from_expression("x^2 + 0.789*y^2")  # compiled by no other test
    before = engine.TRACES["trajectory"]
    optiviz.simulate(surface, "sgd", alpha=0.1, steps=100)
    family.family(surface, "sgd", "alpha", params.alpha_options(), alpha=0.0, steps=100)
    family.family(surface, "sgd", "k", [0.0, 0.1, 0.2], alpha=0.1, steps=90)
    optiviz.simulate_many(surface, "sgd", alphas=[0.1, 0.2, 0.3], steps=110)
    assert engine.TRACES["trajectory"] == before + 1


def test_every_row_of_a_whole_batch_is_the_run_alone() -> None:
    """All 121 stops of the staircase, every array ``engine.each_run`` returns (|grad f| at
    the end too, which decides "converged"): row i of the whole batch is the one-run call
    at stop i, bit for bit. (A ``lax.map`` over the members, or a loop compiled with
    buffers of another size, rounded that norm differently for 10 of them.)"""
    surface = surfaces.get("staircase")
    stops = np.asarray(params.alpha_options(), np.float32)
    n, length = len(stops), 256
    h = run_inputs.make_hyper(alpha=0.0, steps=150)
    x0 = np.broadcast_to(np.float32([0.3, 1.0]), (n, 2))
    batch = engine.each_run(surface, "sgd", length, h, stops, [0.0], x0, [0])
    assert n <= engine.capacity(surface, length) and batch[5] is None
    for i in range(n):
        alone = engine.each_run(surface, "sgd", length, h, stops[i : i + 1], [0.0], x0[:1], [0])
        for got, want in zip(batch[:5], alone[:5], strict=True):
            np.testing.assert_array_equal(got[i], want[0], strict=True)


def test_more_runs_than_one_call_holds_are_simulate_and_compile_once() -> None:
    """At 2,000 steps a call holds 15 runs: 50 seeds take four calls of the one program,
    and each run is still ``simulate``'s at its seed."""
    surface = surfaces.from_expression("x^2 + 0.456*y^2")  # compiled by no other test
    before = engine.TRACES["trajectory"]
    kw = {"steps": 2000, "noise": 0.3}
    runs = optiviz.simulate_many(surface, "sgd", alphas=[0.1] * 50, seeds=range(50), **kw)
    assert engine.capacity(surface, 2048) == 15
    for seed in (0, 14, 15, 42, 49):
        alone = optiviz.simulate(surface, "sgd", alpha=0.1, seed=seed, **kw)
        np.testing.assert_array_equal(runs[seed].positions, alone.positions, strict=True)
        np.testing.assert_array_equal(runs[seed].grads, alone.grads, strict=True)
    family.family(surface, "sgd", "alpha", params.alpha_options()[:30], alpha=0.0, **kw)
    assert engine.TRACES["trajectory"] == before + 1


def test_window_fits_the_budget_around_the_current_stop() -> None:
    n = len(params.alpha_options())
    assert family.window(n, 40, 150) == slice(0, n)
    long = family.window(n, 40, 2000)
    size = long.stop - long.start
    assert size * 2001 <= family.POINT_BUDGET and size == 2 ** int(np.log2(size))
    assert long.start <= 40 < long.stop
    assert family.window(n, n - 1, 2000).stop == n  # shifted to stay inside
    seeds = family.window(n, 0, 150, runs_per_stop=24)
    assert seeds.start == 0 and (seeds.stop - seeds.start) * 151 * 24 <= family.POINT_BUDGET


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="varies one of"):
        family.family("staircase", "sgd", "beta", [0.1], alpha=0.1)
    with pytest.raises(ValueError, match="at least one"):
        family.family("staircase", "sgd", "alpha", [], alpha=0.1)
    with pytest.raises(ValueError, match="steps"):
        family.family("staircase", "sgd", "alpha", [0.1], alpha=0.1, steps=5000)


def test_a_family_keeps_its_values_and_a_member_is_a_trajectory() -> None:
    """The values stay as given (0.87, not float32's 0.8700000047683716), and member i is the
    Trajectory that ``simulate`` returns at values[i], field for field."""
    stops = params.alpha_options()
    fam = family.family("staircase", "sgd", "alpha", stops, alpha=0.0, steps=60)
    assert list(fam.values) == stops
    i = stops.index(0.87)
    member, run = fam.member(i), optiviz.simulate("staircase", "sgd", alpha=0.87, steps=60)
    assert (member.alpha, member.verdict, member.diverged_at) == (
        0.87,
        run.verdict,
        run.diverged_at,
    )
    np.testing.assert_allclose(member.grads, run.grads, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(member.step_lengths, run.step_lengths, rtol=1e-3, atol=1e-6)


def test_a_run_between_two_stops_is_inserted_in_its_place() -> None:
    """``inserted``: the view's own run at α = 0.8 (between the stops 0.75 and 0.87) becomes
    member i of the stops' family, every per-member array one row longer, the others kept."""
    stops = [0.42, 0.75, 0.87, 4.2]
    fam = family.family("staircase", "sgd", "alpha", stops, alpha=0.0, steps=60)
    run = optiviz.simulate("staircase", "sgd", alpha=0.8, steps=60)
    out = fam.inserted(2, 0.8, run)
    assert list(out.values) == [0.42, 0.75, 0.8, 0.87, 4.2] and len(out) == 5
    assert out.verdicts == (*fam.verdicts[:2], run.verdict, *fam.verdicts[2:])
    member = out.member(2)
    assert member.alpha == 0.8 and member.diverged_at == run.diverged_at
    np.testing.assert_array_equal(member.positions, run.positions)
    np.testing.assert_array_equal(out.grad_norms[2], np.linalg.norm(run.grads, axis=1))
    np.testing.assert_array_equal(out.step_lengths[2], run.step_lengths)
    for i, j in ((0, 0), (1, 1), (3, 2), (4, 3)):
        np.testing.assert_array_equal(out.positions[i], fam.positions[j])
        assert out.final_loss[i] == fam.final_loss[j] and out.diverged_at[i] == fam.diverged_at[j]
    assert out.final_loss[2] == run.losses[np.isfinite(run.losses)][-1]
    diverged = optiviz.simulate("staircase", "sgd", alpha=4.5, steps=60)
    assert fam.inserted(4, 4.5, diverged).diverged_at[4] == diverged.diverged_at


@pytest.mark.parametrize(
    ("name", "optimizer", "extra"),
    [
        ("staircase", "sgd", {}),
        ("himmelblau", "momentum", {"start": (0.5, -1.5)}),
        ("x^4 - x^2", "sgd", {}),
    ],
)
def test_a_packed_familys_exits_are_map_exit_of_each_member(name, optimizer, extra) -> None:
    """``chart_sliders._exits`` finds every member's exit at once: the same step, edge and
    crossing point, to the bit, as ``runs.map_exit`` of the member alone (surfaces and a
    curve; dozens of the slider's members leave the map)."""
    from optiviz.figures import chart_sliders
    from optiviz.figures.animation import EXIT_ANGLE
    from optiviz.figures.runs import map_exit

    surface = _surface(name)
    fam = family.family(surface, optimizer, "alpha", params.alpha_options(), alpha=0.0, **extra)
    got = chart_sliders._exits(fam, surface)
    want = [map_exit(fam.member(i), surface) for i in range(len(fam))]
    assert got == [None if w is None else [w.x, w.y, EXIT_ANGLE[w.edge], w.step] for w in want]
    assert sum(w is not None for w in want) > 20


@pytest.mark.parametrize("dim", [1, 2, 3, 4, 5, 9])
def test_member_norms_are_numpys_norm_bit_for_bit(dim) -> None:
    """|g_t| and |x_{t+1} - x_t| per member (``_norms``, a slice at a time for a few
    coordinates) are ``np.linalg.norm(..., axis=-1)`` exactly, NaN and inf included."""
    rng = np.random.default_rng(dim)
    a = rng.standard_normal((7, 33, dim)) * 10.0 ** rng.integers(-30, 30, (7, 33, 1))
    a[0, 3, 0], a[1, 4, -1], a[2, 5] = np.nan, np.inf, -0.0
    np.testing.assert_array_equal(family._norms(a), np.linalg.norm(a, axis=-1), strict=True)
