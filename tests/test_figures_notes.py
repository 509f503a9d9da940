"""The words under a chart: verdicts and first steps, checked against the core's runs and
the update rules' closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import optimizers, surfaces
from optiviz.figures import notes, style
from optiviz.figures.chart_data import map_chart, surface_chart
from optiviz.figures.runs import Run
from optiviz.scenes import Scene
from optiviz.scenes.grids import surface_grid

STAIRCASE = surfaces.get("staircase")


def _run(alpha: float, optimizer: str = "sgd", start=(0.3, 1.0), surface=STAIRCASE) -> Run:
    tr = optiviz.simulate(surface, optimizer, alpha=alpha, steps=150, start=start)
    return Run(f"α={alpha:g}", tr, style.run_colour(0))


@pytest.mark.parametrize("alpha", [0.055, 0.8, 2.8, 40.0])
def test_verdict_is_the_runs_label_and_last_finite_loss(alpha: float) -> None:
    run = _run(alpha)
    tr = run.trajectory
    line = notes.verdict(run)
    finite = tr.losses[np.isfinite(tr.losses)]
    assert line == {
        "name": f"α={alpha:g}",
        "colour": run.colour,
        "label": tr.label,
        "label_colour": style.VERDICT_COLOURS[tr.verdict],
        "final": f"final loss {finite[-1]:.4g}",
    }


def test_a_diverged_run_says_so_and_keeps_its_last_finite_loss() -> None:
    line = notes.verdict(_run(40.0))
    assert line["label"].startswith("diverged at step ")
    assert line["label_colour"] == style.VERDICT_COLOURS["diverged"]


@pytest.mark.parametrize("alpha", [0.055, 0.8, 2.8])
def test_gradient_descents_first_step_is_gradient_times_rate(alpha: float) -> None:
    run = _run(alpha)
    g = float(np.linalg.norm(run.trajectory.grads[0]))
    step = notes.first_step(run)
    assert step["name"] == run.name
    assert step["text"] == (
        f", step 0: gradient {g:.3g} × learning rate {alpha:.3g} = a step of {alpha * g:.3g}"
    )


def test_adams_first_step_is_alpha_per_moving_coordinate() -> None:
    # Adam's bias-corrected first step is α · g / (|g| + ε) per coordinate: length α·√d
    # when every coordinate of the gradient is non-zero.
    run = _run(0.1, "adam", start=(1.5, 0.7))
    g0 = run.trajectory.grads[0]
    assert np.all(np.abs(g0) > 1e-3)
    text = notes.first_step(run)["text"]
    label = optimizers.LABELS["adam"]
    assert f"; the {label} rule turns it into a step of {0.1 * np.sqrt(2):.3g}" in text
    g = float(np.linalg.norm(g0))
    assert text.startswith(f", step 0: gradient {g:.3g} × learning rate 0.1;")


def test_an_undefined_start_says_move_the_start() -> None:
    log = surfaces.from_expression("log(x)", bounds=[(-1.0, 3.0)])
    run = _run(0.1, start=(-0.5,), surface=log)
    assert not np.isfinite(run.trajectory.losses[0])
    assert notes.first_step(run) == {"name": run.name, "text": notes.NOT_DEFINED}
    assert notes.verdict(run)["final"] == "undefined at the start"


def test_both_chart_views_carry_the_notes_of_their_runs() -> None:
    runs = [_run(a) for a in (0.055, 0.8)]
    scene = Scene(STAIRCASE, tuple(runs))
    want = notes.notes(runs)
    assert [v["name"] for v in want["verdicts"]] == ["α=0.055", "α=0.8"]
    assert want["steps_title"] == "What one step does"
    assert map_chart(scene, surface_grid(STAIRCASE, 41))["notes"] == want
    assert surface_chart(scene, surface_grid(STAIRCASE, 21))["notes"] == want
