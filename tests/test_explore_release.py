"""An α let go where the chart already drew it: the server tells the chart to keep the
payload before (``chart_component.kept``, by its token) and computes nothing; where the
browser could not have drawn it (no member there, a k family at the old α, a run between
two stops) the chart is drawn anew."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optiviz.devtools import apptest
from optiviz.scenes import params
from optiviz.ui import chart_component, explore_chart
from tests.support import links

APP = Path(__file__).resolve().parents[1] / "app.py"
STOPS = params.alpha_options()


def _open(monkeypatch: pytest.MonkeyPatch, **query: str | list[str]) -> tuple[AppTest, list]:
    """The app at ``query``, with every chart computation (a cache miss of
    ``explore_chart.chart_for``) counted."""
    built = []
    compute = explore_chart.compute_chart
    monkeypatch.setattr(
        explore_chart,
        "compute_chart",
        lambda s, three_d=False: built.append(s) or compute(s, three_d),
    )
    explore_chart.chart_for.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, built


def _json(at: AppTest) -> bytes:
    return apptest.chart_element(at).proto.bytes


def _release(at: AppTest, value: float, drawn: bool = True) -> None:
    """The α slider let go at ``value``, as the chart sends it (``drawn``: it showed that
    stop's member)."""
    apptest.trigger(at, "slider", {"key": "alpha", "value": value, "drawn": drawn})
    assert not at.exception, [e.value for e in at.exception]


def _link(at: AppTest) -> str:
    return next(c for c in links.shown(at) if "alpha=" in c)


def _payload(at: AppTest) -> dict:
    return chart_component.received(_json(at))


def _kept(payload: dict, value: float) -> dict:
    """What the chart is sent to keep ``payload`` with α let go at ``value``."""
    return {"keep": payload["token"], "key": "alpha", "value": value}


def test_a_release_the_family_drew_keeps_the_payload_and_computes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at, built = _open(monkeypatch, mode="single", alpha="0.87")
    before, count = _payload(at), len(built)
    assert count == 1 and before["sliders"][0]["families"]
    for value in (1.0, 1.2, 0.87):  # back to the payload's own stop: told all the same
        _release(at, value)
        sent = {k: v for k, v in _payload(at).items() if k not in ("config", "present")}
        assert sent == _kept(before, value)
        assert len(_json(at)) < 400  # not the payload's ~190 kB serialised and hashed again
        assert len(built) == count
        assert at.session_state["alpha"] == value
        assert at.query_params["alpha"] == f"{value:g}"
        assert f"alpha={value:g}" in _link(at)


def test_a_payload_is_named_by_its_contents(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same contents make the same token (the same message again, which Streamlit sends
    # as a reference); its families by reference, or another α, make another.
    at, _ = _open(monkeypatch, mode="single", alpha="0.87")
    first = _payload(at)
    at.run()  # the same view, its α family now sent by reference
    again = _payload(at)
    assert "ref" in again["sliders"][0]["families"][0] and again["token"] != first["token"]
    at.run()
    assert _payload(at) == again
    _release(at, 1.0, drawn=False)
    assert _payload(at)["token"] not in (first["token"], again["token"])


def test_a_release_the_browser_did_not_draw_computes_the_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at, built = _open(monkeypatch, mode="single", alpha="0.87")
    before = _json(at)
    _release(at, 1.0, drawn=False)
    assert len(built) == 2 and _json(at) != before
    assert at.query_params["alpha"] == "1"


def _slide(at: AppTest, key: str, value: float, drawn: bool = True) -> None:
    apptest.trigger(at, "slider", {"key": key, "value": value, "drawn": drawn})
    assert not at.exception, [e.value for e in at.exception]


def _scenes(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every scene computed from now on (a cache miss of ``explore_chart.scene_for``)."""
    made, scene = [], explore_chart.scenes.scene
    monkeypatch.setattr(explore_chart.scenes, "scene", lambda s: made.append(s) or scene(s))
    return made


def _fresh(monkeypatch: pytest.MonkeyPatch, **query: str | list[str]) -> dict:
    """The payload a new session opened at ``query`` is sent, every family whole."""
    return _payload(_open(monkeypatch, **query)[0])


def _families(slider: dict) -> list:
    return [{k: v for k, v in f.items() if k != "key"} for f in slider["families"]]


DECAY = {"mode": "single", "alpha": "0.87", "schedule": "exponential", "k": "0.0075"}


def test_a_release_in_the_decay_view_sends_only_the_stale_families(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # α let go at a drawn stop: the browser draws the run at the new α, and only the k
    # family (runs at the old α) is sent again, at the new α; then k, whose α family
    # went stale; then α again. Each answer's slider is a new view's, and computes no
    # scene and no chart.
    at, built = _open(monkeypatch, **DECAY)
    made, first = _scenes(monkeypatch), _payload(at)
    held, count, whole = first, len(built), len(_json(at))
    for key, value, alpha, k in (
        ("alpha", 1.0, "1", "0.0075"),
        ("k", 0.0056, "1", "0.0056"),
        ("alpha", 1.2, "1.2", "0.0056"),
    ):
        _slide(at, key, value)
        sent = {k: v for k, v in _payload(at).items() if k not in ("config", "present")}
        other = "k" if key == "alpha" else "alpha"
        assert (sent["keep"], sent["key"], sent["value"]) == (held["token"], key, value)
        assert [s["key"] for s in sent["sliders"]] == [other]
        assert "figure" not in sent and len(_json(at)) < 0.75 * whole, "no view, one family"
        assert len(built) == count and not made, "no chart and no scene computed"
        assert (at.query_params["alpha"], at.query_params["k"]) == (alpha, k)
        assert f"alpha={alpha}" in _link(at) and f"k={k}" in _link(at)
        fresh = _fresh(monkeypatch, **(DECAY | {"alpha": alpha, "k": k}))
        (want,) = [s for s in fresh["sliders"] if s["key"] == other]
        (got,) = sent["sliders"]
        assert _families(got) == _families(want) and got["strip"] == want["strip"]
        assert {k: v for k, v in got.items() if k != "families"} == {
            k: v for k, v in want.items() if k != "families"
        }
        held = chart_component.settled(held, sent)
        assert held["settled"][-1] == key
        count = len(built)  # the new session's chart (its compute_chart wraps ours)
        made.clear()
        _slide(at, key, value)  # the same stop again: kept, its families sent before
        again = _payload(at)
        assert again["keep"] == held["token"] and len(_json(at)) < 8_000
        assert all("ref" in f for s in again["sliders"] for f in s["families"])
        held = chart_component.settled(held, again)


def test_a_race_sends_only_my_alphas_k_family_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # In Compare learning rates the preset rates' k families do not depend on α: they go
    # by reference, "my α"'s is sent whole at the new α.
    at, built = _open(monkeypatch, schedule="exponential", presets=["good", "my α"], alpha="0.87")
    count = len(built)
    _slide(at, "alpha", 1.0)
    (k,) = _payload(at)["sliders"]
    assert k["key"] == "k" and len(built) == count
    whole = [f["run"] for f in k["families"] if "ref" not in f]
    assert whole == [1], k["families"]  # "my α" is the race's second run
    assert k["families"][1]["names"][0] == "my α=1"


def test_a_release_after_a_held_one_is_drawn_anew_when_not_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at, built = _open(monkeypatch, **DECAY)
    _slide(at, "alpha", 1.0)
    _slide(at, "k", 0.0056, drawn=False)
    assert len(built) == 2 and "figure" in _payload(at)
    assert at.query_params["k"] == "0.0056"


def test_a_view_drawn_between_two_stops_keeps_its_run_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The staircase's single run opens at 0.8, between two stops: its payload holds that
    # run among the stops. A release at a stop is kept (the payload then held is at that
    # stop: its token is new); back at 0.8, which the held slider still offers, the page
    # follows with the view at 0.8.
    assert 0.8 not in STOPS
    at, built = _open(monkeypatch, mode="single")
    before = _payload(at)
    _release(at, 0.87)
    after = _payload(at)
    assert len(built) == 1 and after["keep"] == before["token"] and after["sliders"] == []
    _release(at, 1.0)
    assert len(built) == 1 and _payload(at)["keep"] == after["token"]
    _release(at, 0.8)
    assert at.query_params["alpha"] == "0.8" and _payload(at)["token"].startswith(
        before["token"].split("-")[0]
    )


def test_a_release_outside_the_familys_window_computes_the_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At 2,000 steps the family holds the stops around the value only.
    at, built = _open(monkeypatch, mode="single", alpha="0.87", steps="2000")
    slider = _alpha_slider(at)
    assert 0 < slider["count"] < len(STOPS)
    far = STOPS[slider["first"] + slider["count"] + 2]
    _release(at, far)
    assert len(built) == 2
    assert at.query_params["alpha"] == f"{far:g}"


def _alpha_slider(at: AppTest) -> dict:
    data = json.loads(_json(at))  # chart_component.encoded
    (slider,) = [s for s in data["sliders"] if s["key"] == "alpha"]
    return slider


def test_a_release_registers_no_component_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # The chart's and the share link's components are registered once per session
    # (chart_component.register), not in every fragment rerun.
    import streamlit.components.v2 as v2

    made, component = [], v2.component
    monkeypatch.setattr(
        v2, "component", lambda name, **kw: made.append(name) or component(name, **kw)
    )
    at, _ = _open(monkeypatch, mode="single", alpha="0.87")
    ours = {"optiviz.chart", "optiviz.share"}
    assert ours <= set(made)
    del made[:]
    _release(at, 1.0)
    _release(at, 1.2, drawn=False)
    assert not ours & set(made), made  # (app.py's preload, outside the fragment, is its own)
    assert at.query_params["alpha"] == "1.2"


def test_my_alpha_joins_the_race_without_the_view_sent_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first α move of a race adds "my α" (the whole app reruns): the chart drew its
    # latent run already, so it keeps the payload, with my α's k family at the new α.
    at, built = _open(monkeypatch, schedule="exponential")
    before, count = _payload(at), len(built)
    (alpha,) = [s for s in before["sliders"] if s["key"] == "alpha"]
    value = alpha["stops"][alpha["index"] + 1]
    _slide(at, "alpha", value)
    sent = _payload(at)
    assert sent["keep"] == before["token"] and len(built) == count
    (k,) = sent["sliders"]
    assert [f["run"] for f in k["families"] if "ref" not in f] == [alpha["families"][0]["run"]]
    assert "my α" in at.session_state["presets"] and at.query_params["alpha"] == f"{value:g}"
    _slide(at, "k", 0.0056)  # α's family (at the old k, with 0.8's run) again, on the grid
    again = _payload(at)
    assert again["keep"] == sent["token"] and len(built) == count
    (fresh,) = again["sliders"]
    assert fresh["key"] == "alpha" and fresh["stops"] == STOPS
    assert fresh["stops"][fresh["index"]] == value


def test_the_record_of_what_the_browser_holds_waits_for_the_chart_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rerun that interrupts the chart's mount (Streamlit stops a run as it enqueues a
    # message) leaves the browser with the payload before, and the record with it: the
    # next release is not answered with a keep of a payload the browser never got.
    from optiviz.ui import explore

    at, _ = _open(monkeypatch, **DECAY)
    held = at.session_state[explore.SENT]

    def interrupted(data: dict, **kwargs) -> None:
        raise RuntimeError("a newer rerun interrupted the mount")

    monkeypatch.setattr(chart_component, "chart", interrupted)
    apptest.trigger(at, "slider", {"key": "alpha", "value": 1.0, "drawn": True})
    assert at.session_state["alpha"] == 1.0
    assert at.session_state[explore.SENT] is held


def test_k_first_on_the_race_at_an_alpha_between_two_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page opens at the staircase's α of 0.8, between two stops: α's family holds "my
    # α"'s run there, which after a k release is its k family's member at the new k. The
    # answer's α slider is the one a new view at that k is sent, member for member.
    at, built = _open(monkeypatch, schedule="exponential", k="0.0075")
    before, count = _payload(at), len(built)
    _slide(at, "k", 0.0056)
    sent = _payload(at)
    assert sent["keep"] == before["token"] and len(built) == count
    (got,) = sent["sliders"]
    (want,) = [
        s
        for s in _fresh(monkeypatch, **{"schedule": "exponential", "k": "0.0056"})["sliders"]
        if s["key"] == "alpha"
    ]
    assert 0.8 in got["stops"] and got["stops"] == want["stops"]
    assert _families(got) == _families(want) and got["strip"] == want["strip"]
