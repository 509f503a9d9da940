"""Inside a step: the arrows the chart draws at the step shown are ``step_parts``' vectors
(run in Node on the component's data, compared with ``step_parts`` of the same runs), for
settled runs and for a slider's family members, with the key, the effective step of an
adaptive rule and each member's own threshold line."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import replace as dataclasses_replace

import numpy as np
import pytest

import optiviz
from optiviz.core import optimizers, stability, surfaces
from optiviz.core.step_parts import step_parts
from optiviz.figures import chart_data as cd
from optiviz.figures import chart_sliders, edges, packing
from optiviz.figures.chart_data import map_chart
from optiviz.figures.runs import Run
from optiviz.scenes import Scene, grids, params
from optiviz.scenes.family import family
from tests.test_chart_js import NODE, _run_js

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

ARROWS_RUNNER = """
import { readFileSync } from "node:fs";
const { decode, tracks, swapped } = await import(process.argv.at(-1));
const { arrowData, rateText } = await import(new URL("arrows.js", process.argv.at(-1)));
const { unpack } = await import(new URL("decode.js", process.argv.at(-1)));
const [data, steps, member, hidden] = JSON.parse(readFileSync(0, "utf8"));
let view = { ...data, figure: decode(data.figure), animation: decode(data.animation) };
let edge = null;
if (member !== null) {
  const sliders = await unpack(data.sliders);
  view = swapped(view, sliders[0], member);
  const own = view.animation.runs[0].edge;
  edge = own === undefined ? null : view.figure.data[own].y;
}
const runs = tracks(view.figure, view.animation);
runs.forEach((run, i) => (run.hidden = hidden.includes(i)));
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
process.stdout.write(JSON.stringify({
  frames: steps.map((t) => arrowData(runs, view.animation, t)),
  rates: steps.map((t) => runs.map((run) => rateText(run, t))),
  edge,
}, plain));
"""

HYPER = {"momentum": {"momentum": 0.5}, "sgd": {}, "adam": {}, "nesterov": {"momentum": 0.8}}


def _runs(surface, rules, alpha=0.02, steps=40, start=None) -> tuple[Run, ...]:
    out = []
    for i, name in enumerate(rules):
        hyper = HYPER[name] | {"eps": optimizers.DEFAULT_EPS.get(name, 1e-8)}
        tr = optiviz.simulate(surface, name, alpha=alpha, steps=steps, start=start, **hyper)
        out.append(Run(name, tr, f"#00000{i}", hyper=hyper))
    return tuple(out)


def _chart(surface, runs, **kw) -> dict:
    return map_chart(Scene(surface, runs), grids.surface_grid(surface, 41), **kw)


def _unpacked(spec: dict) -> np.ndarray:
    """A ``packing.packed`` uint16 spec of ``decimal3`` codes, decoded."""
    raw = zlib.decompress(base64.b64decode(spec["zdata"]))
    return packing.undecimal3(np.frombuffer(raw, "<u2").reshape(spec["shape"]))


def _values(a) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in a], dtype=float)


def _arrow(trace: dict, run: int) -> np.ndarray:
    """Run ``run``'s arrow in a trace: [[x0, y0], [x1, y1]]."""
    x, y = _values(trace["x"]), _values(trace["y"])
    return np.stack([x[3 * run : 3 * run + 2], y[3 * run : 3 * run + 2]], axis=-1)


def _want(tr, parts, t: int, flat: bool = False, shortest: float = 0.0) -> dict[str, np.ndarray]:
    """The arrows at step t from ``step_parts``: the actual step, the gradient step, and the
    momentum term from the gradient step's tip to x_{t+1}; a curve's at the ball's height;
    one shorter than ``shortest`` is not drawn (NaN)."""
    if flat:
        start = np.array([tr.positions[t, 0], tr.losses[t]])
        move = lambda v: np.array([v[0], 0.0])  # noqa: E731
    else:
        start, move = tr.positions[t], np.asarray
    tip = start + move(parts.gradient_step[t])
    end = start + move(parts.step[t])
    out = {"step": np.stack([start, end]), "gradient": np.stack([start, tip]),
           "momentum": np.stack([tip, end])}  # fmt: skip
    short = {k: np.hypot(*(v[1] - v[0])) < shortest for k, v in out.items()}
    return {k: np.full((2, 2), np.nan) if short[k] else v for k, v in out.items()}


