"""The fit view and its lessons in the app, driven headlessly with ``AppTest``.

Figures are read back from the page and compared with the core's own runs.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

import optiviz
import optiviz.analysis.decay_search
from optiviz.core import surfaces
from optiviz.figures.fit import EARLY_STOP
from optiviz.scenes import lessons
from optiviz.ui import chart_component, figure, lab_open
from optiviz.ui import options as opt
from tests.support import links

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180
LINK = {"surface": "polynomial_regression", "mode": "single", "optimizer": "adam"}
LINK |= {"alpha": "0.01", "steps": "1500"}
SUMMARY = re.compile(
    r"training loss (?P<train>[\d.e-]+), validation loss (?P<val>[\d.e-]+) at step (?P<last>\d+); "
    r"lowest validation loss (?P<best_val>[\d.e-]+) at step (?P<best>\d+)"
)
FIT_LESSONS = ("underfitting", "overfitting", "weight-decay", "early-stopping")
FIT_LESSONS += ("small-alpha-underfit",)


def _open(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    _clean(at)
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _figures(at: AppTest, key: str) -> list:
    """The figure components (``optiviz.ui.figure``) under ``key`` on the page."""
    boxes = [e for e in at.get("bidi_component") if e.proto.component_name == figure.COMPONENT]
    return [e for e in boxes if e.proto.id.endswith(f"-{key}")]


def _figure(at: AppTest, key: str) -> dict:
    """A fit or lab figure as the page sends it: the figure component's."""
    (box,) = _figures(at, key)
    return chart_component.received(box.proto.json)["figure"]


def _array(value) -> np.ndarray:
    """A spec array: Plotly's base64 typed array (with its shape) or a JSON list."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(v) for v in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.array(value, dtype=float)


def _summary(at: AppTest) -> dict:
    (match,) = [m for e in at.markdown if (m := SUMMARY.search(e.value))]
    return {k: float(v) for k, v in match.groupdict().items()}


def _link(at: AppTest) -> str:
    """The page's share link (bound widgets write the address in the browser, not here)."""
    (code,) = [c for c in links.shown(at) if "surface=polynomial_regression" in c]
    return code


def _core(degree: int, **kw) -> optiviz.Trajectory:
    kw = {"alpha": 0.01, "steps": 1500, **kw}
    return optiviz.simulate(surfaces.polynomial_regression(degree), "adam", **kw)


@pytest.fixture(scope="module")
def fit_app() -> AppTest:
    return _open(**LINK)


def test_fit_view_shows_the_core_run_three_ways(fit_app: AppTest) -> None:
    run = _core(15)
    shown = _summary(fit_app)
    assert shown["train"] == pytest.approx(run.losses[-1], rel=1e-3)
    assert shown["val"] == pytest.approx(run.validation_losses[-1], rel=1e-3)
    assert shown["best"] == int(np.argmin(run.validation_losses)) and shown["last"] == 1500
    losses = _figure(fit_app, "fit_losses")
    assert losses["data"][2]["x"] == [shown["best"]] and EARLY_STOP in losses["data"][2]["name"]
    data = _figure(fit_app, "fit_data")
    assert data["frames"][-1]["name"] == "1500" and data["data"][0]["name"] == "training data"
    plane = _figure(fit_app, "fit_plane")
    assert "2-D slice of a 16-D loss" in plane["layout"]["title"]["text"]
    assert any("2-D slice of a 16-D loss" in c.value for c in fit_app.caption)
    # Drawn with the page's own plotly.js: no st.plotly_chart, whose bundle the browser
    # would fetch and parse after the run (a second plotly.js), and no explore map.
    assert not fit_app.get("plotly_chart")


