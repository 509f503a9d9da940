"""The chart component's data: typed-array encoding, and the arrays it carries decoded
and compared with the trajectories they came from."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

import optiviz
from optiviz import scenes
from optiviz.core import surfaces
from optiviz.core.surfaces import datasets
from optiviz.figures import layout as layout_module
from optiviz.figures import style
from optiviz.figures.animation import path_animation
from optiviz.figures.chart_data import encode, map_chart, surface_chart
from optiviz.figures.runs import Run, frame_steps
from optiviz.figures.surface3d import motion, surface_figure
from optiviz.figures.typed import encode_array
from optiviz.scenes import Scene, grids
from tests.support.arrays import decode_array

STAIRCASE = surfaces.get("staircase")


def _scene(surface="staircase", alphas=(0.055, 0.8, 2.8), steps=150) -> Scene:
    s = surfaces.get(surface)
    runs = [
        Run(f"α={a:g}", optiviz.simulate(s, "sgd", alpha=a, steps=steps), style.run_colour(i))
        for i, a in enumerate(alphas)
    ]
    xs = None if s.n_samples is None else datasets.model_x(s)
    return Scene(s, tuple(scenes.with_data(runs, s)), model_x=xs)


def _decode(value):
    if isinstance(value, dict) and "bdata" in value:
        return decode_array(value)
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@pytest.mark.parametrize(
    "values",
    [
        np.array([1.5, np.nan, -np.inf, 1e-30, 3.0e7]),
        np.arange(7, dtype=np.int64),
        np.array([True, False]),
        np.linspace(0, 1, 12).reshape(3, 4),
    ],
)
def test_typed_arrays_round_trip(values) -> None:
    spec = encode_array(values)
    assert spec["dtype"] == ("f4" if values.dtype.kind == "f" else "i4")
    back = decode_array(json.loads(json.dumps(spec)))
    assert back.shape == values.shape
    np.testing.assert_array_equal(back, values.astype(back.dtype))


def test_encode_gives_strict_json() -> None:
    data = {"a": (1, np.float32(2.5), float("nan")), "b": [np.int64(3), {"c": float("inf")}]}
    encoded = encode(data)
    assert encoded == {"a": [1, 2.5, None], "b": [3, {"c": None}]}
    json.dumps(encoded, allow_nan=False)


def test_map_chart_carries_each_runs_arrays() -> None:
    view = _scene()
    chart = map_chart(view, grids.surface_grid(STAIRCASE, 161))
    json.dumps(chart, allow_nan=False)
    assert chart["outline"] == style.OUTLINE
    figure, animation = _decode(chart["figure"]), _decode(chart["animation"])
    data = figure["data"]
    assert animation["steps"] == [int(t) for t in frame_steps(150)]
    for run, arrays in zip(view.runs, animation["runs"], strict=True):
        tr = run.trajectory
        path, loss, rate = data[arrays["path"]], data[arrays["loss"]], data[arrays["rate"]]
        assert path["meta"] == "path" and path["line"]["color"] == run.colour
        np.testing.assert_allclose(np.stack([path["x"], path["y"]], 1), tr.positions, 1e-6)
        np.testing.assert_allclose(loss["y"], tr.losses, rtol=1e-6)
        assert rate["name"] == f"{run.name} α_t"
        np.testing.assert_allclose(rate["y"], tr.lrs, rtol=1e-6)
        np.testing.assert_allclose(arrays["grad"], np.linalg.norm(tr.grads, axis=1), 1e-6)
        np.testing.assert_allclose(arrays["step"], tr.step_lengths, rtol=1e-5, atol=1e-12)
        assert (arrays["name"], arrays["label"], arrays["colour"]) == (
            run.name,
            tr.label,
            run.colour,
        )
    (outline,) = [d for d in data if d.get("meta") == "outline"]
    want = [np.append(data[a["path"]][k], np.nan) for a in animation["runs"] for k in "xy"]
    np.testing.assert_array_equal(np.concatenate(want[0::2]), outline["x"])
    np.testing.assert_array_equal(np.concatenate(want[1::2]), outline["y"])
    moving = [data[i] for i in animation["ids"]]
    assert [t["name"] for t in moving if t.get("meta") == "ball"] == [
        run.legend for run in view.runs
    ]
    # The readout is the component's HTML: no text trace, no readout band in the layout.
    assert all(t.get("mode") != "text" for t in data)
    assert "xaxis4" not in figure["layout"] and "yaxis4" not in figure["layout"]
    go.Figure(data=data, layout=figure["layout"])  # the static part is valid Plotly


def test_the_first_screens_race_draws_19_traces_6_of_them_moving() -> None:
    """Four runs: one outline, per run a path, a loss line and an alpha_t line (static);
    per run its ball with its trail, and one trace each for the loss and alpha_t markers
    (moving). Plotly pays per trace on every update (about 2.4 ms each)."""
    view = _scene(alphas=(0.055, 0.8, 2.8, 1.0))
    chart = map_chart(view, grids.surface_grid(STAIRCASE, 161))
    data, ids = chart["figure"]["data"], chart["animation"]["ids"]
    assert (len(data), len(ids)) == (19, 6)
    assert [data[i]["meta"] for i in ids[:4]] == ["ball"] * 4
    assert [data[i]["yaxis"] for i in ids[4:]] == ["y2", "y3"]
    assert [d["xaxis"] for d in data if d.get("meta") == "outline"] == ["x"]


@pytest.mark.parametrize(
    ("surface", "listed"),
    [("staircase", []), ("linear_regression", ["training data", "validation data"])],
)
def test_the_legend_lists_the_data_and_the_notes_list_the_runs(surface, listed) -> None:
    """The runs are listed under the graph with their verdicts (the component's notes),
    so no ball carries a legend entry; a data surface's legend still says what its dots
    and crosses are. ``path_animation`` (the notebook's figure) keeps the runs' entries."""
    view = _scene(surface, alphas=(0.05, 0.5))
    grid = grids.surface_grid(view.surface, 41)
    chart = map_chart(view, grid)
    shown = [t["name"] for t in chart["figure"]["data"] if t.get("showlegend", True)]
    assert shown == listed
    assert [v["name"] for v in chart["notes"]["verdicts"]] == ["α=0.05", "α=0.5"]
    download = path_animation(view.runs, view.surface, grid, model_x=view.model_x)
    balls = [t["name"] for t in download["data"] if t.get("meta") == "ball"]
    assert balls == [run.legend for run in view.runs]
    assert all(t.get("showlegend", True) for t in download["data"] if t.get("meta") == "ball")


def test_map_chart_is_small_and_has_no_frames() -> None:
    chart = map_chart(_scene(), grids.surface_grid(STAIRCASE, 161))
    assert "frames" not in chart["figure"]
    layout = chart["figure"]["layout"]
    assert "sliders" not in layout and "updatemenus" not in layout  # the component's own
    full = path_animation(_scene().runs, STAIRCASE, grids.surface_grid(STAIRCASE, 161))

    # Every panel keeps its size in pixels: the figure loses the readout's band (its share
    # of the plot height) and the margin the controls held.
    def pixels(lay: dict, axis: str) -> list[float]:
        plot = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
        return [d * plot for d in lay[axis]["domain"]]

    for axis in ("yaxis", "yaxis2", "yaxis3"):
        np.testing.assert_allclose(pixels(layout, axis), pixels(full["layout"], axis), atol=1)
    band = full["layout"]["yaxis4"]["domain"]
    assert band == layout_module.READOUT_DOMAIN
    assert pixels(layout, "yaxis")[1] < pixels(full["layout"], "yaxis4")[0] + 1  # below it
    assert chart["figure"]["layout"]["uirevision"] == "map:staircase"
    without_image = dict(chart["figure"]["layout"], images=[])
    size = len(json.dumps({**chart, "figure": {**chart["figure"], "layout": without_image}}))
    assert size < 40_000, size


def test_data_surface_chart_carries_model_curves_per_frame() -> None:
    view = _scene("linear_regression", alphas=(0.5,), steps=300)
    animation = _decode(map_chart(view, grids.surface_grid(view.surface, 41))["animation"])
    steps = frame_steps(300)
    (arrays,) = animation["runs"]
    np.testing.assert_allclose(arrays["model"], view.runs[0].model[steps], rtol=1e-6)
    np.testing.assert_allclose(animation["model_x"], view.model_x, rtol=1e-6)


def test_surface_chart_is_the_3d_figure() -> None:
    view = _scene(steps=40)
    grid = grids.surface_grid(STAIRCASE, 31)
    data = surface_chart(view, grid)
    figure = _decode(data["figure"])
    expected = surface_figure(view.runs, STAIRCASE, grid)
    want = _decode(expected["data"][0]["z"])
    np.testing.assert_allclose(figure["data"][0]["z"], want, equal_nan=True)
    assert "frames" not in figure  # the chart builds them (scene3d.js)
    assert not any(t.get("showlegend", True) for t in figure["data"][1:])  # the notes list runs
    assert data["scene3d"] == json.loads(json.dumps(motion(view.runs, STAIRCASE, grid)))
    assert figure["layout"]["uirevision"] == "3d:staircase"


@pytest.mark.parametrize("name", ["staircase", "linear_regression"])
def test_the_map_chart_carries_its_narrow_layout(name: str) -> None:
    scene = _scene(name, alphas=(0.05,), steps=20)
    data = map_chart(scene, grids.surface_grid(scene.surface, 41))
    assert data["narrow"] == layout_module.narrow(scene.surface.n_samples is not None)
    assert data["narrow_px"] == layout_module.NARROW_PX
    moved = set(data["narrow"]) - {"height", "margin", "legend"}
    assert moved <= set(data["figure"]["layout"]), "every axis it moves is one the figure has"
