"""The fit lessons' words hold in the app's own numbers (the runs their settings make)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.core.surfaces import polynomial
from optiviz.scenes import lessons

FIT = ("underfitting", "overfitting", "weight-decay", "early-stopping", "small-alpha-underfit")


def _run(lesson_id: str, **override) -> optiviz.Trajectory:
    s = {**lessons.load()[lesson_id].settings, **override}
    return optiviz.simulate(
        surfaces.polynomial_regression(s["degree"]),
        s["optimizer"],
        alpha=s["alpha"],
        steps=s["steps"],
        weight_decay=s["weight_decay"],
    )


def _abouts(lesson_id: str, setting: float | None = None) -> list[float]:
    """The decimals the lesson's watch text quotes, in order (less a setting it names)."""
    text = lessons.load()[lesson_id].watch
    return [float(v) for v in re.findall(r"\d+\.\d+", text) if float(v) != setting]


def _close(value: float, quoted: float) -> bool:
    return abs(value - quoted) <= 0.06 * quoted + 5e-4


@pytest.mark.parametrize("lesson_id", FIT)
def test_every_fit_lesson_is_registered_with_its_claims(lesson_id: str) -> None:
    lesson = lessons.load()[lesson_id]
    assert lesson.settings["surface"] == "polynomial_regression" and lesson.claims


def test_underfitting_both_losses_stay_above_degree_three() -> None:
    line, cubic = _run("underfitting"), _run("underfitting", degree=3)
    quoted = _abouts("underfitting")
    values = [line.losses[-1], line.validation_losses[-1], cubic.losses[-1]]
    values.append(cubic.validation_losses[-1])
    assert all(_close(v, q) for v, q in zip(values, quoted, strict=True))
    assert line.losses[-1] > 3 * cubic.losses[-1]
    assert line.validation_losses[-1] > 3 * cubic.validation_losses[-1]


def test_overfitting_training_falls_while_validation_turns_up() -> None:
    run, cubic = _run("overfitting"), _run("overfitting", degree=3)
    best = int(np.argmin(run.validation_losses))
    assert 400 <= best <= 460  # "after about step 430"
    assert np.all(np.diff(run.losses[best:]) < 1e-4)  # training keeps falling (noise aside)
    assert run.losses[-1] < run.losses[best]
    train, cubic_train, val = _abouts("overfitting")
    assert _close(run.losses[-1], train) and _close(cubic.losses[-1], cubic_train)
    assert _close(run.validation_losses[-1], val)
    assert run.validation_losses[-1] > 9 * cubic.validation_losses[-1]  # "ten times"
    s = surfaces.polynomial_regression(15)
    near_train = np.abs(polynomial.predict(run.positions[-1], s.extras["x"]) - s.extras["y"])
    off_val = np.abs(polynomial.predict(run.positions[-1], s.extras["x_val"]) - s.extras["y_val"])
    assert near_train.max() < 0.3 < off_val.max()
    x = np.linspace(-1, 1, 201)
    stray = np.abs(polynomial.predict(run.positions[-1], x) - np.sin(np.pi * x))
    assert x[np.argmax(stray)] > 0.9  # "most of all near x = 1"


def test_weight_decay_costs_a_little_training_loss_and_saves_validation() -> None:
    decayed, plain = _run("weight-decay"), _run("weight-decay", weight_decay=0.0)
    strong = _run("weight-decay", weight_decay=1.0)
    quoted = _abouts("weight-decay")
    values = [decayed.losses[-1], plain.losses[-1], decayed.validation_losses[-1]]
    values += [plain.validation_losses[-1], strong.losses[-1], strong.validation_losses[-1]]
    assert all(_close(v, q) for v, q in zip(values, quoted, strict=True)), (values, quoted)
    assert plain.losses[-1] < decayed.losses[-1] < strong.losses[-1]
    assert decayed.validation_losses[-1] < strong.validation_losses[-1]


def _stray(run: optiviz.Trajectory, t: int) -> float:
    """How far the model at step t strays from sin(pi x) inside the samples, |x| < 0.9."""
    x = np.linspace(-0.9, 0.9, 181)
    return float(np.max(np.abs(polynomial.predict(run.positions[t], x) - np.sin(np.pi * x))))


def test_early_stopping_star_sits_where_the_lesson_says() -> None:
    run = _run("early-stopping")
    best = int(np.argmin(run.validation_losses))
    assert _stray(run, best) < _stray(run, len(run.losses) - 1) / 3  # "swings far from it"
    assert str(best) in lessons.load()["early-stopping"].watch
    best_val, final_val = _abouts("early-stopping")
    assert _close(run.validation_losses[best], best_val)
    assert _close(run.validation_losses[-1], final_val)


def test_a_tiny_alpha_is_still_underfit_and_still_falling_when_time_runs_out() -> None:
    slow, good = _run("small-alpha-underfit"), _run("small-alpha-underfit", alpha=0.01)
    line = _run("underfitting")
    train, val, good_train, good_val = _abouts("small-alpha-underfit", setting=0.01)
    assert _close(slow.losses[-1], train) and _close(slow.validation_losses[-1], val)
    assert _close(good.losses[-1], good_train) and _close(good.validation_losses[-1], good_val)
    assert (
        slow.losses[-1] < slow.losses[-2]
        and slow.validation_losses[-1] < slow.validation_losses[-2]
    )
    assert slow.validation_losses[-1] == pytest.approx(line.validation_losses[-1], rel=0.1)
