"""The animated view's figure dicts: schema, frames, payload growth, gaps, readout."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image

import optiviz
from optiviz.core import surfaces
from optiviz.core.surfaces import datasets, staircase
from optiviz.figures import background, layout, style, surface3d
from optiviz.figures.animation import path_animation
from optiviz.figures.notes import notes
from optiviz.figures.runs import Run, map_exit, readouts
from optiviz.figures.surface3d import MAX_FRAMES_3D, surface_figure
from optiviz.scenes import grids

STAIRCASE = surfaces.get("staircase")
GRID_SIDE = 41


def _runs(surface="staircase", presets=("too small", "good", "too large"), steps=40, **kw):
    s = surfaces.get(surface)
    return [
        Run(p, optiviz.simulate(s, "sgd", alpha=s.lr_presets[p], steps=steps, **kw), c)
        for p, c in zip(presets, style.PALETTE, strict=False)
    ]


def _figure(runs, surface="staircase", **kw) -> dict:
    s = surfaces.get(surface)
    return path_animation(runs, s, grids.surface_grid(s, GRID_SIDE), **kw)


def _trace_index(fig: dict, **match) -> int:
    hits = [i for i, d in enumerate(fig["data"]) if all(d.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, f"{len(hits)} traces match {match}"
    return hits[0]


def _frame_data(frame: dict, trace: int) -> dict:
    return frame["data"][frame["traces"].index(trace)]


def _size(fig: dict) -> int:
    return len(pio.to_json(fig, validate=False))


@pytest.mark.parametrize("surface", ["staircase", "parabola"])
def test_figure_validates_against_plotly_schema(surface) -> None:
    fig = _figure(_runs(surface), surface)
    validated = go.Figure(**fig)
    assert len(validated.frames) == len(fig["frames"])
    assert len(validated.data) == len(fig["data"])


def test_data_surface_figure_validates_and_draws_the_model() -> None:
    s = surfaces.get("linear_regression")
    xs = datasets.model_x(s)
    run = _runs("linear_regression", ("good",), steps=20)[0]
    positions = run.trajectory.positions
    run = replace(
        run,
        validation=datasets.validation_losses(s, positions),
        model=datasets.model_curves(s, positions, xs),
    )
    fig = _figure([run], "linear_regression", model_x=xs)
    go.Figure(**fig)
    model = _trace_index(fig, xaxis="x5", mode="lines")
    for frame in fig["frames"]:
        w, b = positions[int(frame["name"])]
        np.testing.assert_allclose(_frame_data(frame, model)["y"], w * xs + b, rtol=1e-4)


@pytest.mark.parametrize("steps", [20, style.MAX_FRAMES - 1, style.MAX_FRAMES, 400])
def test_frame_count_is_steps_plus_one_capped(steps) -> None:
    fig = _figure(_runs(steps=steps))
    assert len(fig["frames"]) == min(steps + 1, style.MAX_FRAMES)
    slider_steps = fig["layout"]["sliders"][0]["steps"]
    assert [s["args"][0][0] for s in slider_steps] == [f["name"] for f in fig["frames"]]
    assert fig["frames"][-1]["name"] == str(steps)


def _map_positions(run: Run, surface: str) -> np.ndarray:
    """A run's (x, y) on the map at every step: its position, or (x, f(x)) on a curve."""
    tr = run.trajectory
    if surfaces.get(surface).dim == 2:
        return tr.positions
    return np.stack([tr.positions[:, 0], tr.losses], axis=1)