@pytest.mark.parametrize(
    ("surface", "rules", "alpha"),
    [("quadratic", ("momentum", "sgd", "adam"), 0.02), ("himmelblau", ("nesterov",), 0.01)],
)
def test_the_arrows_at_each_step_are_step_parts_vectors(tmp_path, surface, rules, alpha):
    surface = surfaces.get(surface)
    runs = _runs(surface, rules, alpha)
    chart = _chart(surface, runs)
    kinds = [entry["kind"] for entry in chart["animation"]["arrow_key"]]
    assert kinds == ["step", "gradient", "momentum"]
    steps = [0, 1, 7, 39]
    out = _run_js(ARROWS_RUNNER, tmp_path, [chart, steps, None, []])
    shortest = chart["animation"]["arrow_min"]
    assert shortest == pytest.approx(np.ptp(chart["figure"]["layout"]["xaxis"]["range"]) / 400)
    for t, traces in zip(steps, out["frames"], strict=True):
        assert len(traces) == 1 + len(kinds) == len(chart["animation"]["arrows"])
        for i, run in enumerate(runs):
            parts = step_parts(run.trajectory, **run.hyper)
            want = _want(run.trajectory, parts, t, shortest=shortest)
            scale = np.abs(parts.step).max()
            for k, kind in enumerate(kinds):
                got = _arrow(traces[1 + k], i)
                if kind == "momentum" and parts.momentum is None:
                    assert np.isnan(got).all(), (run.name, t)  # no momentum term: no arrow
                    continue
                np.testing.assert_allclose(got, want[kind], atol=1e-5 * scale, rtol=1e-5)
            if parts.momentum is not None and np.isfinite(want["momentum"]).all():
                got = _arrow(traces[3], i)  # the chain: the term is step_parts'
                np.testing.assert_allclose(got[1] - got[0], parts.momentum[t], atol=2e-5 * scale)


def test_gradient_descent_alone_draws_one_arrow_which_is_its_step(tmp_path) -> None:
    """The first screen's race (GD): one arrow per run, the gradient step −α_t g_t, which is
    the step; the outline and it are the only traces the arrows add (each trace costs every
    frame an update)."""
    surface = surfaces.get("staircase")
    runs = tuple(
        Run(f"α={a}", optiviz.simulate(surface, "sgd", alpha=a, steps=60), "#000000", hyper={})
        for a in (0.055, 0.8, 2.8)
    )
    chart = _chart(surface, runs)
    bare = _chart(surface, tuple(Run(r.name, r.trajectory, r.colour) for r in runs))
    assert len(chart["figure"]["data"]) == len(bare["figure"]["data"]) + 2
    assert "parts" not in bare["animation"]["runs"][0] and not bare["animation"]["arrows"]
    (entry,) = chart["animation"]["arrow_key"]
    assert entry["kind"] == "gradient" and entry["name"].endswith("= the step")
    assert "gradient" not in chart["animation"]["runs"][0]["parts"]  # the step is its own
    out = _run_js(ARROWS_RUNNER, tmp_path, [chart, [0, 5], None, [1]])
    for t, traces in zip([0, 5], out["frames"], strict=True):
        for i, run in enumerate(runs):
            got = _arrow(traces[1], i)
            if i == 1:
                assert np.isnan(got).all()  # a hidden run hides its arrows
                continue
            parts = step_parts(run.trajectory)
            want = _want(run.trajectory, parts, t)["gradient"]
            np.testing.assert_allclose(got, want, atol=1e-6, rtol=1e-5)
        assert np.isnan(_arrow(traces[0], 1)).all() or len(traces[0]["x"]) == 3 * 2


def test_on_a_curve_the_arrows_lie_at_the_balls_height(tmp_path) -> None:
    surface = surfaces.get("parabola")
    runs = _runs(surface, ("momentum",), alpha=0.3, steps=20)
    chart = _chart(surface, runs)
    out = _run_js(ARROWS_RUNNER, tmp_path, [chart, [0, 3], None, []])
    parts = step_parts(runs[0].trajectory, **runs[0].hyper)
    for t, traces in zip([0, 3], out["frames"], strict=True):
        want = _want(runs[0].trajectory, parts, t, flat=True, shortest=1e-9)
        for k, kind in enumerate(["step", "gradient", "momentum"]):
            np.testing.assert_allclose(_arrow(traces[1 + k], 0), want[kind], atol=1e-5)


