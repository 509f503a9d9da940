"""What an α move does not redo on the server: the background image, Streamlit's hashing
of ``Settings`` field by field, and address writes whose value did not change."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import fields, replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.runtime.state.query_params import QueryParams
from streamlit.testing.v1 import AppTest

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.devtools import apptest
from optiviz.devtools.examples import staircase_settings
from optiviz.figures import background, chart_data, layout
from optiviz.scenes import grids
from optiviz.scenes.settings import Settings
from optiviz.ui import explore_chart, first_screen, state

APP = Path(__file__).resolve().parents[1] / "app.py"
STAIRCASE = surfaces.get("staircase")


def _settings(**changes) -> Settings:
    return staircase_settings(
        **{
            "mode": "compare",
            "compare_optimizers": ("sgd", "adam"),
            "presets": ("too small", "good"),
            "steps": 40,
            "start": STAIRCASE.start,
            **changes,
        }
    )


OTHER = {
    str: "other",
    float: 0.30000000000000004,
    int: 11,
    bool: True,
    tuple: ("good",),
}


def _changed(s: Settings, name: str) -> Settings:
    value = getattr(s, name)
    if value is None:
        return replace(s, **{name: 7})
    return replace(s, **{name: OTHER[type(value)]})


def test_every_field_changes_the_cache_key() -> None:
    s = _settings()
    keys = {explore_chart.settings_key(s)}
    for f in fields(Settings):
        keys.add(explore_chart.settings_key(_changed(s, f.name)))
    assert len(keys) == len(fields(Settings)) + 1
    assert explore_chart.settings_key(s) == explore_chart.settings_key(_settings())


def test_values_that_compare_equal_still_get_their_own_entry() -> None:
    # True == 1 and 0.0 == -0.0 in Python: the settings differ all the same.
    s = _settings()
    assert explore_chart.settings_key(replace(s, every=1)) != explore_chart.settings_key(
        replace(s, every=True)
    )
    assert explore_chart.settings_key(replace(s, start=(0.0, 1.0))) != explore_chart.settings_key(
        replace(s, start=(1.0, 0.0))
    )
    assert explore_chart.settings_key(replace(s, alpha=0.8)) != explore_chart.settings_key(
        replace(s, alpha=0.8000000000000002)
    )


def test_cached_scenes_and_charts_are_per_settings() -> None:
    a, b = _settings(alpha=0.3), _settings(alpha=0.31)
    assert explore_chart.scene_for(a) is explore_chart.scene_for(_settings(alpha=0.3))
    alphas = [float(r.trajectory.lrs[0]) for r in explore_chart.scene_for(b).runs]
    assert alphas[-1] == pytest.approx(0.8)  # "good" races at its preset
    other = explore_chart.scene_for(replace(a, presets=("too small", "good", "my α")))
    assert [float(r.trajectory.lrs[0]) for r in other.runs][-1] == pytest.approx(0.3)
    assert explore_chart.chart_for(a) == explore_chart.chart_for(_settings(alpha=0.3))
    assert explore_chart.chart_for(a) != explore_chart.chart_for(replace(a, steps=41))


def test_releasing_alpha_in_a_race_runs_my_alpha_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """In Compare learning rates the preset runs do not depend on α: a scene at a new α
    simulates "my α" alone, and its runs are those of the whole race simulated at once."""
    import optiviz.scenes.explore as scene_module

    simulated = []
    many = scene_module.simulate_many
    monkeypatch.setattr(
        scene_module,
        "simulate_many",
        lambda surface, optimizer, alphas, **kw: (
            simulated.append(list(alphas)) or many(surface, optimizer, alphas=alphas, **kw)
        ),
    )
    race = ("too small", "my α", "good")
    explore_chart.scene_for(_settings(presets=race, alpha=0.3, start=(0.35, 0.95)))
    simulated.clear()
    s = _settings(presets=race, alpha=0.41, start=(0.35, 0.95))
    got = explore_chart.scene_for(s)
    assert simulated == [[0.41]]
    want = scenes.scene(s)
    assert [r.name for r in got.runs] == [r.name for r in want.runs]
    for a, b in zip(got.runs, want.runs, strict=True):
        assert (a.trajectory.positions == b.trajectory.positions).all()
        assert (a.trajectory.losses == b.trajectory.losses).all() and (a.edge == b.edge).all()
        assert a.colour == b.colour and a.dash == b.dash


def test_the_background_is_encoded_once_per_surface(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    encode = background.png_data_uri
    monkeypatch.setattr(background, "png_data_uri", lambda z: calls.append(z.shape) or encode(z))
    layout.background_uri.cache_clear()
    charts = []
    for alpha in (0.3, 0.31, 0.32):
        scene = scenes.scene(_settings(alpha=alpha, presets=("my α",)))
        charts.append(chart_data.map_chart(scene, grids.surface_grid(STAIRCASE, 161)))
    assert calls == [(background.IMAGE_SIDE, background.IMAGE_SIDE)]
    sources = {c["figure"]["layout"]["images"][0]["source"] for c in charts}
    assert sources == {encode(grids.surface_grid(STAIRCASE, background.IMAGE_SIDE).z)}
    layout.images(surfaces.get("himmelblau"))
    assert len(calls) == 2


class _Counted(QueryParams):
    """Streamlit's own query parameters, counting the address messages they would send."""

    sent: int = 0

    def _send_query_param_msg(self) -> None:
        self.sent += 1


