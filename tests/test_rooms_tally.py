"""What a class question's answer is and how the class did (``optiviz.rooms.tally``),
on hand-made trajectories whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from optiviz.core.dynamics import Trajectory
from optiviz.rooms import tally


def _run(positions, diverged_at: int | None = None) -> Trajectory:
    p = np.asarray(positions, dtype=np.float32)
    steps = len(p) - 1
    return Trajectory(
        positions=p,
        losses=np.zeros(steps + 1),
        lrs=np.full(steps, 0.1),
        grads=np.zeros((steps, p.shape[1])),
        verdict="diverged" if diverged_at is not None else "converged",
        diverged_at=diverged_at,
        alpha=0.1,
        optimizer="sgd",
        schedule="constant",
    )


@pytest.mark.parametrize(
    ("scale", "want"), [(5.656854, 0.5), (4.0, 0.2), (14.142, 1.0), (1.0, 0.1), (2.0, 0.2)]
)
def test_radius_is_a_round_tenth_of_the_diagonal(scale, want):
    assert tally.radius(scale) == pytest.approx(want)
    assert tally.radius(scale) <= tally.RADIUS_SHARE * scale * (1 + 1e-9)


def test_position_at_and_divergence():
    run = _run([[0, 0], [1, 0], [2, 0], [np.nan, np.nan]], diverged_at=3)
    np.testing.assert_allclose(tally.position_at(run, 2), [2, 0])
    assert tally.position_at(run, 3) is None


def test_settle_step():
    # scale 100: settled once within 1 of the end (1.5, 0); 1.0 is 0.5 away, 0.0 is 1.5
    run = _run([[0, 0], [1.0, 0], [1.45, 0], [1.5, 0], [1.5, 0]])
    assert tally.settle_step(run, 100.0) == 1
    assert tally.settle_step(run, 10.0) == 2  # within 0.1: from 1.45 on (1.0 is 0.5 away)
    assert tally.settle_step(_run([[0, 0], [np.inf, 0]], diverged_at=1), 100.0) is None


def test_right_choice():
    runs = {
        "slow": _run([[0, 0], [1, 0], [2, 0], [3, 0], [3, 0]]),
        "fast": _run([[0, 0], [3, 0], [3, 0], [3, 0], [3, 0]]),
        "wild": _run([[0, 0], [9, 0], [np.nan, 0]], diverged_at=2),
        "wilder": _run([[0, 0], [np.nan, 0]], diverged_at=1),
    }
    assert tally.right_choice(runs, "settles", 10.0) == ("fast", 1)
    assert tally.right_choice(runs, "diverges", 10.0) == ("wilder", 1)
    calm = {k: runs[k] for k in ("slow", "fast")}
    assert tally.right_choice(calm, "diverges", 10.0) is None


def test_where_summary_counts_the_disc_edge_in():
    answers = [{"x": 1.0, "y": 0.0}, {"x": 0.0, "y": 0.5}, {"x": 0.3, "y": 0.4}, {"x": 2, "y": 2}]
    target = np.array([0.0, 0.0])
    assert tally.within(answers, target, 0.5) == 2  # (0, 0.5) and (0.3, 0.4) at 0.5 exactly
    assert tally.where_summary(answers, target, 0.5, 40) == (
        "2 of 4 guessed within 0.5 of where the ball was after 40 steps."
    )
    assert "left the map by step 40" in tally.where_summary(answers, None, 0.5, 40)
    assert tally.where_summary([], target, 0.5, 40) == "Nobody answered."
    assert tally.within([{"x": 0.2}], np.array([0.0]), 0.2) == 1  # a 1-D map


def test_which_summary():
    answers = [{"choice": c} for c in ["a", "b", "b", "c", "b"]]
    assert tally.counts(answers, ["a", "b", "c", "d"]) == [1, 3, 1, 0]
    assert tally.which_summary(answers, ["a", "b", "c"], ("c", 12), "settles") == (
        "1 of 5 picked c, which settles first (step 12)."
    )
    assert tally.which_summary(answers, ["a", "b", "c"], None, "diverges") == (
        "No run diverged; the most picked was b (3 of 5)."
    )
