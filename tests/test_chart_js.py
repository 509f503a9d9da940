"""The chart's JavaScript builds the same frames and readouts as ``path_animation``: run
in Node on the component's data, compared with the Python figure of the same scene."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import optiviz
from optiviz import scenes
from optiviz.core import surfaces
from optiviz.core.surfaces import datasets
from optiviz.figures import style
from optiviz.figures.animation import path_animation
from optiviz.figures.chart_data import map_chart
from optiviz.figures.runs import Run
from optiviz.scenes import Scene, grids
from tests.support.arrays import decode_array

JS = Path(__file__).resolve().parents[1] / "optiviz" / "ui" / "chart" / "chart.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

RUNNER = """
import { readFileSync } from "node:fs";
const { decode, mapFigure, readoutText, tracks } = await import(process.argv.at(-1));
const data = JSON.parse(readFileSync(0, "utf8"));
const [figure, animation] = [decode(data.figure), decode(data.animation)];
const built = mapFigure(figure, animation);
const runs = tracks(figure, animation);
const readouts = animation.steps.map((_, i) => readoutText(runs, animation, i));
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
process.stdout.write(JSON.stringify({frames: built.frames, layout: built.layout, readouts}, plain));
"""


def _scene(surface: str, alphas, steps: int) -> Scene:
    s = surfaces.get(surface)
    runs = [
        Run(f"α={a:g}", optiviz.simulate(s, "sgd", alpha=a, steps=steps), style.run_colour(i))
        for i, a in enumerate(alphas)
    ]
    xs = None if s.n_samples is None else datasets.model_x(s)
    return Scene(s, tuple(scenes.with_data(runs, s)), model_x=xs)


def _run_js(runner: str, tmp_path: Path, payload=None):
    """Run ``runner`` in Node with chart.js importable as its last argument and
    ``payload`` as JSON on stdin; its JSON output."""
    for source in JS.parent.glob("*.js"):  # the chart's modules, importing each other
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / "package.json").write_text('{"type": "module"}')
    module = tmp_path / JS.name
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", runner, "--", module.as_uri()],
        input=None if payload is None else json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def _built(chart: dict, tmp_path: Path) -> dict:
    return _run_js(RUNNER, tmp_path, chart)


def _values(a) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in a], dtype=float)


@pytest.mark.parametrize(
    ("surface", "alphas", "steps"),
    [("staircase", (0.055, 0.8, 2.8, 4.0), 150), ("linear_regression", (0.5,), 300)],
)
def test_js_frames_match_path_animation(surface, alphas, steps, tmp_path) -> None:
    scene = _scene(surface, alphas, steps)
    grid = grids.surface_grid(scene.surface, 41)
    chart = map_chart(scene, grid)
    built = _built(chart, tmp_path)
    expected = path_animation(
        scene.runs, scene.surface, grid, cloud=scene.cloud, model_x=scene.model_x
    )
    assert [f["name"] for f in built["frames"]] == [f["name"] for f in expected["frames"]]
    # The component draws Play, Pause and the step slider itself, at the same frame rate.
    assert "sliders" not in built["layout"] and "updatemenus" not in built["layout"]
    play = expected["layout"]["updatemenus"][0]["buttons"][0]["args"][1]
    assert chart["animation"]["frame_ms"] == play["frame"]["duration"] == style.FRAME_MS
    for js, py, text in zip(built["frames"], expected["frames"], built["readouts"], strict=True):
        # The chart draws the readout (last) as HTML.
        assert js["traces"] == py["traces"][:-1]
        *py_moving, py_text = py["data"]
        assert [text] == py_text["text"], js["name"]
        for a, b in zip(js["data"], py_moving, strict=True):
            for axis in ("x", "y"):
                np.testing.assert_allclose(
                    _values(a[axis]), _values(b[axis]), rtol=1e-4, atol=1e-6, equal_nan=True
                )


HIDDEN_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, frameData, hiddenTraces, tracks } = await import(process.argv.at(-1));
const data = JSON.parse(readFileSync(0, "utf8"));
const [figure, animation] = [decode(data.figure), decode(data.animation)];
const runs = tracks(figure, animation);
runs[1].hidden = true;
const traces = hiddenTraces(runs, animation);
const frame = frameData(runs, animation, 40);
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : Number.isNaN(v) ? "NaN" : v);
process.stdout.write(JSON.stringify({traces, frame}, plain));
"""


