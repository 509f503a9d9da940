"""The Streamlit app, driven headlessly with ``AppTest``: controls in, page and figures out.

Figures are read back from the page (the Plotly spec Streamlit would send) and
checked against the core, so a slider that stops reaching the figure fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

import optiviz
from optiviz.core import optimizers, schedules, surfaces
from optiviz.core.surfaces import datasets
from optiviz.devtools import apptest
from optiviz.figures.animation import FAINT
from optiviz.figures.surface3d import MAX_FRAMES_3D
from optiviz.scenes import params
from tests.support import links
from tests.support.arrays import decode_array

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 120
"""Seconds per run: the first JAX compile is slow."""

STAIRCASE = surfaces.get("staircase")
SPREAD = re.compile(r"Spread of the (?P<n>\d+) end points: \*\*(?P<spread>[-\d.e+]+)\*\*")


def _open(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at.run()


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _set(at: AppTest, kind: str, key: str, value) -> AppTest:
    getattr(at, kind)(key=key).set_value(value).run()
    _clean(at)
    return at


def _three_d(at: AppTest) -> dict:
    """Switch the picture to the 3-D view (only the picture on screen is sent) and read it."""
    at.session_state["picture"] = "3-D view"
    at.run()
    _clean(at)
    return _chart(at, "surface3d")


def _keys(elements) -> set[str]:
    return {e.key for e in elements}


def _element(at: AppTest, key: str):
    (chart,) = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    return chart


def _component(at: AppTest, key: str = "map") -> dict:
    """The data the chart component got, as the browser parses it (strict JSON)."""
    return json.loads(_element(at, key).proto.bytes, parse_constant=_no_constant)


def _no_constant(name: str):
    raise AssertionError(f"the chart's data holds {name}, which is not JSON")


def _decoded(value):
    if isinstance(value, dict) and "bdata" in value:
        return decode_array(value)
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def _chart(at: AppTest, key: str = "map") -> dict:
    """The chart's figure (data and layout) with its arrays decoded."""
    return _decoded(_component(at, key)["figure"])


def _steps(at: AppTest) -> list[int]:
    """The top view's frame steps: the component builds one frame per step."""
    return _component(at)["animation"]["steps"]


def _array(value) -> np.ndarray:
    """A decoded array, or a JSON list (None becomes NaN)."""
    return np.asarray(value, dtype=float)


def _traces(spec: dict, **match) -> list[dict]:
    return [d for d in spec["data"] if all(d.get(k) == v for k, v in match.items())]


def _balls(spec: dict) -> list[str]:
    """The balls drawn: "my α" before α moves ("latent", invisible) is not one."""
    balls = _traces(spec, xaxis="x", meta="ball")
    return [d["name"] for d in balls if " · " in d["name"] and d.get("visible") is not False]


def _paths(spec: dict) -> list[np.ndarray]:
    """Each run's whole path on the map, as (steps + 1, 2) arrays, in run order (a latent
    run's, invisible, left out)."""
    paths = [d for d in _traces(spec, xaxis="x", meta="path") if d.get("visible") is not False]
    return [np.stack([_array(d["x"]), _array(d["y"])], axis=1) for d in paths]


def _rate(spec: dict, run: str) -> np.ndarray:
    (trace,) = _traces(spec, name=f"{run} α_t")
    return _array(trace["y"])


def _verdicts(at: AppTest, key: str = "map") -> dict[str, str]:
    """Each run's verdict, as the chart component writes it under the graph."""
    data = _component(at, key)
    runs = (data.get("animation") or {}).get("runs") or [{}] * len(data["notes"]["verdicts"])
    verdicts = zip(data["notes"]["verdicts"], runs, strict=True)
    return {v["name"]: v["label"] for v, run in verdicts if not run.get("latent")}


def _validate(spec: dict) -> go.Figure:
    """The app hands some figures to Streamlit unvalidated; Plotly's schema must accept them."""
    return go.Figure(**spec)


@pytest.fixture
def app() -> AppTest:
    at = _open()
    _clean(at)
    return at


@pytest.fixture
def single(app: AppTest) -> AppTest:
    return _set(app, "radio", "mode", "single")


