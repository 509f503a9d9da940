"""CSV and HTML exports carry the runs' own numbers."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.figures.animation import path_animation
from optiviz.figures.html import figure_html
from optiviz.figures.runs import Run
from optiviz.scenes import clouds, grids
from optiviz.scenes.export import landscape_csv, shortest, trajectories_csv


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_holds_every_step_of_every_run() -> None:
    runs = optiviz.simulate_many("staircase", "sgd", alphas=[0.055, 4.0], steps=60)
    rows = _rows(trajectories_csv([("slow", runs[0]), ("wild", runs[1])]))
    assert len(rows) == 2 * 61
    slow = [r for r in rows if r["run"] == "slow"]
    np.testing.assert_allclose([float(r["x"]) for r in slow], runs[0].positions[:, 0])
    np.testing.assert_allclose([float(r["loss"]) for r in slow], runs[0].losses)
    np.testing.assert_allclose([float(r["alpha_t"]) for r in slow[:-1]], runs[0].lrs)
    np.testing.assert_allclose([float(r["grad_y"]) for r in slow[:-1]], runs[0].grads[:, 1])
    assert slow[-1]["alpha_t"] == "" and slow[-1]["grad_x"] == ""
    wild = [r for r in rows if r["run"] == "wild"]
    at = runs[1].diverged_at
    assert at is not None and wild[at]["x"] == "" and wild[at - 1]["x"] != ""


def test_csv_of_a_curve_has_one_coordinate() -> None:
    run = optiviz.simulate("parabola", "sgd", alpha=0.1, steps=5)
    header = trajectories_csv([("p", run)]).splitlines()[0]
    assert header == "run,step,x,loss,alpha_t,grad_x"


def test_csv_refuses_nothing_to_export() -> None:
    with pytest.raises(ValueError):
        trajectories_csv([])


def test_html_is_self_contained_and_carries_the_frames() -> None:
    s = surfaces.get("parabola")
    run = optiviz.simulate(s, "sgd", alpha=0.3, steps=20)
    fig = path_animation([Run("good", run, "#16a34a")], s, grids.surface_grid(s, 41))
    html = figure_html(fig)
    assert "<script src=" not in html and "plotly.js" in html.lower()
    assert "<title>Optiviz</title>" in html
    frames = json.loads(
        html[html.index("Plotly.addFrames(") :].split(",", 1)[1].rsplit(")", 1)[0].split(");", 1)[0]
    )
    assert [f["name"] for f in frames] == [str(t) for t in range(21)]


def test_csv_of_a_model_names_every_coefficient_and_the_validation_loss() -> None:
    model = surfaces.polynomial_regression(4)
    run = optiviz.simulate(model, "adam", alpha=0.01, steps=6)
    rows = list(csv.reader(io.StringIO(trajectories_csv([("fit", run)]))))
    assert rows[0] == ["run", "step", "p0", "p1", "p2", "p3", "p4", "loss", "validation_loss"] + [
        "alpha_t",
        "grad_p0",
        "grad_p1",
        "grad_p2",
        "grad_p3",
        "grad_p4",
    ]
    assert len(rows) == 1 + 7 and all(len(r) == len(rows[0]) for r in rows[1:-1])
    assert np.float32(float(rows[3][8])) == run.validation_losses[2]
    assert np.float32(float(rows[3][7])) == run.losses[2]


def _numbers(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return [cell for row in rows for cell in row[1:] if cell]


def test_csv_writes_the_float32_digits_that_read_back_exactly() -> None:
    run = optiviz.simulate("parabola", "sgd", alpha=0.3, steps=20)
    text = trajectories_csv([("α=0.3", run)])
    rows = _rows(text)
    assert {r["alpha_t"] for r in rows[:-1]} == {"0.3"}
    assert "0.30000001" not in text
    columns = ("x", "loss", "alpha_t", "grad_x")
    arrays = (run.positions[:, 0], run.losses, run.lrs, run.grads[:, 0])
    for column, values in zip(columns, arrays, strict=True):
        written = [r[column] for r in rows][: len(values)]
        assert [np.float32(float(w)) for w in written] == list(values.astype(np.float32))
        assert all(float(np.float32(v)) == v for v in values), "the engine's numbers are float32"
    assert max(len(n) for n in _numbers(text)) <= len("-1.2345678e-05")


def test_the_many_seeds_mean_path_writes_float32_digits_too() -> None:
    """Before: the mean of float32 runs was a float64 no float32 equals, written in 17
    digits (-54.760075092315674); found by the browser walk's CSV download."""
    cloud = optiviz.simulate_many(
        "staircase", "sgd", alphas=[0.8] * 6, noise=0.3, seeds=list(range(6)), steps=30
    )
    mean = clouds.mean_path(cloud)
    for values in (mean.positions, mean.losses, mean.grads):
        finite = values[np.isfinite(values)]
        assert np.array_equal(finite.astype(np.float32).astype(finite.dtype), finite)
    text = trajectories_csv([("mean of 6 seeds", mean)])
    assert max(len(n) for n in _numbers(text)) <= len("-1.2345678e-05")


def test_landscape_csv_keeps_inf_and_writes_float32_losses_short() -> None:
    final = np.array([[np.float32(0.1), np.inf]])
    text = landscape_csv([0.3, 2.0], [0.0], final.T, np.array([[3], [99]]), steps=50)
    assert text.splitlines()[1:] == ["0.3,0.0,0.1,3", "2.0,0.0,inf,"]


@pytest.mark.parametrize("value", [0.1, 1 / 3, 1e-12, 1e30, 123456789.0, -2.5e-5, 0.0])
def test_shortest_reads_back_to_the_same_number(value: float) -> None:
    single = float(np.float32(value))
    assert float(np.float32(float(shortest(single)))) == single
    assert float(shortest(value)) == value, "a float64 that is not a float32 keeps its digits"
    assert len(shortest(single)) <= len(repr(single))