@pytest.mark.parametrize(
    ("surface", "alphas"),
    [
        ("staircase", (0.055, 0.8, 2.8)),
        ("staircase", (0.8, 4.0, 2.8)),
        ("linear_regression", (0.005, 0.05, 0.5)),
    ],
)
def test_js_a_hidden_run_loses_its_traces_and_markers(surface, alphas, tmp_path) -> None:
    """Hiding run 1 (a click on its verdict) hides its path, loss and α_t lines, its ball
    (and its model on a data surface, its arrow where it leaves the map); its loss and α_t
    markers become gaps."""
    scene = _scene(surface, alphas, 150)
    chart = map_chart(scene, grids.surface_grid(scene.surface, 41))
    out = _run_js(HIDDEN_RUNNER, tmp_path, chart)
    run = chart["animation"]["runs"][1]
    data = chart["figure"]["data"]
    ball = [i for i, t in enumerate(data) if t.get("meta") == "ball"][1]
    own = {run["path"], run["loss"], run["rate"], ball}
    if alphas[1] == 4.0:
        assert data[run["exit"]]["meta"] == "exit"  # α = 4 leaves the staircase's map
    if "exit" in run:
        own.add(run["exit"])
    if scene.model_x is not None:
        own.add(ball + 1)  # the run's model curve follows its ball
    assert set(out["traces"]) == own
    assert {data[run["loss"]]["name"], data[run["rate"]]["name"]} == {
        f"{run['name']} training loss",
        f"{run['name']} α_t",
    }
    loss_markers, rate_markers = out["frame"][-2:]
    assert [v == "NaN" for v in loss_markers["y"]] == [False, True, False]
    assert [v == "NaN" for v in rate_markers["y"]] == [False, True, False]


UNOUTLINED_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, tracks, unoutlined } = await import(process.argv.at(-1));
const data = JSON.parse(readFileSync(0, "utf8"));
const [figure, animation] = [decode(data.figure), decode(data.animation)];
const runs = tracks(figure, animation);
runs[1].hidden = true;
const traces = unoutlined(figure.data, runs);
const outline = traces.find((t) => t.meta === "outline");
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : Number.isNaN(v) ? "NaN" : v);
process.stdout.write(JSON.stringify({x: outline.x, y: outline.y}, plain));
"""


def test_js_a_hidden_run_leaves_no_outline(tmp_path) -> None:
    """The outline under the paths loses a hidden run's stretch (a white ghost otherwise
    stays on the map); the other runs' stretches are kept exactly."""
    scene = _scene("staircase", (0.055, 0.8, 2.8), 60)
    chart = map_chart(scene, grids.surface_grid(scene.surface, 41))
    out = _run_js(UNOUTLINED_RUNNER, tmp_path, chart)
    data = chart["figure"]["data"]
    paths = [decode_array(data[r["path"]]["x"]) for r in chart["animation"]["runs"]]
    got = _values([np.nan if v == "NaN" else v for v in out["x"]])
    want = np.concatenate(
        [np.append(np.full(len(p), np.nan) if i == 1 else p, np.nan) for i, p in enumerate(paths)]
    )
    np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)
    assert np.isfinite(got).sum() == len(paths[0]) + len(paths[2])