def test_default_view_is_the_staircase_race(app: AppTest) -> None:
    assert app.selectbox(key="surface").value == "staircase"
    assert app.radio(key="mode").value == "compare"
    assert not app.warning
    expected = {
        "too small α=0.055": "slow",
        "good α=0.8": "converged",
        "too large α=2.8": "oscillating",
    }
    assert _verdicts(app) == expected
    spec = _chart(app)
    assert _balls(spec) == [f"{name} · {label}" for name, label in expected.items()]
    _validate(spec)
    steps = _steps(app)
    assert len(steps) == 150 and (steps[0], steps[-1]) == (0, 150)
    assert not [c for c in app.get("bidi_component") if c.proto.id.endswith("-surface3d")]
    three = _three_d(app)
    _validate(three)
    assert 2 <= len(_component(app, "surface3d")["scene3d"]["steps"]) <= MAX_FRAMES_3D
    assert not [c for c in app.get("bidi_component") if c.proto.id.endswith("-map")]


def test_moving_alpha_changes_the_animated_run(single: AppTest) -> None:
    before = _chart(single)
    _slide(single, "alpha", 0.32)
    after = _chart(single)
    assert _balls(after) == [f"α=0.32 · {_core('staircase', alpha=0.32).label}"]
    assert not np.allclose(_paths(before)[0], _paths(after)[0], equal_nan=True)
    np.testing.assert_allclose(_rate(after, "α=0.32"), 0.32, rtol=1e-6)
    np.testing.assert_allclose(_paths(after)[0], _core("staircase", alpha=0.32).positions, 1e-5)


def _core(surface: str, **kwargs) -> optiviz.Trajectory:
    return optiviz.simulate(surface, "sgd", **kwargs)


def test_moving_alpha_in_the_race_adds_my_alpha(app: AppTest) -> None:
    _slide(app, "alpha", 0.32)
    assert app.multiselect(key="presets").value[-1] == "my α"
    assert list(_verdicts(app))[-1] == "my α=0.32"
    spec = _chart(app)
    assert len(_balls(spec)) == 4
    np.testing.assert_allclose(_paths(spec)[-1], _core("staircase", alpha=0.32).positions, 1e-5)


def test_exponential_decay_shows_k_and_k_moves_the_figure(single: AppTest) -> None:
    assert "k" not in _sliders(single)
    _set(single, "selectbox", "schedule", "exponential")
    assert _sliders(single)["k"] == 0.01
    t = np.arange(150)
    before = _chart(single)
    np.testing.assert_allclose(_rate(before, "α=0.8"), 0.8 * np.exp(-0.01 * t), rtol=1e-5)
    _slide(single, "k", 0.1)
    after = _chart(single)
    np.testing.assert_allclose(_rate(after, "α=0.8"), 0.8 * np.exp(-0.1 * t), rtol=1e-5)
    assert not np.allclose(_paths(before)[0], _paths(after)[0], equal_nan=True)


def test_k_is_shown_only_for_the_schedules_that_use_it(single: AppTest) -> None:
    for name in schedules.SCHEDULES:
        _set(single, "selectbox", "schedule", name)
        assert ("k" in _sliders(single)) == (name in schedules.USES_K), name
        assert ("drop" in _keys(single.slider)) == (name == "step"), name


def test_race_shows_one_ball_per_rate_with_its_verdict(app: AppTest) -> None:
    _set(app, "multiselect", "presets", list(surfaces.PRESET_KEYS))
    expected = [
        (f"{p} α={a:g}", _core("staircase", alpha=a).label) for p, a in STAIRCASE.lr_presets.items()
    ]
    assert _balls(_chart(app)) == [f"{name} · {label}" for name, label in expected]
    assert _verdicts(app) == dict(expected)
    assert _verdicts(app)["diverging α=4"].startswith("diverged at step ")


def test_a_huge_alpha_diverges_honestly(single: AppTest) -> None:
    biggest = _component(single)["sliders"][0]["stops"][-1]
    _slide(single, "alpha", biggest)
    (label,) = _verdicts(single).values()
    assert re.fullmatch(r"diverged at step \d+", label)
    path = _paths(_chart(single))[0]
    assert _steps(single)[-1] == len(path) - 1
    assert np.isnan(path[-1]).all()  # the last frame's ball, cut from the path, is a gap