def test_degree_and_weight_decay_controls_reach_the_run_and_the_url(fit_app: AppTest) -> None:
    for key in ("degree", "weight_decay"):
        widget = fit_app.slider(key=key) if key == "degree" else fit_app.select_slider(key=key)
        assert widget.help and widget.label in ("Model degree", "Weight decay λ")
    fit_app.select_slider(key="weight_decay").set_value(0.046).run()
    _clean(fit_app)
    assert _summary(fit_app)["val"] == pytest.approx(
        _core(15, weight_decay=0.046).validation_losses[-1], rel=1e-3
    )
    assert "weight_decay=0.046" in _link(fit_app)
    assert any("weight decay" in e.value for e in fit_app.latex)
    fit_app.slider(key="degree").set_value(3).run()
    _clean(fit_app)
    assert "degree=3" in _link(fit_app)
    assert "4-D loss" in _figure(fit_app, "fit_plane")["layout"]["title"]["text"]
    assert _summary(fit_app)["train"] == pytest.approx(
        _core(3, weight_decay=0.046).losses[-1], rel=1e-3
    )


def test_a_link_with_degree_and_decay_opens_with_them() -> None:
    at = _open(**LINK, degree="1", weight_decay="0.1")
    assert at.slider(key="degree").value == 1
    assert at.select_slider(key="weight_decay").value == 0.1
    assert _summary(at)["val"] == pytest.approx(
        _core(1, weight_decay=0.1).validation_losses[-1], rel=1e-3
    )


@pytest.mark.parametrize("lesson_id", FIT_LESSONS)
def test_fit_lessons_open_and_show_their_setup(lesson_id: str) -> None:
    at = _open(page="lessons")
    at.button(key=f"lesson_{lesson_id}").click().run()
    _clean(at)
    settings = lessons.load()[lesson_id].settings
    assert at.slider(key="degree").value == settings["degree"]
    assert at.select_slider(key="weight_decay").value == settings["weight_decay"]
    assert at.select_slider(key="alpha").value == settings["alpha"]
    run = _core(settings["degree"], alpha=settings["alpha"], weight_decay=settings["weight_decay"])
    assert _summary(at)["val"] == pytest.approx(run.validation_losses[-1], rel=1e-3)