OUTLINE_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, outlined } = await import(process.argv.at(-1));
const data = JSON.parse(readFileSync(0, "utf8"));
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
const out = [false, true].map((dark) => outlined(decode(data.figure).data, data.outline, dark));
process.stdout.write(JSON.stringify(out, plain));
"""


def test_js_outlines_contrast_with_the_theme(tmp_path) -> None:
    scene = _scene("staircase", (0.8, 2.8), 30)
    chart = map_chart(scene, grids.surface_grid(scene.surface, 41))
    themes = _run_js(OUTLINE_RUNNER, tmp_path, chart)
    for theme, data in zip(("light", "dark"), themes, strict=True):
        outlines = [d["line"]["color"] for d in data if d.get("meta") == "outline"]
        rims = [d["marker"]["line"]["color"] for d in data if d.get("meta") == "ball"]
        assert outlines == [style.OUTLINE[theme]]  # one outline under every path
        clear = ["rgba(0,0,0,0)"] * style.TAIL  # the trail's points: no marker
        assert rims == [[style.OUTLINE[theme], *clear]] * len(scene.runs)
        paths = [d for d in data if d.get("meta") == "path"]
        assert [d["line"]["color"] for d in paths] == [r.colour for r in scene.runs]
        assert all(d["line"]["dash"] == "solid" for d in paths)


SPEED_RUNNER = """
const { atSpeed, strided } = await import(process.argv.at(-1));
const play = { frame: { duration: 30, redraw: false }, mode: "immediate" };
const names = Array.from({ length: 11 }, (_, i) => String(i));
const out = [0.5, 1, 2].map((speed) => {
  const plan = atSpeed(play, speed);
  return { duration: plan.options.frame.duration, stride: plan.stride,
           names: strided(names, plan.stride), redraw: plan.options.frame.redraw };
});
process.stdout.write(JSON.stringify(out));
"""


def test_js_speeds_scale_the_time_per_step(tmp_path) -> None:
    """½× shows each frame twice as long; 2× halves the time per step, as every second
    frame for 30 ms (the browser draws no faster), still ending on the last frame."""
    half, normal, double = _run_js(SPEED_RUNNER, tmp_path)
    per_step = [p["duration"] / p["stride"] for p in (half, normal, double)]
    assert per_step == [60, 30, 15]
    assert normal["names"] == [str(i) for i in range(11)] and normal["stride"] == 1
    assert double["names"] == ["1", "3", "5", "7", "9", "10"] and double["duration"] == 30
    assert half["names"] == normal["names"] and not double["redraw"]


PLAY_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, playOptions } = await import(process.argv.at(-1));
const charts = JSON.parse(readFileSync(0, "utf8"));
const out = charts.map((c) => playOptions(decode(c.animation)));
process.stdout.write(JSON.stringify(out));
"""


def test_js_play_options_per_view(tmp_path) -> None:
    """Play (and Play resumed after a rerun) runs the top view at its frame time without a
    redraw (the 3-D view's, with a redraw per frame: tests/test_chart_3d.py)."""
    scene = _scene("staircase", (0.8, 2.8), 30)
    grid = grids.surface_grid(scene.surface, 41)
    (top,) = _run_js(PLAY_RUNNER, tmp_path, [map_chart(scene, grid)])
    assert top["frame"] == {"duration": style.FRAME_MS, "redraw": False}