def _combinations() -> list[tuple[str, str, str]]:
    """Combination c runs surface c mod 11, optimizer c mod 7 and schedule c // 7: every
    optimizer meets every schedule once, every surface comes 2 or 3 times. The full
    product (308 reruns) takes about 3 minutes; each new (surface, optimizer) compiles.
    Surfaces with more than two parameters have the fit view (tests/test_app_fit.py)."""
    names = [n for n in surfaces.names() if surfaces.get(n).dim <= 2]
    opts, scheds = list(optimizers.OPTIMIZERS), list(schedules.SCHEDULES)
    combos = [
        (names[c % len(names)], opts[c % len(opts)], scheds[c // len(opts)])
        for c in range(len(opts) * len(scheds))
    ]
    return sorted(combos, key=lambda combo: names.index(combo[0]))


def test_surface_optimizer_schedule_combinations_run(single: AppTest) -> None:
    combos = _combinations()
    assert {s for s, _, _ in combos} == set(surfaces.names(dim=1) + surfaces.names(dim=2))
    assert len({(o, c) for _, o, c in combos}) == len(optimizers.OPTIMIZERS) * 4
    surface = None
    for name, optimizer, schedule in combos:
        if name != surface:
            _set(single, "selectbox", "surface", name)
            _set(single, "slider", "steps", 20)
            surface = name
        single.selectbox(key="optimizer").set_value(optimizer)
        _set(single, "selectbox", "schedule", schedule)
        spec = _chart(single)
        assert len(_steps(single)) == 21, (name, optimizer, schedule)
        assert len(_balls(spec)) == 1, (name, optimizer, schedule)
        assert len(_paths(spec)[0]) == 21, (name, optimizer, schedule)


def _latex(name: str, labels: dict, formulas: dict) -> str:
    return f"$$\n\\textbf{{{labels[name]}}}:\\; {formulas[name]}\n$$"


def test_formulas_are_the_core_formulas(single: AppTest) -> None:
    for name in optimizers.OPTIMIZERS:
        _set(single, "selectbox", "optimizer", name)
        assert single.latex[0].value == _latex(name, optimizers.LABELS, optimizers.FORMULAS)
    for name in schedules.SCHEDULES:
        _set(single, "selectbox", "schedule", name)
        assert single.latex[1].value == _latex(name, schedules.LABELS, schedules.FORMULAS)
    _set(single, "radio", "mode", "optimizers")
    shown = [e.value for e in single.latex]
    chosen = single.multiselect(key="compare_optimizers").value
    assert shown[: len(chosen)] == [
        _latex(n, optimizers.LABELS, optimizers.FORMULAS) for n in chosen
    ]


def _click(at: AppTest, x: float, y: float) -> None:
    """What the browser sends when the user clicks a point of the map: the component's
    ``click`` trigger, ``setTriggerValue("click", {x, y})`` (``support.apptest``)."""
    apptest.trigger(at, "click", {"x": x, "y": y})
    _clean(at)


def _slide(at: AppTest, key: str, value: float, chart: str = "map") -> None:
    """One of the chart's sliders (α or k) let go at ``value`` (``support.apptest``)."""
    apptest.slide(at, key, value, chart)
    _clean(at)


def _sliders(at: AppTest, chart: str = "map") -> dict[str, float]:
    """The chart's sliders and the value each shows, by key; the session holds the same."""
    shown = {s["key"]: s["stops"][s["index"]] for s in _component(at, chart)["sliders"]}
    for key, value in shown.items():
        assert at.session_state[key] == value, key
    return shown


def test_clicking_the_map_sets_the_start(app: AppTest) -> None:
    assert not _traces(_chart(app), name="start here")  # the component reads the position
    _click(app, 1.5, -0.5)
    assert app.number_input(key="start_x").value == 1.5
    assert app.number_input(key="start_y").value == -0.5
    paths = _paths(_chart(app))
    assert len(paths) == 3
    for path in paths:
        np.testing.assert_allclose(path[0], [1.5, -0.5])


def test_start_inputs_move_the_first_position(app: AppTest) -> None:
    app.number_input(key="start_x").set_value(1.0)
    _set(app, "number_input", "start_y", 2.0)
    for path in _paths(_chart(app)):
        np.testing.assert_allclose(path[0], [1.0, 2.0])
    figure = _three_d(app)
    for run in _component(app, "surface3d")["scene3d"]["runs"]:
        ball = figure["data"][run["ball"]]
        np.testing.assert_allclose([ball["x"][0], ball["y"][0]], [1.0, 2.0])


def test_data_surface_offers_batch_size_and_seed_not_noise(single: AppTest) -> None:
    _set(single, "selectbox", "surface", "linear_regression")
    assert single.select_slider(key="batch_size").value == 64
    assert "seed" in _keys(single.number_input)
    assert "noise" not in _keys(single.slider)
    full = _paths(_chart(single))[0]
    _set(single, "select_slider", "batch_size", 8)
    assert "seed" in _keys(single.number_input)
    seed0 = _paths(_chart(single))[0]
    _set(single, "number_input", "seed", 1)
    seed1 = _paths(_chart(single))[0]
    assert not np.allclose(full, seed0) and not np.allclose(seed0, seed1)


def test_analytic_surface_offers_noise_not_batch_size(single: AppTest) -> None:
    assert "batch_size" not in _keys(single.select_slider)
    assert "seed" not in _keys(single.number_input)
    calm = _paths(_chart(single))[0]
    _set(single, "slider", "noise", 1.0)
    assert "seed" in _keys(single.number_input)
    assert not np.allclose(calm, _paths(_chart(single))[0], equal_nan=True)


def _faint(spec: dict, axis: str) -> list[dict]:
    return [d for d in _traces(spec, xaxis=axis) if d.get("line", {}).get("color") == FAINT]


def test_many_seeds_cloud_shrinks_as_the_batch_grows(app: AppTest) -> None:
    _set(app, "selectbox", "surface", "linear_regression")
    _set(app, "radio", "mode", "seeds")
    n = app.slider(key="n_seeds").value
    spreads = []
    for batch in (1, 8, 64):
        _set(app, "select_slider", "batch_size", batch)
        spec = _chart(app)
        faint = [np.stack([_array(d["x"]), _array(d["y"])], 1) for d in _faint(spec, "x")]
        assert len(faint) == n
        assert len(_faint(spec, "x2")) == n
        (mean,) = _paths(spec)
        np.testing.assert_allclose(mean, np.mean(faint, axis=0), atol=1e-4)
        (text,) = [m.value for m in app.markdown if "Spread" in m.value]
        found = SPREAD.search(text)
        ends = np.stack([f[-1] for f in faint])
        rms = np.sqrt(np.mean(np.sum((ends - ends.mean(0)) ** 2, axis=1)))
        assert int(found["n"]) == n
        assert float(found["spread"]) == pytest.approx(rms, rel=5e-3, abs=1e-5)
        spreads.append(float(found["spread"]))
    assert spreads[0] > spreads[1] > spreads[2] == 0.0


def test_many_seeds_opens_with_noise_that_spreads_the_cloud(app: AppTest) -> None:
    """Before: σ = 0 on an analytic surface, so all 24 runs were one ("spread 0")."""
    _set(app, "radio", "mode", "seeds")
    sigma = app.slider(key="noise").value
    assert sigma == pytest.approx(params.seeds_noise(surfaces.get("staircase"))) and sigma > 0
    (text,) = [m.value for m in app.markdown if "Spread" in m.value]
    assert float(SPREAD.search(text)["spread"]) > 0.05
    _set(app, "slider", "noise", 0.0)
    _set(app, "radio", "mode", "single")
    _set(app, "radio", "mode", "seeds")
    assert app.slider(key="noise").value > 0, "a return to the cloud gets its noise back"
    linked = _open(mode="seeds", noise="0")
    _clean(linked)
    assert linked.slider(key="noise").value == 0.0, "a link's own σ = 0 is kept"


def test_data_panel_and_validation_loss(single: AppTest) -> None:
    assert not _traces(_chart(single), xaxis="x5")
    assert not [d for d in _chart(single)["data"] if "validation" in d.get("name", "")]
    _set(single, "selectbox", "surface", "linear_regression")
    spec = _chart(single)
    surface = surfaces.get("linear_regression")
    (train,) = _traces(spec, xaxis="x5", name="training data")
    (held,) = _traces(spec, xaxis="x5", name="validation data")
    assert len(_array(train["x"])) + len(_array(held["x"])) == datasets.N_TRAIN + datasets.N_VAL
    assert len(_traces(spec, xaxis="x5", mode="lines")) == 1
    assert "xaxis5" in spec["layout"] and "yaxis5" in spec["layout"]
    (validation,) = _traces(spec, xaxis="x2", name="α=0.5 validation loss")
    (training,) = _traces(spec, xaxis="x2", name="α=0.5 training loss")
    run = _core("linear_regression", alpha=0.5)
    expected = datasets.validation_losses(surface, run.positions)
    np.testing.assert_allclose(_array(validation["y"]), expected, rtol=1e-4)
    assert not np.allclose(_array(validation["y"]), _array(training["y"]))


def test_a_link_opens_with_its_values() -> None:
    link = {"surface": "rosenbrock", "optimizer": "adam", "alpha": "0.01", "steps": "300"}
    at = _open(**link, mode="single")
    _clean(at)
    assert not at.warning
    assert at.selectbox(key="surface").value == "rosenbrock"
    assert at.selectbox(key="optimizer").value == "adam"
    assert _sliders(at)["alpha"] == 0.01
    assert at.slider(key="steps").value == 300
    spec = _chart(at)
    assert _balls(spec)[0].startswith("α=0.01 · ")
    assert _steps(at)[-1] == 300
    assert {key: at.query_params[key] for key in link} == link
    _set(at, "selectbox", "surface", "himmelblau")
    assert at.query_params["surface"] == "himmelblau"


def test_a_link_that_names_only_alpha_opens_on_the_surface_s_own_start_and_steps() -> None:
    """Before: a link with α but no start opened at (0, 0), the table's number default."""
    at = _open(surface="rosenbrock", alpha="0.001")
    _clean(at)
    rosenbrock = surfaces.get("rosenbrock")
    assert _sliders(at)["alpha"] == 0.001
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == (
        rosenbrock.start
    )
    assert at.slider(key="steps").value == rosenbrock.default_steps


def test_a_hostile_link_opens_with_defaults_and_names_the_bad_fields() -> None:
    at = _open(surface="nope", alpha="abc", steps="1000000000", start_x="nan", junk="1")
    _clean(at)
    assert at.selectbox(key="surface").value == "staircase"
    assert _sliders(at)["alpha"] == STAIRCASE.lr_presets["good"]
    assert at.slider(key="steps").value == STAIRCASE.default_steps
    assert at.number_input(key="start_x").value == STAIRCASE.start[0]
    (warning,) = at.warning
    for bad in ("surface=nope", "alpha=abc", "steps=1000000000", "start_x=nan", "junk"):
        assert bad in warning.value
    assert len(_verdicts(at)) == 3


def test_page_offers_the_downloads_and_a_share_link(app: AppTest) -> None:
    labels = {b.proto.label for b in app.get("download_button")}
    assert labels == {"⬇ Runs as CSV", "⬇ Animation as HTML"}
    (link,) = [c for c in links.shown(app) if "surface=staircase" in c]
    assert "presets=too+small" in link and "alpha=0.8" in link


def test_race_offers_only_the_labels_a_surface_earns() -> None:
    at = _open(surface="rosenbrock", presets=["good", "too large"])
    _clean(at)
    picker = at.multiselect(key="presets")
    assert [o.split(" (")[0] for o in picker.options] == [
        *surfaces.get("rosenbrock").lr_presets,
        "my α",
    ]
    assert picker.value == ["too large", "my α"]  # "my α" stands in for the missing "good"
    alpha = _sliders(at)["alpha"]
    assert set(_verdicts(at)) == {"too large α=0.0042", f"my α={alpha:g}"}
    _set(at, "selectbox", "surface", "beale")
    _set(at, "multiselect", "presets", ["too small", "good", "diverging"])
    _set(at, "selectbox", "surface", "logistic_regression")
    # a new surface opens on its own race, each chip with that surface's α
    logistic = surfaces.get("logistic_regression")
    picker = at.multiselect(key="presets")
    assert picker.value == ["too small", "good", "too large"]
    shown = {o.split(" (α = ")[0]: o.split(" (α = ")[1][:-1] for o in picker.options[:-1]}
    assert shown == {p: f"{a:g}" for p, a in logistic.lr_presets.items()}
    assert _verdicts(at) == {
        "too small α=0.02": "slow",
        "good α=1": "converged",
        f"too large α={logistic.lr_presets['too large']:g}": "oscillating",
    }


def _presenter_css(at: AppTest) -> bool:
    return any('section[data-testid="stSidebar"]' in m.value for m in at.markdown)


def test_presenter_mode_from_the_link_and_the_toggle_and_kept_by_the_share_link() -> None:
    at = _open(present="1")
    _clean(at)
    assert at.toggle(key="present").value is True
    assert _presenter_css(at)
    assert at.query_params["present"] == "1"
    (link,) = [c for c in links.shown(at) if "surface=staircase" in c]
    assert "present=1" in link
    _set(at, "toggle", "present", False)
    assert not _presenter_css(at)
    assert "present" not in at.query_params
    (link,) = [c for c in links.shown(at) if "surface=staircase" in c]
    assert "present=" not in link
    _set(at, "toggle", "present", True)
    assert _presenter_css(at) and at.query_params["present"] == "1"


def test_presenter_mode_is_off_by_default_and_a_bad_value_is_named() -> None:
    at = _open()
    assert at.toggle(key="present").value is False and not _presenter_css(at)
    at = _open(present="yes")
    (warning,) = at.warning
    assert "present=yes" in warning.value
    assert at.toggle(key="present").value is False