@pytest.mark.parametrize("surface", ["staircase", "parabola"])
def test_each_frame_puts_the_ball_at_the_trajectory_position(surface) -> None:
    runs = _runs(surface, steps=300)
    fig = _figure(runs, surface)
    for run in runs:
        ball = _trace_index(fig, name=run.legend)
        xy = _map_positions(run, surface)
        for frame in fig["frames"]:
            t = int(frame["name"])
            data = _frame_data(frame, ball)
            np.testing.assert_allclose(data["x"][0], xy[t, 0], rtol=1e-4, atol=1e-6)
            np.testing.assert_allclose(data["y"][0], xy[t, 1], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("surface", ["staircase", "parabola"])
def test_one_trace_per_run_draws_its_ball_then_its_trail(surface) -> None:
    """The ball's trace starts at step t and runs back to step t - tail; only that first
    point's marker has colours (the ball's fill and rim), so the trail draws no markers."""
    runs = _runs(surface, steps=60)
    tail = 7
    fig = _figure(runs, surface, tail=tail)
    for run in runs:
        i = _trace_index(fig, name=run.legend)
        trace, xy = fig["data"][i], _map_positions(run, surface)
        assert (trace["mode"], trace["meta"], trace["legendgroup"]) == (
            "lines+markers",
            "ball",
            run.name,
        )
        marker = trace["marker"]
        assert trace["line"]["color"] == marker["color"][0] == run.colour
        assert marker["line"]["color"][0] == style.OUTLINE["light"]
        fills, rims = marker["color"][1:], marker["line"]["color"][1:]
        assert len(fills) == len(rims) == tail
        assert set(fills + rims) == {"rgba(0,0,0,0)"}  # clear
        assert (marker["size"], marker["line"]["width"]) == (style.BALL_SIZE, style.BALL_OUTLINE)
        for frame in fig["frames"]:
            t = int(frame["name"])
            data = _frame_data(frame, i)
            back = xy[max(0, t - tail) : t + 1][::-1]
            assert len(data["x"]) == len(data["y"]) == len(back) <= len(marker["color"])
            np.testing.assert_allclose(np.stack([data["x"], data["y"]], 1), back, 1e-4, 1e-6)


def test_all_runs_share_one_loss_marker_trace_and_one_rate_marker_trace() -> None:
    runs = _runs(presets=("too small", "good", "too large", "diverging"), steps=50)
    fig = _figure(runs)
    colours = [run.colour for run in runs]
    moving = set(fig["frames"][0]["traces"])
    for axis, values in (("y2", "losses"), ("y3", "lrs")):
        (i,) = [i for i, d in enumerate(fig["data"]) if d.get("yaxis") == axis and i in moving]
        assert fig["data"][i]["mode"] == "markers"
        assert fig["data"][i]["marker"]["color"] == colours
        for frame in fig["frames"]:
            t = int(frame["name"])
            at = min(t, len(runs[0].trajectory.lrs) - 1) if values == "lrs" else t
            data = _frame_data(frame, i)
            assert data["x"] == [at] * len(runs)
            want = [getattr(run.trajectory, values)[at] for run in runs]
            got = [np.nan if v is None else v for v in data["y"]]
            np.testing.assert_allclose(got, want, rtol=1e-4, equal_nan=True)
    assert np.isnan(runs[3].trajectory.losses[-1])  # the diverged run's marker is a gap


def test_moving_traces_are_one_per_run_and_two_marker_traces() -> None:
    """Plotly pays per trace on every update: 4 runs animate 6 traces (and the readout),
    over 13 static ones (one outline, each run's path, loss and alpha_t)."""
    runs = _runs(presets=("too small", "good", "too large", "diverging"))
    fig = _figure(runs)
    assert len(fig["frames"][0]["traces"]) == len(runs) + 2 + 1
    exits = [d for d in fig["data"] if d.get("meta") == "exit"]
    assert len(exits) == 1  # the diverging run's leap off the map
    assert len(fig["data"]) == 1 + 3 * len(runs) + 1 + len(runs) + 2 + 1  # the outline first


def test_payload_grows_linearly_with_frames() -> None:
    sizes = {n: _size(_figure(_runs(steps=n), max_frames=10_000)) for n in (100, 200, 400)}
    first = (sizes[200] - sizes[100]) / 100
    second = (sizes[400] - sizes[200]) / 200
    assert first > 0
    assert second == pytest.approx(first, rel=0.15)


def test_static_paths_are_float32_arrays() -> None:
    fig = _figure(_runs())
    static = fig["data"][: fig["frames"][0]["traces"][0]]
    arrays = [d[k] for d in static for k in ("x", "y") if k in d]
    assert len(arrays) == 2 * len(static)
    for a in arrays:
        assert isinstance(a, np.ndarray) and a.dtype == np.float32


def test_positions_after_divergence_are_gaps() -> None:
    runs = _runs(presets=("good", "diverging"), steps=60)
    tr = runs[1].trajectory
    assert tr.diverged_at is not None and tr.diverged_at < 50
    fig = _figure(runs)
    ball = _trace_index(fig, name=runs[1].legend)
    balls = {int(f["name"]): _frame_data(f, ball) for f in fig["frames"]}
    assert all(
        b["x"][0] is None and b["y"][0] is None for t, b in balls.items() if t > tr.diverged_at
    )
    assert all(None not in b["x"] for t, b in balls.items() if t < tr.diverged_at)
    text = fig["frames"][-1]["data"][-1]["text"][0]
    assert f"diverging: diverged at step {tr.diverged_at}" in text


def test_background_is_a_png_at_least_image_side_dense() -> None:
    fig = _figure(_runs())
    (image,) = fig["layout"]["images"]
    prefix = "data:image/png;base64,"
    assert image["source"].startswith(prefix)
    png = Image.open(io.BytesIO(base64.b64decode(image["source"][len(prefix) :])))
    side = background.IMAGE_SIDE
    assert side > GRID_SIDE and png.format == "PNG" and png.size == (side, side)
    (x0, x1), (y0, y1) = STAIRCASE.bounds
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (x0, y1, x1 - x0, y1 - y0)
    assert _figure(_runs("parabola"), "parabola")["layout"]["images"] == []


def test_invalid_runs_raise_value_error() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        _figure([])
    short, long = _runs(presets=("good",), steps=10) + _runs(presets=("good",), steps=20)
    with pytest.raises(ValueError, match="same number of steps"):
        _figure([short, long])
    with pytest.raises(ValueError, match="model_x"):
        _figure([replace(short, model=np.zeros((11, 3)))])


def test_surface3d_validates_with_its_balls_at_the_start_and_few_frame_steps() -> None:
    """The figure has no frames (the chart builds them from the paths, scene3d.js): each
    run's path and its ball at step 0, where ``motion`` says, and few frame steps."""
    runs = _runs(steps=300)
    grid = grids.surface_grid(STAIRCASE, GRID_SIDE)
    fig = surface_figure(runs, STAIRCASE, grid)
    go.Figure(**fig)
    assert "frames" not in fig
    motion = surface3d.motion(runs, STAIRCASE, grid)
    assert 2 <= len(motion["steps"]) <= MAX_FRAMES_3D and motion["steps"][-1] == 300
    for run, ids in zip(runs, motion["runs"], strict=True):
        path, ball = fig["data"][ids["path"]], fig["data"][ids["ball"]]
        assert path["mode"] == "lines" and ball["mode"] == "markers" and ids["name"] == run.name
        np.testing.assert_allclose(path["x"], run.trajectory.positions[:, 0], rtol=1e-6)
        np.testing.assert_allclose(
            [ball["x"][0], ball["y"][0]], run.trajectory.positions[0], rtol=1e-6
        )
    with pytest.raises(ValueError, match="2-parameter"):
        surface_figure(_runs("parabola"), surfaces.get("parabola"), grids.surface_grid("parabola"))


READOUT = re.compile(
    r"\|gradient\| (?P<g>[-\d.e+]+) × α<sub>t</sub> (?P<lr>[-\d.e+]+) → step (?P<step>[-\d.e+]+)"
)


@pytest.mark.parametrize("t", [0, 7, 29])
def test_sgd_readout_is_gradient_times_rate(t) -> None:
    (run,) = _runs(presets=("too large",), steps=30, schedule="exponential", k=0.05)
    tr = run.trajectory
    (text,) = readouts(run, [t])
    numbers = {k: float(v) for k, v in READOUT.search(text).groupdict().items()}
    g = np.linalg.norm(tr.grads[t])
    lr = STAIRCASE.lr_presets["too large"] * np.exp(-0.05 * t)
    # The readout prints 3 significant digits: each number is within 0.5 %.
    assert numbers["g"] == pytest.approx(g, rel=5e-3)
    assert numbers["lr"] == pytest.approx(lr, rel=5e-3)
    assert numbers["step"] == pytest.approx(tr.step_lengths[t], rel=5e-3)
    assert numbers["step"] == pytest.approx(numbers["lr"] * numbers["g"], rel=1.5e-2)
    frame = _figure([run])["frames"][t]
    assert text in frame["data"][-1]["text"][0]


def test_a_constant_rate_panel_starts_at_zero() -> None:
    from optiviz.figures.layout import axes

    s = optiviz.core.surfaces.get("staircase")
    runs = [Run(n, optiviz.simulate(s, n, alpha=0.8, steps=20), "#000") for n in ("sgd", "adam")]
    grid = grids.surface_grid(s, 21)
    assert axes(runs, s, grid, False)["yaxis3"]["range"] == pytest.approx([0.0, 0.96])
    decaying = [
        Run(
            "d",
            optiviz.simulate(s, "sgd", alpha=0.8, schedule="exponential", k=0.1, steps=20),
            "#000",
        )
    ]
    assert "range" not in axes(decaying, s, grid, False)["yaxis3"]


def test_surface3d_mesh_makes_every_riser_a_clean_step_within_budget() -> None:
    runs = _runs(steps=150)
    fig = surface_figure(runs, STAIRCASE, grids.surface_grid(STAIRCASE, 61))
    mesh = fig["data"][0]
    xs = np.asarray(mesh["x"])
    z = np.frombuffer(base64.b64decode(mesh["z"]["bdata"]), np.float32)
    assert mesh["z"]["shape"] == f"{len(xs)}, {len(xs)}"
    z = z.reshape(len(xs), len(xs))
    assert len(xs) >= surface3d.MESH_SIDE >= 161
    fine = grids.surface_grid(STAIRCASE, len(xs)).z
    np.testing.assert_allclose(z, np.minimum(fine, z.max()), rtol=1e-6)
    for riser in staircase.STAIR_RISERS:
        inside = np.abs(xs - riser) < staircase.STAIR_HALF_WIDTH
        assert inside.sum() >= 6, riser
    assert np.isfinite(z).all()
    assert mesh["lighting"]["diffuse"] > 0 and "lightposition" in mesh
    go.Figure(**fig)
    assert len(pio.to_json(fig, validate=False)) < 250_000  # as Streamlit sends it


@pytest.mark.parametrize("name", surfaces.names(dim=2))
def test_surface3d_camera_looks_from_behind_the_start_towards_the_minimum(name: str) -> None:
    s = surfaces.get(name)
    eye = surface3d.camera(s)["eye"]
    (x0, x1), (y0, y1) = s.bounds
    spans = np.array([(x1 - x0) / surface3d.ASPECT["x"], (y1 - y0) / surface3d.ASPECT["y"]])
    offsets = (np.asarray(s.minima) - np.asarray(s.start)) / spans
    travel = offsets[np.argmin(np.linalg.norm(offsets, axis=1))]
    toward = -np.array([eye["x"], eye["y"]]) @ travel / np.linalg.norm(travel)
    assert toward > 0.7 * surface3d.EYE_DISTANCE, name
    assert eye["z"] > 0


def test_surface3d_ball_floats_above_the_surface() -> None:
    """The ball at step 0 floats BALL_LIFT of the spread above its loss, and ``motion``
    tells the chart to put every frame's ball as high above its path."""
    runs = _runs(steps=60)
    grid = grids.surface_grid(STAIRCASE, 61)
    fig = surface_figure(runs, STAIRCASE, grid)
    motion = surface3d.motion(runs, STAIRCASE, grid)
    spread = fig["data"][0]["cmax"] - fig["data"][0]["cmin"]
    for run, ids in zip(runs, motion["runs"], strict=True):
        height = fig["data"][ids["ball"]]["z"][0] - run.trajectory.losses[0]
        assert height == pytest.approx(surface3d.BALL_LIFT * spread / 1.25, rel=1e-3)
        path = fig["data"][ids["path"]]["z"][0] - run.trajectory.losses[0]
        assert path == pytest.approx(motion["path_lift"], rel=1e-3)
        assert path + motion["ball_lift"] == pytest.approx(height, rel=1e-3)


MIN_BALL_PX = 18
"""A ball a class can see from the back of a room (on a projected 1280-pixel page)."""


def test_paths_are_solid_over_a_contrasting_outline_and_balls_are_big() -> None:
    runs = _runs()
    fig = _figure(runs)
    data = fig["data"]
    (j,) = [i for i, d in enumerate(data) if d.get("meta") == "outline"]
    paths = [_path(fig, run) for run in runs]
    outline = data[j]
    assert j < min(paths)  # under every path
    assert outline["line"]["color"] == style.OUTLINE["light"]
    for run, i in zip(runs, paths, strict=True):
        path = data[i]
        assert path["line"]["dash"] == "solid" and path["line"]["color"] == run.colour
        assert "opacity" not in path
        assert outline["line"]["width"] >= path["line"]["width"] + 3
        ball = data[_trace_index(fig, name=run.legend, meta="ball")]
        assert ball["marker"]["size"] >= MIN_BALL_PX
        assert ball["marker"]["line"]["color"][0] == style.OUTLINE["light"]
        assert ball["marker"]["line"]["width"] >= 2
    assert not [d for d in data if d.get("line", {}).get("dash") in ("dot", "dash")]


@pytest.mark.parametrize("presets", [("too small", "good", "too large"), ("good", "diverging")])
def test_one_outline_holds_every_path_each_ended_by_a_gap(presets) -> None:
    """The outline is the runs' paths in run order, each followed by a NaN: a line break,
    so no segment joins one run's end to the next run's start."""
    runs = _runs(presets=presets, steps=40)
    fig = _figure(runs)
    (outline,) = [d for d in fig["data"] if d.get("meta") == "outline"]
    assert outline["x"].dtype == outline["y"].dtype == np.float32
    paths = [fig["data"][_path(fig, run)] for run in runs]
    for axis in ("x", "y"):
        want = np.concatenate([np.append(p[axis], np.nan) for p in paths])
        np.testing.assert_array_equal(outline[axis], want)
    if "diverging" not in presets:  # paths without gaps of their own: one segment per run
        x = outline["x"]
        ends = np.flatnonzero(np.isnan(x))
        segments = np.split(x, ends + 1)[:-1]
        assert len(segments) == len(runs)
        for segment, path in zip(segments, paths, strict=True):
            np.testing.assert_array_equal(segment[:-1], path["x"])


def _path(fig: dict, run: Run) -> int:
    (i,) = [
        i
        for i, d in enumerate(fig["data"])
        if d.get("meta") == "path" and d["line"]["color"] == run.colour
    ]
    return i


def test_outline_contrasts_with_both_themes() -> None:
    """Relative luminance: the light outline is near white, the dark one near black."""

    def luminance(hex_colour: str) -> float:
        rgb = np.array([int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]) / 255
        lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for theme in ("light", "dark"):
        assert ratio(style.OUTLINE[theme], style.PAPER[theme]) < 1.2  # the page's own colour
        assert ratio(style.OUTLINE["light"], style.OUTLINE["dark"]) > 15


@pytest.mark.parametrize("surface", ["staircase", "linear_regression"])
def test_the_self_contained_figures_legend_sits_beside_every_panel(surface) -> None:
    """The HTML download's legend (the runs, by colour) is right of every panel, in a
    margin that holds it: in the loss panel's corner it covered the loss curves."""
    fig = _figure(_runs(surface, presets=tuple(surfaces.get(surface).lr_presets)[:3]), surface)
    view = fig["layout"]
    right = max(a["domain"][1] for k, a in view.items() if k.startswith("xaxis"))
    assert right <= 1.0
    legend = view["legend"]
    assert legend["x"] >= right and legend["xanchor"] == "left"
    assert view["margin"]["r"] >= layout.LEGEND_ROOM
    assert any(d.get("showlegend", True) for d in fig["data"])


def test_surface3d_labels_clear_the_corner_and_the_bottom() -> None:
    """The 3-D view's loss labels start at the surface's lowest point, well above the z
    axis's corner (its "0" sat on y's "2"); the camera looks below the scene's middle, so
    the front axis's last label is not cut off; Play and the step are the chart's HTML,
    under the graph, not Plotly's menus."""
    s = surfaces.get("staircase")
    grid = grids.surface_grid(s, GRID_SIDE)
    fig = surface_figure(_runs(), s, grid)
    scene = fig["layout"]["scene"]
    z = scene["zaxis"]
    low, high = z["range"]
    floor = float(np.nanmin(grid.z))
    assert min(z["tickvals"]) >= floor - 1e-9
    assert min(z["tickvals"]) - low >= 0.15 * (high - low)
    assert len(z["tickvals"]) >= 2 and max(z["tickvals"]) <= high
    assert scene["camera"]["center"]["z"] <= -0.25
    assert "sliders" not in fig["layout"] and "updatemenus" not in fig["layout"]


def test_a_path_that_leaves_the_map_is_marked_where_it_leaves() -> None:
    """Momentum on the staircase runs off the map's right edge (x = 6): an arrow in its
    colour sits on that edge, outside the axes' clipping, and its verdict line names the
    step; a run that stays inside has neither."""
    s = surfaces.get("staircase")
    runs = [
        Run("gd", optiviz.simulate(s, "sgd", alpha=0.8, steps=150), style.PALETTE[0]),
        Run("momentum", optiviz.simulate(s, "momentum", alpha=0.8, steps=150), style.PALETTE[1]),
    ]
    fig = _figure(runs)
    (arrow,) = [d for d in fig["data"] if d.get("meta") == "exit"]
    (x0, x1), (y0, y1) = s.bounds
    assert arrow["x"] == [pytest.approx(x1)] and y0 <= arrow["y"][0] <= y1
    assert arrow["marker"]["color"] == runs[1].colour and arrow["cliponaxis"] is False
    assert arrow["marker"]["angle"] == 90  # pointing out through the right edge
    where = map_exit(runs[1].trajectory, s)
    path = runs[1].trajectory.positions
    assert np.all(path[: where.step, 0] <= x1) and path[where.step, 0] > x1
    lines = notes(runs, s)["verdicts"]
    assert f"leaves the map at step {where.step}" in lines[1]["final"]
    assert "leaves" not in lines[0]["final"] and map_exit(runs[0].trajectory, s) is None