PRESENT_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, presentedLayout } = await import(process.argv.at(-1));
const data = JSON.parse(readFileSync(0, "utf8"));
const layout = decode(data.figure).layout;
const out = [true, false].map((present) => presentedLayout(layout, present));
process.stdout.write(JSON.stringify(out));
"""


def test_js_presenter_mode_enlarges_the_type_and_its_margins(tmp_path) -> None:
    """Presenter mode's chart type: 18 px tick labels (axis titles are Plotly's 1.2 times
    that), and the left, top and bottom margins grown as much, so the larger labels fit."""
    scene = _scene("staircase", (0.8, 2.8), 30)
    chart = map_chart(scene, grids.surface_grid(scene.surface, 41))
    shown, normal = _run_js(PRESENT_RUNNER, tmp_path, chart)
    layout = chart["figure"]["layout"]
    assert normal == json.loads(json.dumps(layout))
    assert shown["font"]["size"] == 18 and shown["font"]["family"] == style.FONT["family"]
    scale = 18 / style.FONT["size"]
    for side in ("l", "t", "b"):
        assert shown["margin"][side] == round(layout["margin"][side] * scale)
    assert shown["margin"]["r"] == layout["margin"]["r"]


SWAP_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, readoutText, swapped, tracks } = await import(process.argv.at(-1));
const { unpack } = await import(new URL("decode.js", process.argv.at(-1)));
const [data, index] = JSON.parse(readFileSync(0, "utf8"));
const sliders = await unpack(data.sliders);
const view = { ...data, figure: decode(data.figure), animation: decode(data.animation) };
const out = swapped(view, sliders[0], index);
const runs = tracks(out.figure, out.animation);
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : Number.isNaN(v) ? "NaN" : v);
process.stdout.write(JSON.stringify({
  data: out.figure.data, runs: out.animation.runs, notes: out.notes,
  readouts: out.animation.steps.map((_, i) => readoutText(runs, out.animation, i)),
  before: view.figure.data[view.animation.runs[sliders[0].families[0].run].path].x,
}, plain));
"""


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v in (None, "NaN") else v for v in values], dtype=float)


@pytest.mark.parametrize(("alpha", "optimizer"), [(0.42, "sgd"), (4.2, "sgd"), (0.087, "momentum")])
def test_js_swap_draws_the_member_simulate_returns(alpha, optimizer, tmp_path) -> None:
    """The chart's swap of a packed α family's member into the single run draws what the
    settled chart of that member draws (its loss, α_t, readout on every frame, verdict
    line, first step and exit arrow), its path within 1/5000 of the map's span of the
    engine's, and within it of ``simulate``'s at that stop."""
    from optiviz.figures import chart_data as cd
    from optiviz.figures import chart_sliders
    from optiviz.figures.notes import notes
    from optiviz.scenes import params
    from optiviz.scenes.family import family

    surface = surfaces.get("staircase")
    stops = params.alpha_options()
    j = chart_sliders.nearest_index(stops, alpha)
    runs = [Run("α=0.8", optiviz.simulate(surface, optimizer, alpha=0.8, steps=90), "#123456")]
    grid = grids.surface_grid(surface, 41)
    chart = map_chart(Scene(surface, tuple(runs)), grid, follows=(0,))
    box = cd.map_box(chart["figure"]["layout"])
    fam = family(surface, optimizer, "alpha", stops, alpha=0.0, steps=90)
    names = [f"α={v:g}" for v in stops]
    slider = chart_sliders.slider_chart(
        "alpha", stops, 0.8, [chart_sliders.family_chart(fam, 0, names, surface, box)]
    )
    out = _run_js(SWAP_RUNNER, tmp_path, [chart | {"sliders": [slider]}, j])

    want = Run(names[j], fam.member(j), "#123456")
    settled = map_chart(Scene(surface, (want,)), grid, follows=(0,))
    ids = chart["animation"]["runs"][0]
    span = max(b[1] - b[0] for b in box)
    engine = optiviz.simulate(surface, optimizer, alpha=stops[j], steps=90).positions
    for col, axis in enumerate("xy"):
        got, ref = _nan(out["data"][ids["path"]][axis]), want.trajectory.positions[:, col]
        assert np.array_equal(np.isfinite(got), np.isfinite(ref))
        inside = np.isfinite(ref) & (np.abs(ref - np.mean(box[col])) < span)
        assert np.max(np.abs(got[inside] - ref[inside])) <= span / 5000
        assert np.max(np.abs(got[inside] - engine[inside, col])) <= span / 5000
    np.testing.assert_allclose(
        _nan(out["data"][ids["loss"]]["y"]), want.trajectory.losses, rtol=1e-6, equal_nan=True
    )
    np.testing.assert_allclose(_nan(out["data"][ids["rate"]]["y"]), want.trajectory.lrs, rtol=1e-6)
    expected = notes([want], surface)
    assert out["notes"]["verdicts"][0] == expected["verdicts"][0]
    assert out["notes"]["first_steps"][0] == expected["first_steps"][0]
    assert out["readouts"] == _run_js(RUNNER, tmp_path, settled)["readouts"]
    exit_ = settled["figure"]["data"][settled["animation"]["runs"][0]["exit"]]
    assert _nan(out["data"][ids["exit"]]["x"]) == pytest.approx(_nan(exit_["x"]), nan_ok=True)
    if alpha > 4:
        assert want.trajectory.verdict == "diverged" and np.isfinite(_nan(exit_["x"])).all()
    assert len(out["before"]) == len(runs[0].trajectory.positions)  # the view is unchanged