def _lab(**query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({"page": "lab", **query})
    at.session_state["lab_side"] = 32
    at.session_state["lab_budget"] = 9
    at.run()
    _clean(at)
    return at


def _click(at: AppTest, key: str, trace: str, index: int) -> list[float]:
    """What the browser sends for a click on point ``index`` of figure ``key``'s trace
    ``trace``: figure.js's ``click`` trigger, plotly_click's point (AppTest has no setter
    for it: its widget state is added to the ones AppTest sends, as test_app_rooms's
    ``_pick`` does); the point's customdata."""
    (element,) = _figures(at, key)
    data = chart_component.received(element.proto.json)["figure"]["data"]
    (number,) = [i for i, t in enumerate(data) if t["name"] == trace]
    custom = _array(data[number]["customdata"]).reshape(-1, 3)[index].tolist()
    x, y = (float(_array(data[number][axis])[index]) for axis in "xy")
    point = {"curveNumber": number, "name": trace, "pointNumber": index, "pointIndex": index}
    point |= {"x": x, "y": y, "customdata": custom}
    trigger = json.dumps([{"event": figure.CLICK, "value": point}])
    states = at._tree.get_widget_states()
    trigger_id = _make_trigger_id(element.proto.id, "events")
    states.widgets.append(WidgetState(id=trigger_id, json_trigger_value=trigger))
    at._run(states)
    _clean(at)
    return custom


@pytest.mark.parametrize(("trace", "index"), [("cells", 5), ("trials", 2), ("best", 0)])
def test_a_click_on_the_lab_map_opens_that_run_in_explore(trace: str, index: int) -> None:
    """A cell, a numbered trial or the best star (issue #22, defect 1: a click was a
    KeyError): the explore page opens with that run's α and k, exponential decay."""
    at = _lab()
    alpha, k, _ = _click(at, "landscape_chart", trace, index)
    assert at.radio(key="page").value == "explore" and at.radio(key="mode").value == "single"
    assert at.selectbox(key="schedule").value == "exponential"
    # α and k are the chart's own sliders on the explore page: read them from the state.
    assert at.session_state["alpha"] == lab_open.explore_alpha(alpha)
    assert at.session_state["k"] == pytest.approx(opt.nearest(opt.k_options()[1:], k))
    (link,) = [c for c in links.shown(at) if "page=" not in c or "page=explore" in c]
    assert f"alpha={lab_open.explore_alpha(alpha):g}" in link


BEST = re.compile(r"\*\*Bayesian \(GP \+ EI\)\*\*: best validation loss (?P<loss>[\d.e-]+)")


def test_lab_searches_alpha_and_weight_decay_by_validation_loss() -> None:
    at = _lab(surface="polynomial_regression", optimizer="adam", steps="300")
    assert at.radio(key="lab_space").value == "weight_decay"
    landscape = _figure(at, "landscape_chart")
    assert landscape["layout"]["yaxis"]["title"]["text"] == "weight decay λ"
    (match,) = [m for e in at.markdown if (m := BEST.search(e.value))]
    result = optiviz.analysis.decay_search.decay_search(
        "bayes",
        budget=9,
        alpha_range=(1e-4, 10.0),
        decay_range=(1e-4, 1.0),
        surface=surfaces.polynomial_regression(15),
        optimizer="adam",
        steps=300,
    )
    assert float(match["loss"]) == pytest.approx(result.best_trial.loss, rel=1e-3)
    assert _figure(at, "best_so_far")["data"]


def test_a_collapsed_lambda_range_searches_its_neighbours_and_says_so() -> None:
    """Both λ handles on 0.01: the lab searches 0.0046 to 0.022 and says so, as the α and
    k ranges do (one ``lab_controls._widened`` serves all three)."""
    at = _lab(surface="polynomial_regression", optimizer="adam", steps="300")
    at.select_slider(key="lab_decay").set_value((0.01, 0.01)).run()
    _clean(at)
    assert [w for w in at.warning if w.value.startswith("λ range needs two different ends")]
    heat = _figure(at, "landscape_chart")["data"][0]
    ends = _array(heat["y"])[[0, -1]]
    np.testing.assert_allclose(ends, np.log10([0.0046, 0.022]), rtol=1e-6)


@pytest.mark.parametrize(
    "query",
    [
        {"surface": "polynomial_regression", "optimizer": "adam", "steps": "300"},
        {"surface": "rosenbrock", "optimizer": "adam", "schedule": "exponential"},
    ],
)
def test_lab_landscapes_open_in_3d_with_the_trials_on_them(query: dict) -> None:
    at = _lab(**query)
    flat = _figure(at, "landscape_chart")
    at.segmented_control(key="lab_picture").set_value("3-D landscape").run()
    _clean(at)
    spec = _figure(at, "landscape_3d")
    surface, trials, best = spec["data"][:3]
    assert surface["type"] == "surface" and trials["name"] == "trials" and best["name"] == "best"
    heat = flat["data"][0]
    np.testing.assert_allclose(_array(surface["z"]), _array(heat["z"]), rtol=1e-6)
    assert len(_array(trials["x"])) == 9
    assert not _figures(at, "landscape_chart")
    assert not at.get("plotly_chart"), "the lab draws with the page's own plotly.js"


def test_a_weight_decay_on_an_analytic_surface_says_the_loss_has_no_penalty() -> None:
    at = _open(surface="rosenbrock", mode="single", optimizer="sgd", alpha="0.001")
    assert not [c for c in at.caption if "without the penalty" in c.value]
    at.select_slider(key="weight_decay").set_value(1.0).run()
    _clean(at)
    assert [c for c in at.caption if "without the penalty" in c.value]
    assert any("weight decay" in e.value for e in at.latex)


def test_a_diverging_fit_run_draws_its_figures_as_strict_json() -> None:
    """Plain GD at α past 2/λ_max overflows: its losses reach inf, which the figure
    component's strict JSON writes as null, and the page draws without an error."""
    at = _open(**LINK | {"optimizer": "sgd", "alpha": "2", "degree": "3", "steps": "200"})
    losses = _figure(at, "fit_losses")
    assert None in losses["data"][0]["y"]
    plane = _figure(at, "fit_plane")["data"][0]["z"]
    assert all(v is None or 0.0 <= v <= 1.0 for row in plane for v in row)