def test_an_adaptive_runs_readout_gives_its_effective_step_per_coordinate(tmp_path) -> None:
    """Adam from (1, 1) on (x² + 20y²)/2: v̂_0 = g_0², so its first effective step is
    α/|g_0| = (0.1, 0.005); later ones are ``step_parts``' to the readout's 3 digits."""
    surface = surfaces.get("quadratic")
    runs = _runs(surface, ("adam", "sgd"), alpha=0.1, steps=12, start=[1.0, 1.0])
    chart = _chart(surface, runs)
    steps = [0, 1, 11, 12]
    out = _run_js(ARROWS_RUNNER, tmp_path, [chart, steps, None, []])
    rate = step_parts(runs[0].trajectory, **runs[0].hyper).effective_rate
    assert out["rates"][0][0] == " · effective step α<sub>t</sub>/(√v̂<sub>t</sub>+ε) = (0.1, 0.005)"
    for t, texts in zip(steps, out["rates"], strict=True):
        assert texts[1] == ""  # gradient descent has no effective step
        if t == 12:
            assert texts[0] == ""  # past the last step
            continue
        numbers = [float(v) for v in texts[0].split("= (")[1].rstrip(")").split(", ")]
        assert numbers == [float(f"{v:.3g}") for v in rate[t]]


def _member_view(surface, optimizer: str, steps: int, hyper: dict):
    """A single run at α = 0.8 (not a stop the test swaps in) and its α family, packed."""
    stops = params.alpha_options()
    tr = optiviz.simulate(surface, optimizer, alpha=0.8, steps=steps, **hyper)
    edge = stability.critical_alpha_along(surface, tr.positions, optimizer, **hyper)
    runs = (Run("α=0.8", tr, "#123456", edge=edge, hyper=hyper),)
    chart = _chart(surface, runs, follows=(0,))
    box = cd.map_box(chart["figure"]["layout"])
    fam = family(surface, optimizer, "alpha", stops, alpha=0.0, steps=steps, **hyper)
    names = [f"α={v:g}" for v in stops]
    packed = chart_sliders.family_chart(fam, 0, names, surface, box)
    slider = chart_sliders.slider_chart("alpha", stops, 0.8, [packed])
    return chart | {"sliders": [slider]}, fam, box


@pytest.mark.parametrize("optimizer", ["momentum", "sgd", "adam"])
def test_a_family_member_brings_its_own_arrows_and_threshold_line(tmp_path, optimizer) -> None:
    """While the α thumb shows another stop, the arrows, the effective step and the dashed
    2/λ_max(θ_t) line are that member's: ``step_parts`` and ``critical_alpha_along`` of the
    member's run (to the packing's precision: positions within 1/21845 of the view's span,
    the line and the effective step to 3 significant digits)."""
    surface = surfaces.get("staircase")
    hyper = {"momentum": 0.5} if optimizer == "momentum" else {}
    data, fam, box = _member_view(surface, optimizer, 60, hyper)
    stops = params.alpha_options()
    j = chart_sliders.nearest_index(stops, 0.3)
    steps = [0, 4, 30]
    out = _run_js(ARROWS_RUNNER, tmp_path, [data, steps, j, []])
    member = fam.member(j)
    parts = step_parts(member, **hyper)
    span = max(hi - lo for lo, hi in box)
    kinds = [e["kind"] for e in data["animation"]["arrow_key"]]
    for t, traces in zip(steps, out["frames"], strict=True):
        want = _want(member, parts, t, shortest=data["animation"]["arrow_min"])
        for k, kind in enumerate(kinds):
            np.testing.assert_allclose(_arrow(traces[1 + k], 0), want[kind], atol=span / 10000)
    for t, texts in zip(steps, out["rates"], strict=True):
        if parts.effective_rate is None:
            assert texts == [""]
            continue
        numbers = [float(v) for v in texts[0].split("= (")[1].rstrip(")").split(", ")]
        assert numbers == [float(f"{v:.3g}") for v in parts.effective_rate[t]], t
    line = stability.critical_alpha_along(surface, member.positions, optimizer, **hyper)
    if line is None:  # an adaptive rule has no line: the member's is blank
        assert out["edge"] is None or np.isnan(_values(out["edge"])).all()
        return
    got = _values(out["edge"])
    assert len(got) == len(member.lrs)
    np.testing.assert_allclose(got, [float(f"{v:.3g}") for v in line[: len(got)]], rtol=1e-9)