PRIVATE = (
    "_fullLayout",
    "_fullData",
    "_transitionData",
    "_input",
    "._offset",
    "._length",
    ".p2l(",
    ".c2p(",
)


def test_plotly_private_fields_are_read_in_the_adapter_only() -> None:
    """Every use of plotly.js's private fields sits in plotly_adapter.js, and every module
    the chart imports is a file of its asset directory (Streamlit serves them from there),
    each imported by another but the entries: the student's map (pick.js), the share link's
    box (share.js), the fit view's figures (figure.js) and the HTML download's page
    (standalone.js, which imports the chart's entry, chart.js)."""
    modules = {path.name: path.read_text() for path in JS.parent.glob("*.js")}
    imports = [re.findall(r'from "\./([\w.]+)"', text) for text in modules.values()]
    jobs = ["decode", "family", "slider", "plotly_adapter", "loader", "frames", "player"]
    jobs += ["controls", "keys", "notes", "hiding", "theme", "fit"]
    assert {f"{job}.js" for job in jobs} <= {name for found in imports for name in found}
    assert set(modules) - {name for found in imports for name in found} == {
        "figure.js",
        "pick.js",
        "share.js",
        "standalone.js",
    }
    for name, text in modules.items():
        used = [field for field in PRIVATE if field in text]
        assert (name == "plotly_adapter.js") == bool(used), (name, used)
        for imported in re.findall(r'from "\./([\w.]+)"', text):
            assert imported in modules, (name, imported)


