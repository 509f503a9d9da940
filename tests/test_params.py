"""The table of controls: every row parses what it writes, refuses what its control cannot
show, and every widget the app draws shows exactly its row (label, help, bounds, stops)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optiviz.core import surfaces
from optiviz.scenes import lessons, params
from optiviz.scenes.params import PARAMS

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
        assert not row.accepts(lessons.url_text(between)), "a value between stops"


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
    assert values["alpha"] in PARAMS["alpha"].options()
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
    assert widget.help == row.help, row.key
    if row.kind == "number":
        assert tuple(float(v) for v in _numbers(widget)[:2]) == tuple(map(float, row.bounds))
    elif row.stops is not None and hasattr(widget, "options"):
        stops = row.options(surface)
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
