"""The 3-D view's JavaScript (optiviz/ui/chart/scene3d.js, view3d.js), run in Node on the
chart's data: the frames put each ball where the engine's run is at that step, and the
swap of a packed α family's member draws what ``optiviz.simulate`` returns at that stop."""

from __future__ import annotations

import numpy as np
import pytest

import optiviz
from optiviz.core import surfaces
from optiviz.figures import chart_data as cd
from optiviz.figures import chart_sliders, surface3d
from optiviz.figures.notes import notes
from optiviz.figures.runs import Run
from optiviz.scenes import Scene, grids, params
from optiviz.scenes.family import family
from tests.test_chart_js import NODE, _nan, _run_js

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

FRAMES_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, frames3d } = await import(process.argv.at(-1));
const { playOptions3d } = await import(new URL("view3d.js", process.argv.at(-1)));
const data = JSON.parse(readFileSync(0, "utf8"));
const figure = decode(data.figure);
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : Number.isNaN(v) ? "NaN" : v);
process.stdout.write(JSON.stringify({
  frames: frames3d(figure, data.scene3d), hidden: frames3d(figure, data.scene3d, (i) => i === 1),
  play: playOptions3d(data.scene3d),
}, plain));
"""

SWAP_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, swapped3d } = await import(process.argv.at(-1));
const { unpack } = await import(new URL("decode.js", process.argv.at(-1)));
const [data, index] = JSON.parse(readFileSync(0, "utf8"));
const sliders = await unpack(data.sliders);
const view = { ...data, figure: decode(data.figure) };
const out = swapped3d(view, sliders[0], index);
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : Number.isNaN(v) ? "NaN" : v);
process.stdout.write(JSON.stringify({
  data: out.figure.data, notes: out.notes,
  before: view.figure.data[view.scene3d.runs[0].path].x,
}, plain));
"""

STEPS = 90


def _lifted(losses: np.ndarray, ceiling: float, lift: float) -> np.ndarray:
    """The engine's losses as the scene's heights: lifted, a gap above the ceiling."""
    return np.where(losses <= ceiling, losses + lift, np.nan)


def test_js_frames_put_each_ball_where_its_run_is_at_the_step(tmp_path) -> None:
    """Frame t holds each run's ball at the engine's position at step t, ball_lift above
    its path (the loss lifted by BALL_LIFT of the spread, a gap above the ceiling); a
    hidden run's ball is a gap; Play redraws each frame at the view's frame time."""
    surface = surfaces.get("staircase")
    runs = [
        Run(f"α={a:g}", optiviz.simulate(surface, "sgd", alpha=a, steps=STEPS), "#123456")
        for a in (0.3, 4.2)  # 4.2 leaves the surface's cap: its ball goes when its path does
    ]
    chart = cd.surface_chart(Scene(surface, tuple(runs)), grids.surface_grid(surface, 41))
    out = _run_js(FRAMES_RUNNER, tmp_path, chart)

    motion = chart["scene3d"]
    lift = motion["path_lift"] + motion["ball_lift"]
    spread = motion["path_lift"] / surface3d.PATH_LIFT
    assert lift == pytest.approx(surface3d.BALL_LIFT * spread)
    assert [f["name"] for f in out["frames"]] == [str(t) for t in motion["steps"]]
    assert 2 <= len(out["frames"]) <= surface3d.MAX_FRAMES_3D
    for frame, hidden in zip(out["frames"], out["hidden"], strict=True):
        t = int(frame["name"])
        assert frame["traces"] == [run["ball"] for run in motion["runs"]]
        for i, run in enumerate(runs):
            p, loss = run.trajectory.positions[t], run.trajectory.losses[t]
            z = _lifted(np.array([loss]), motion["ceiling"], lift)
            got = frame["data"][i]
            np.testing.assert_allclose(_nan(got["x"] + got["y"]), p, rtol=1e-6)
            np.testing.assert_allclose(_nan(got["z"]), z, rtol=1e-5, equal_nan=True)
        assert np.isnan(_nan(hidden["data"][1]["x"])).all()
        assert hidden["data"][0] == frame["data"][0]
    assert any(np.isnan(_nan(f["data"][1]["z"])).all() for f in out["frames"]), "4.2 leaves"
    assert out["play"]["frame"] == {"duration": surface3d.FRAME_MS_3D, "redraw": True}


@pytest.mark.parametrize(
    ("name", "alpha", "optimizer"),
    [("staircase", 0.42, "sgd"), ("staircase", 4.2, "sgd"), ("rosenbrock", 0.0011, "momentum")],
)
def test_js_3d_swap_draws_the_member_simulate_returns(name, alpha, optimizer, tmp_path) -> None:
    """The swap of a packed α family's member into the 3-D view draws simulate's run at
    that stop: its path within 1/5000 of the view's span, at z = its loss + path_lift (a
    gap above the ceiling), and its verdict line (a diverging member's says its step) and
    first step as the settled chart of that run writes them."""
    surface = surfaces.get(name)
    stops = params.alpha_options()
    j = chart_sliders.nearest_index(stops, alpha)
    start = optiviz.simulate(surface, optimizer, alpha=stops[0], steps=STEPS)
    scene = Scene(surface, (Run("α=start", start, "#123456"),))
    chart = cd.surface_chart(scene, grids.surface_grid(surface, 41))
    box = [list(b) for b in surface.bounds]
    fam = family(surface, optimizer, "alpha", stops, alpha=0.0, steps=STEPS)
    names = [f"α={v:g}" for v in stops]
    slider = chart_sliders.slider_chart(
        "alpha", stops, stops[0], [chart_sliders.family_chart(fam, 0, names, surface, box)]
    )
    out = _run_js(SWAP_RUNNER, tmp_path, [chart | {"sliders": [slider]}, j])

    engine = optiviz.simulate(surface, optimizer, alpha=stops[j], steps=STEPS)
    path = out["data"][chart["scene3d"]["runs"][0]["path"]]
    span = max(b[1] - b[0] for b in box)
    for col, axis in enumerate("xy"):
        got, ref = _nan(path[axis]), engine.positions[:, col]
        assert np.array_equal(np.isfinite(got), np.isfinite(ref))
        inside = np.isfinite(ref) & (np.abs(ref - np.mean(box[col])) < span)
        assert np.max(np.abs(got[inside] - ref[inside])) <= span / 5000
    motion = chart["scene3d"]
    want = _lifted(engine.losses, motion["ceiling"], motion["path_lift"])
    np.testing.assert_allclose(_nan(path["z"]), want, rtol=1e-5, equal_nan=True)
    assert _nan(out["before"]).tolist() != _nan(path["x"]).tolist()
    expected = notes([Run(names[j], engine, "#123456")], surface)
    assert out["notes"]["verdicts"][0] == expected["verdicts"][0]
    assert out["notes"]["first_steps"][0] == expected["first_steps"][0]
    if alpha == 4.2:
        assert expected["verdicts"][0]["label"].startswith("diverged at step")