EDGE_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, hiddenTraces, swapped, tracks } = await import(process.argv.at(-1));
const { unpack } = await import(new URL("decode.js", process.argv.at(-1)));
const [data, index] = JSON.parse(readFileSync(0, "utf8"));
const sliders = await unpack(data.sliders);
const view = { ...data, figure: decode(data.figure), animation: decode(data.animation) };
const out = swapped(view, sliders[0], index);
const runs = tracks(view.figure, view.animation);
runs[0].hidden = true;
const edge = view.animation.runs[0].edge;
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
process.stdout.write(JSON.stringify({
  swapped: out.figure.data[edge], kept: view.figure.data[edge],
  hidden: hiddenTraces(runs, view.animation),
}, plain));
"""


def test_js_a_followers_threshold_line_is_the_members_off_its_alpha_and_hides_with_it(
    tmp_path,
) -> None:
    """A run's dashed 2/λ_max(θ_t) line was computed along its settled path: while the α
    thumb shows another member the swap draws that member's own line (the family's
    ``edge``, to 3 digits), the view keeps the run's for the settled α, and hiding the run
    (its verdict clicked) hides the line too."""
    from optiviz.core import stability
    from optiviz.figures import chart_data as cd
    from optiviz.figures import chart_sliders
    from optiviz.scenes import params
    from optiviz.scenes.family import family

    surface = surfaces.get("staircase")
    stops = params.alpha_options()
    traj = optiviz.simulate(surface, "sgd", alpha=0.8, steps=60)
    edge = stability.critical_alpha_along(surface, traj.positions, "sgd")
    runs = (Run("α=0.8", traj, "#123456", edge=edge),)
    chart = map_chart(Scene(surface, runs), grids.surface_grid(surface, 41), follows=(0,))
    box = cd.map_box(chart["figure"]["layout"])
    fam = family(surface, "sgd", "alpha", stops, alpha=0.0, steps=60)
    names = [f"α={v:g}" for v in stops]
    slider = chart_sliders.slider_chart(
        "alpha", stops, 0.8, [chart_sliders.family_chart(fam, 0, names, surface, box)]
    )
    j = chart_sliders.nearest_index(stops, 2.8)
    assert j != slider["index"]
    out = _run_js(EDGE_RUNNER, tmp_path, [chart | {"sliders": [slider]}, j])

    ids = chart["animation"]["runs"][0]
    assert out["swapped"]["meta"] == "edge" and out["swapped"]["line"]["dash"] == "dash"
    own = stability.critical_alpha_along(surface, fam.member(j).positions, "sgd")
    assert len(out["swapped"]["y"]) == len(traj.lrs)
    np.testing.assert_allclose(
        _nan(out["swapped"]["y"]), [float(f"{v:.3g}") for v in own[: len(traj.lrs)]], rtol=1e-9
    )
    np.testing.assert_allclose(_nan(out["kept"]["y"]), edge[: len(traj.lrs)], rtol=1e-6)
    assert ids["edge"] in out["hidden"] and ids["path"] in out["hidden"]


KEY_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, gapFitted, presentedLayout } = await import(process.argv.at(-1));
const [data, heights] = JSON.parse(readFileSync(0, "utf8"));
const layout = presentedLayout(decode(data.figure).layout, true);
const key = (notes) => notes.find((a) => a.name === "rate key");
process.stdout.write(JSON.stringify({
  present: key(layout.annotations).font.size,
  fitted: heights.map((h) => key(gapFitted({ ...layout, height: h }, layout.annotations))
    .font.size),
}));
"""


