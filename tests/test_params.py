"""The table of controls: every row parses what it writes, refuses what its control cannot
show, and every widget the app draws shows exactly its row (label, help, bounds, stops)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optiviz.core import surfaces
from optiviz.scenes import lessons, params
from optiviz.scenes.params import PARAMS
from optiviz.scenes.stops import ALPHA_PER_DECADE
from optiviz.ui import fit

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.mark.parametrize("key", [k for k, r in PARAMS.items() if r.default is not None])
def test_a_default_reads_back_from_its_own_address_text(key: str) -> None:
    row = PARAMS[key]
    values = row.default if isinstance(row.default, list | tuple) else [row.default]
    parsed = row.parse([lessons.url_text(v) for v in values])
    assert parsed == (list(row.default) if row.kind == "choices" else row.default)


@pytest.mark.parametrize("key", [k for k, r in PARAMS.items() if r.kind == "number"])
def test_a_number_is_refused_just_outside_its_bounds(key: str) -> None:
    row = PARAMS[key]
    lo, hi = row.bounds
    assert row.accepts(lessons.url_text(lo)) and row.accepts(lessons.url_text(hi))
    span = hi - lo
    for bad in (lo - 1e-3 * span - 1, hi + 1e-3 * span + 1, math.nan, math.inf):
        assert not row.accepts(str(bad)), (key, bad)
    assert not row.accepts("abc")
    if row.integer:
        assert not row.accepts(str(lo + 0.5))


@pytest.mark.parametrize("key", [k for k, r in PARAMS.items() if r.stops is not None])
def test_a_picker_takes_exactly_its_stops(key: str) -> None:
    row = PARAMS[key]
    stops = row._all_stops()
    assert stops, key
    assert all(row.accepts(lessons.url_text(v)) for v in stops)
    assert not row.accepts("not-a-stop")
    if isinstance(stops[0], float):
        between = math.sqrt(stops[-2] * stops[-1]) if stops[-2] > 0 else stops[-1] / 2
        assert row.accepts(lessons.url_text(between)) == row.between, "a value between stops"
    if row.between:
        lo, hi = row.span()
        assert (lo, hi) == (stops[0], stops[-1])
        for outside in (lo * 0.99, hi * 1.01, math.nan, math.inf, -1.0):
            assert not row.accepts(lessons.url_text(outside)), outside


def test_the_alpha_stops_are_an_even_log_grid() -> None:
    """16 stops a decade from 1e-5 to 320, each 10^(1/16) from the last to two digits: no
    preset or lesson rate squeezed in between (issue #22: 0.8, 0.87, 0.98, 0.99, 1, 1.2)."""
    stops = params.alpha_options()
    assert stops[0] == 1e-5 and stops[-1] == 320.0 and len(stops) == 7.5 * 16 + 1
    steps = np.diff(np.log10(stops)) * ALPHA_PER_DECADE
    assert steps.min() > 0.5 and steps.max() < 1.5, "an uneven stop"
    nominal = [float(f"{10 ** (i / 16):.2g}") for i in range(-80, 41)]
    assert stops == nominal


def test_a_rate_between_the_stops_is_the_sliders_value_exactly() -> None:
    """A preset's, a lesson's or a link's α between two stops parses to itself, and the
    slider draws it among the even stops, which stay as they are."""
    row = PARAMS["alpha"]
    assert 0.8 not in row.options() and row.parse(["0.8"]) == 0.8
    assert row.parse(["0.466"]) == 0.466
    shown = row.shown_stops(0.8)
    assert [v for v in shown if v != 0.8] == row.options() and shown == sorted(shown)
    assert row.shown_stops(0.87) == row.options()
    assert PARAMS["k"].shown_stops(0.023) == PARAMS["k"].options()  # k takes stops only


def test_a_range_needs_two_ordered_ends() -> None:
    row = PARAMS["lab_alpha"]
    assert row.parse(["0.001", "1"]) == (0.001, 1.0)
    for bad in (["1", "0.001"], ["0.001"], ["0.001", "0.01", "1"]):
        with pytest.raises(ValueError):
            row.parse(bad)


@pytest.mark.parametrize("name", surfaces.names())
def test_surface_defaults_are_values_their_controls_show(name: str) -> None:
    surface = surfaces.get(name)
    values = params.surface_defaults(surface)
    assert PARAMS["alpha"].accepts(lessons.url_text(values["alpha"]))
    assert values["alpha"] == surface.lr_presets.get("good", values["alpha"]), "good, exactly"
    assert set(values["presets"]) <= set(PARAMS["presets"].options(surface))
    assert PARAMS["steps"].accepts(str(values["steps"]))
    if surface.n_samples is None:
        sigma = params.seeds_noise(surface)
        assert 0 < sigma <= PARAMS["noise"].bounds[1] and PARAMS["noise"].accepts(str(sigma))


def test_seeds_noise_is_half_the_first_gradient() -> None:
    # staircase: |∇f(start)| = 0.632 (the readout's first step), so σ = 0.316 -> 0.3
    assert params.seeds_noise(surfaces.get("staircase")) == pytest.approx(0.3)


VIEWS = [
    {},
    {"mode": "optimizers", "schedule": "step"},
    {"mode": "single", "schedule": "exponential", "staircase": "true", "optimizer": "adam"},
    {"mode": "seeds", "schedule": "inverse_time", "optimizer": "rmsprop"},
    {"surface": "linear_regression", "mode": "seeds"},
    {"surface": "polynomial_regression"},
    {"surface": "custom"},
    {"page": "lab", "lab_side": "32", "lab_budget": "4"},
    {"page": "lab", "surface": "polynomial_regression", "lab_side": "32", "lab_budget": "4"},
]
"""Links that between them draw every explore and lab control."""


def _numbers(widget) -> tuple[float, float]:
    proto = widget.proto
    return (proto.min, proto.max) if hasattr(proto, "min") else (proto.min_value, proto.max_value)


def _check(widget, row: params.Param, surface: surfaces.Surface) -> None:
    if row.key not in ("start_x", "start_y"):
        assert widget.label == row.label, row.key
    # The fit view's α and k are page sliders whose help ends with why they act on release.
    note = fit.RELEASE_NOTE if fit.shows(surface) and row.key in ("alpha", "k") else ""
    assert widget.help == f"{row.help} {note}".strip(), row.key
    if row.kind == "number":
        assert tuple(float(v) for v in _numbers(widget)[:2]) == tuple(map(float, row.bounds))
    elif row.stops is not None and hasattr(widget, "options"):
        stops = row.shown_stops(widget.value) if row.between else row.options(surface)
        assert len(widget.options) == len(stops), row.key
        assert all(row.accepts(lessons.url_text(v)) for v in stops)


@pytest.mark.parametrize("query", VIEWS, ids=lambda q: "&".join(map("=".join, q.items())) or "/")
def test_every_widget_shows_its_row_of_the_table(query: dict) -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    name = query.get("surface", "staircase")
    surface = (
        surfaces.from_expression(params.DEFAULT_FORMULA) if name == "custom" else surfaces.get(name)
    )
    checked = set()
    for kind in ("slider", "select_slider", "selectbox", "radio", "multiselect"):
        for widget in at.get(kind):
            if widget.key in PARAMS:
                _check(widget, PARAMS[widget.key], surface)
                checked.add(widget.key)
    for widget in [*at.number_input, *at.checkbox, *at.text_input, *at.toggle]:
        if widget.key in PARAMS:
            _check(widget, PARAMS[widget.key], surface)
            checked.add(widget.key)
    page = query.get("page", "explore")
    assert {"surface", "steps"} <= checked
    assert ({"lab_alpha", "lab_side", "lab_budget"} <= checked) == (page == "lab")


@pytest.mark.parametrize(
    ("lesson_id", "alpha"), [("why-too-large-bounces", 0.09), ("step-decay", 2.8)]
)
def test_the_chart_slider_holds_a_lessons_alpha_and_its_exact_run(lesson_id, alpha) -> None:
    """A lesson whose α lies between two stops opens with the chart's α slider at that α
    (its text, its index among the even stops), and the α family's member there is the
    page's own run at that α (its verdict and final loss), not the nearest stop's."""
    from optiviz import scenes
    from optiviz.figures import notes
    from optiviz.ui import explore_chart, sliders
    from tests.support import expected

    lesson = lessons.load()[lesson_id]
    assert lesson.settings["alpha"] == alpha and alpha not in params.alpha_options()
    s, _ = explore_chart.drawn_settings(expected.settings_from_link(lessons.link(lesson)))
    scene = scenes.scene(s)
    box = [list(b) for b in scene.surface.bounds]
    slider = sliders.sliders(s, scene, box)[0]
    stops, at = slider["stops"], slider["index"]
    assert stops[at] == alpha and slider["texts"][at] == f"{alpha:g}"
    assert [v for v in stops if v != alpha] == params.alpha_options()
    assert (stops[0], stops[-1]) == PARAMS["alpha"].span()
    [(run, _, _)] = sliders.followers(s, "alpha")
    member = next(f for f in slider["families"] if f["run"] == run)
    j = at - slider["first"]
    assert len(member["code"]) == slider["count"] and slider["first"] <= at
    mine = scene.runs[run]
    assert member["names"][j] == mine.name
    assert member["label"][j] == notes.verdict(mine)["label"]
    finite = mine.trajectory.losses[np.isfinite(mine.trajectory.losses)]
    assert member["final_loss"][j] == pytest.approx(float(finite[-1]), rel=1e-6)
    assert member["names"][j - 1] != mine.name != member["names"][j + 1]