def test_moving_alpha_never_compiles_the_member_lines_again() -> None:
    """The members' threshold lines go to ``critical_alpha_along`` in one call: the α
    window moved along the stops, or another β, reuses the compiled curvature function of
    the family's size (trace count); the arrows' parts are NumPy (``step_parts``)."""
    import dataclasses

    surface = dataclasses.replace(surfaces.get("himmelblau"))  # a fresh compile cache entry
    stops = params.alpha_options()
    before = stability.TRACES["extremes"]
    got = {}
    for lo, beta in [(0, 0.5), (40, 0.9), (100, 0.0)]:
        fam = family(surface, "momentum", "alpha", stops[lo : lo + 16], alpha=0.0, steps=60,
                     momentum=beta)  # fmt: skip
        got[beta] = (fam, _unpacked(edges.member_lines(fam, surface)))
    assert stability.TRACES["extremes"] == before + 1
    for beta, (fam, lines) in got.items():
        want = stability.critical_alpha_along(surface, fam.positions[-1], "momentum", momentum=beta)
        assert lines.shape == (16, 60)
        np.testing.assert_allclose(lines[-1], [float(f"{v:.3g}") for v in want[:60]], rtol=1e-9)


def test_the_default_views_arrows_cost_a_few_kilobytes() -> None:
    """The first screen (the staircase's GD race, settled with its α family) with its
    arrows stays within #23's byte budget: the arrows add the key and the traces, no
    per-step vector (GD's gradient step is its step), and the family its members' lines."""
    from optiviz.devtools.examples import staircase_settings
    from optiviz.ui import explore_chart

    data = explore_chart.compute_chart(staircase_settings(presets=params.DEFAULT_PRESETS))
    runs = data["animation"]["runs"]
    assert all(set(run["parts"]) == {"carried", "width", "dim"} for run in runs)
    (family_,) = data["sliders"][0]["families"]
    assert set(family_["parts"]) == {"carried", "width", "dim"} and family_["edge"]["decimal"] == 3
    extra = len(json.dumps(family_["edge"])) + len(json.dumps(data["animation"]["arrow_key"]))
    assert extra < 4_000 and len(json.dumps(data)) <= 250_000


def test_moving_alpha_on_the_page_compiles_nothing_again() -> None:
    """The page's chart at one α stop, then at two others (a release: the view, its α
    family, the arrows' parts and every member's own line): after the first, neither the
    engine nor the curvature function traces again (trace counts). Scrubbing the step is
    the browser's alone (the frames are built there)."""
    from optiviz.core import engine
    from optiviz.devtools.examples import staircase_settings
    from optiviz.ui import explore_chart

    stops = params.alpha_options()
    at = chart_sliders.nearest_index(stops, 0.3)
    settings = staircase_settings(mode="single", optimizer="momentum", steps=70)
    first = explore_chart.compute_chart(dataclasses_replace(settings, alpha=stops[at]))
    assert first["sliders"][0]["families"][0]["edge"] is not None
    counts = (dict(engine.TRACES), dict(stability.TRACES))
    for j in (at + 3, at - 5):
        data = explore_chart.compute_chart(dataclasses_replace(settings, alpha=stops[j]))
        assert "gradient" in data["animation"]["runs"][0]["parts"]
    assert (dict(engine.TRACES), dict(stability.TRACES)) == counts


@pytest.mark.parametrize(("optimizer", "drawn"), [("sgd", True), ("adam", False)])
def test_many_seeds_draws_the_means_arrows_for_linear_rules_only(optimizer, drawn) -> None:
    """The mean of noisy runs is a run of no rule: its gradient step and its momentum term
    are the means' (both linear in the gradients), but an adaptive rule's effective step of
    a mean gradient is nobody's, so a mean of Adam runs has no arrows."""
    from optiviz.devtools.examples import staircase_settings
    from optiviz.scenes import scene

    s = staircase_settings(mode="seeds", optimizer=optimizer, n_seeds=3, noise=0.3, steps=30)
    (run,) = scene(s).runs
    chart = _chart(scene(s).surface, (run,))
    assert (run.hyper is not None) == drawn
    assert bool(chart["animation"]["arrow_key"]) == drawn
    assert ("parts" in chart["animation"]["runs"][0]) == drawn