def test_js_presenter_mode_enlarges_the_rate_key_within_its_gap(tmp_path) -> None:
    """The α_t panel's "rate key" grows with presenter mode's type (18 / 13 of its 10 px)
    and, on a short top view, shrinks to what the gap above the panel holds, so it never
    reaches the loss panel."""
    from optiviz.core import stability

    surface = surfaces.get("staircase")
    traj = optiviz.simulate(surface, "sgd", alpha=0.8, steps=30)
    edge = stability.critical_alpha_along(surface, traj.positions, "sgd")
    scene = Scene(surface, (Run("α=0.8", traj, "#123456", edge=edge),))
    chart = map_chart(scene, grids.surface_grid(surface, 41))
    layout = chart["figure"]["layout"]
    (key,) = [a for a in layout["annotations"] if a["name"] == "rate key"]
    heights = [1000, 260]  # 260: the shortest presenter view (chart.js PRESENT_MIN_PX)
    out = _run_js(KEY_RUNNER, tmp_path, [chart, heights])
    assert key["font"]["size"] == 10
    assert out["present"] == round(10 * 18 / style.FONT["size"]) == 14
    margin = layout["margin"]
    scale = 18 / style.FONT["size"]
    gap = layout["yaxis2"]["domain"][0] - layout["yaxis3"]["domain"][1]
    for height, size in zip(heights, out["fitted"], strict=True):
        plot = height - round(margin["t"] * scale) - round(margin["b"] * scale)
        assert size == max(9, min(14, int(gap * plot // 1.4)))
    assert out["fitted"][0] == 14 and out["fitted"][-1] < 14  # a tall view keeps it whole


KEPT_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, keptPayload, settledView, tracks } = await import(process.argv.at(-1));
const { unpack } = await import(new URL("decode.js", process.argv.at(-1)));
const [held, answers] = JSON.parse(readFileSync(0, "utf8"));
const payloads = [];
let data = held;
for (const answer of answers) payloads.push((data = keptPayload(data, answer)));
const sliders = await unpack(data.sliders);
const base = { ...data, figure: decode(data.figure), animation: decode(data.animation), sliders };
const { view, stale } = settledView(base, data.settled);
const [run] = tracks(view.figure, view.animation);
const path = view.figure.data[view.animation.runs[0].path];
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
process.stdout.write(JSON.stringify({
  payloads, stale, x: path.x, y: path.y, name: view.notes.verdicts[0].name, run: run.name,
}, plain));
"""


def test_js_a_kept_payload_draws_the_runs_at_every_stop_let_go(tmp_path) -> None:
    """The decay view let go at α = 1, then k = 0.0056, each answered with a keep and the
    other slider's families (``release.answer``): the chart derives the payload the server
    records (``chart_component.settled``, to the byte), and draws the single run as the
    engine runs it at (1, 0.0056), to the map's quantisation, where the figure still
    draws the run at (0.87, 0.0075)."""
    from dataclasses import replace

    from optiviz.devtools.examples import staircase_settings
    from optiviz.figures import chart_data as cd
    from optiviz.ui import chart_component, explore_chart, release

    s0 = staircase_settings(mode="single", presets=(), alpha=0.87, schedule="exponential")
    s0 = replace(s0, k=0.0075)
    chart = explore_chart.compute_chart(s0)
    held = chart | {"token": chart_component.digest(chart)}
    s1, s2 = replace(s0, alpha=1.0), replace(s0, alpha=1.0, k=0.0056)
    whole = lambda key: False  # noqa: E731 (every family sent whole)
    first = release.answer(held, s0, s1, "alpha", 1.0, whole)
    second = release.answer(chart_component.settled(held, first), s1, s2, "k", 0.0056, whole)
    assert [s["key"] for s in first["sliders"]] == ["k"]
    assert [s["key"] for s in second["sliders"]] == ["alpha"]
    out = _run_js(KEPT_RUNNER, tmp_path, [held, [first, second]])

    derived = chart_component.settled(held, first)
    recorded = [derived, chart_component.settled(derived, second)]
    assert out["payloads"] == json.loads(json.dumps(recorded))  # the sliders' tuples as lists
    assert out["stale"] is None and out["payloads"][1]["settled"] == ["alpha", "k"]
    assert out["name"] == out["run"] == "α=1"
    box = np.asarray(cd.map_box(chart["figure"]["layout"]))
    unit = 3 * (box[:, 1] - box[:, 0]) / 65534  # packing.quantised's step per axis
    want = scenes.scene(s2).runs[0].trajectory.positions
    before = scenes.scene(s0).runs[0].trajectory.positions
    assert np.abs(want - before).max() > 100 * unit.max()
    for axis, drawn in enumerate((out["x"], out["y"])):
        np.testing.assert_allclose(_nan(drawn), want[: len(drawn), axis], atol=unit[axis])


SAME_AS_DRAWN = """
const { sameAsDrawn } = await import(process.argv.at(-1));
const drawn = { latest: { token: "t1-rf", present: false } };
process.stdout.write(JSON.stringify([
  sameAsDrawn(drawn, { token: "t1-rf", present: false }),
  sameAsDrawn(drawn, { token: "t1-rr", present: false }),
  sameAsDrawn(drawn, { token: "t1-rf", present: true }),
  sameAsDrawn(drawn, { keep: "t1-rf", key: "alpha", value: 0.5 }),
  sameAsDrawn({}, { token: "t1-rf", present: false }),
  sameAsDrawn(drawn, { present: false }),
]));
"""


def test_a_rerun_that_sends_the_payload_drawn_again_leaves_the_chart_as_it_is(
    tmp_path: Path,
) -> None:
    """The chart's bytes are a new array on every rerun, so Streamlit calls the chart
    again: a whole payload with the drawn one's token and presenter mode is not drawn
    again (its animation keeps playing); another token, presenter mode, a keep, a chart
    that has drawn nothing, or a payload without a token is."""
    assert _run_js(SAME_AS_DRAWN, tmp_path) == [True, False, False, False, False, False]