@pytest.fixture
def fake_st(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    fake = SimpleNamespace(session_state={}, query_params=_Counted())
    monkeypatch.setattr(state, "st", fake)
    fake.session_state.update(
        page="explore",
        surface="staircase",
        mode="compare",
        optimizer="sgd",
        schedule="constant",
        compare_optimizers=["sgd", "adam"],
        presets=["too small", "good"],
        present=False,
    )
    return fake


def test_publish_writes_the_address_in_one_message_and_only_on_change(
    fake_st: SimpleNamespace,
) -> None:
    q = fake_st.query_params
    state.publish()
    assert q.sent == 1
    assert q.get_all("compare_optimizers") == ["sgd", "adam"]
    assert q.get_all("presets") == ["too small", "good"]
    assert q["page"] == "explore" and q["surface"] == "staircase", "a link names its view"
    assert "optimizer" not in q and "schedule" not in q, "table defaults are left out"

    state.publish()
    assert q.sent == 1, "an unchanged view sends no address message"

    fake_st.session_state.update(presets=["too small", "good", "my α"], steps=155, alpha=0.3)
    state.publish()
    assert q.sent == 2 and q.get_all("presets") == ["too small", "good", "my α"]
    assert q["steps"] == "155" and q["alpha"] == "0.3"

    fake_st.session_state.update(present=True, lesson="ravine")
    state.publish()
    assert q.sent == 3 and q["present"] == "1" and q["lesson"] == "ravine"

    fake_st.session_state.update(present=False, lesson=None, presets=[])
    state.publish()
    assert q.sent == 4
    assert not {"present", "lesson", "presets"} & set(q)


def test_the_address_is_the_share_link(fake_st: SimpleNamespace) -> None:
    fake_st.context = SimpleNamespace(url="http://localhost:8501/")
    fake_st.session_state.update(steps=152, start_x=-1.2, staircase=True, lab_alpha=(1e-3, 1.0))
    state.publish()
    link = urllib.parse.urlsplit(state.share_link())
    pairs = urllib.parse.parse_qsl(link.query)
    address = [(k, v) for k in fake_st.query_params for v in fake_st.query_params.get_all(k)]
    assert sorted(pairs) == sorted(address)
    assert ("lab_alpha", "0.001") in pairs and ("lab_alpha", "1") in pairs


def test_publish_replaces_a_repeated_single_value(fake_st: SimpleNamespace) -> None:
    q = fake_st.query_params
    fake_st.session_state["surface"] = "himmelblau"
    q._query_params["surface"] = ["rosenbrock", "himmelblau"]
    state.publish()
    assert q.get_all("surface") == ["himmelblau"]


def test_alpha_moves_in_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the real page: every α move writes the address once (with the new α; the first
    also adds "my α" to the race), encodes no background and never hashes Settings field
    by field."""
    sends, hashed, encoded = [], [], []
    send = QueryParams._send_query_param_msg
    monkeypatch.setattr(
        QueryParams, "_send_query_param_msg", lambda self: sends.append(1) or send(self)
    )
    asdict = dataclasses.asdict
    monkeypatch.setattr(
        dataclasses,
        "asdict",
        lambda obj, **kw: hashed.append(type(obj)) or asdict(obj, **kw),
    )
    png = background.png_data_uri
    monkeypatch.setattr(background, "png_data_uri", lambda z: encoded.append(1) or png(z))
    layout.background_uri.cache_clear()
    explore_chart.chart_for.clear()  # a test before this one may have drawn the same view
    monkeypatch.setattr(first_screen, "ENABLED", False)  # the first page encodes it once
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception and len(encoded) == 1
    for value in (1.0, 1.2):
        sends.clear()
        apptest.slide(at, "alpha", value)  # the chart's slider let go at value
        assert not at.exception
        assert len(sends) == 1 and at.query_params["alpha"] == f"{value:g}"
    assert at.query_params["presets"][-1] == "my α"
    assert len(encoded) == 1
    assert Settings not in hashed
