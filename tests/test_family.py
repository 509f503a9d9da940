"""The α and k families: each member is ``optiviz.simulate`` at its stop, to float32
rounding, in one compiled call that moving α or k does not compile again."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import engine, surfaces
from optiviz.scenes import family, params

CASES = [
    ("staircase", "sgd", {}),
    ("himmelblau", "momentum", {"start": (0.5, -1.5)}),
    ("linear_regression", "adam", {"batch_size": 8, "seed": 3}),
    ("polynomial_regression", "sgd", {}),
]


def _surface(name: str) -> surfaces.Surface:
    return (
        surfaces.polynomial_regression(6) if name == "polynomial_regression" else surfaces.get(name)
    )


def _span(surface: surfaces.Surface, run) -> float:
    finite = run.positions[np.all(np.isfinite(run.positions), axis=1)]
    box = np.ptp(np.asarray(surface.bounds[: surface.dim], float), axis=1).max()
    return max(box, float(np.ptp(finite)) if finite.size else 0.0)


def _same(fam: family.Family, i: int, run, surface: surfaces.Surface) -> None:
    """Member i against the run ``simulate`` returns at its stop."""
    assert fam.verdicts[i] == run.verdict, (fam.values[i], run.verdict)
    assert fam.label(i) == run.label
    assert fam.diverged_at[i] == (-1 if run.diverged_at is None else run.diverged_at)
    tol = 1e-4 * _span(surface, run)
    np.testing.assert_allclose(fam.positions[i], run.positions, rtol=1e-4, atol=tol)
    np.testing.assert_allclose(fam.losses[i], run.losses, rtol=2e-4, atol=1e-6)
    np.testing.assert_allclose(fam.lrs[i], run.lrs, rtol=1e-6)
    grads = np.linalg.norm(run.grads, axis=1)
    np.testing.assert_allclose(
        fam.grad_norms[i], grads, rtol=2e-4, atol=1e-5 * grads.max(initial=1)
    )
    np.testing.assert_allclose(fam.step_lengths[i], run.step_lengths, rtol=2e-4, atol=tol)
    finite = run.losses[np.isfinite(run.losses)]
    assert fam.final_loss[i] == pytest.approx(
        finite[-1] if finite.size else np.nan, rel=2e-4, nan_ok=True
    )
    if run.validation_losses is not None:
        np.testing.assert_allclose(fam.validation[i], run.validation_losses, rtol=2e-4, atol=1e-6)


@pytest.mark.parametrize(("name", "optimizer", "extra"), CASES)
def test_alpha_members_equal_simulate_at_random_stops(name, optimizer, extra) -> None:
    surface = _surface(name)
    stops = params.alpha_options()
    fam = family.family(surface, optimizer, "alpha", stops, alpha=0.0, steps=120, **extra)
    assert len(fam) == len(stops) and fam.positions.shape == (len(stops), 121, surface.dim)
    rng = np.random.default_rng(len(name))
    picked = rng.choice(len(stops), 6, replace=False)
    for i in picked:
        run = optiviz.simulate(surface, optimizer, alpha=stops[i], steps=120, **extra)
        _same(fam, int(i), run, surface)
    # The whole slider spans every verdict the staircase teaches, too small to too large.
    if name == "staircase":
        assert {"slow", "converged", "diverged"} <= set(fam.verdicts)


@pytest.mark.parametrize("schedule", ["exponential", "inverse_time"])
def test_k_members_equal_simulate_at_random_stops(schedule) -> None:
    surface = surfaces.get("staircase")
    stops = params.k_options()
    kw = {"schedule": schedule, "steps": 150, "staircase": True, "every": 7}
    fam = family.family(surface, "sgd", "k", stops, alpha=2.0, **kw)
    for i in np.random.default_rng(1).choice(len(stops), 5, replace=False):
        run = optiviz.simulate(surface, "sgd", alpha=2.0, k=stops[i], **kw)
        _same(fam, int(i), run, surface)
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
