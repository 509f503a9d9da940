"""The protocol client's view of the chart (``devtools.client_state.ClientState``): the
payloads it holds by token, a keep that sends sliders applied as the chart's
``keptPayload`` applies it, and the families the page keeps (``FAMILIES_KEPT``), so
that ``holds`` says what a browser's chart would draw."""

from __future__ import annotations

import json
from types import SimpleNamespace

from optiviz.devtools import client_state
from optiviz.devtools.client_state import ClientState
from optiviz.devtools.rerun import Run
from optiviz.ui import chart_component

ELEMENT = "$$ID-abc-map"
STOPS = [0.1, 0.2, 0.3, 0.4]


def _slider(key: str, families: list[dict], index: int = 1) -> dict:
    return {
        "key": key,
        "stops": STOPS,
        "index": index,
        "first": 0,
        "count": 4,
        "families": families,
    }


def _send(state: ClientState, data: dict, field: str = "bytes") -> Run:
    """``data`` as the chart component sends it (``chart_component.encoded``'s bytes, or
    with ``field="json"`` a component's one-element list) in one run; that run."""
    run = Run()
    proto = SimpleNamespace(
        WhichOneof=lambda _: field,
        bytes=chart_component.encoded(data),
        json=json.dumps(chart_component.sent(data)),
        id=ELEMENT,
    )
    state._chart(proto, run)
    return run


def _client() -> ClientState:
    state = ClientState()
    state.components[ELEMENT] = ""
    return state


def test_a_keep_with_sliders_replaces_them_and_moves_the_slider_let_go() -> None:
    state = _client()
    alpha = _slider("alpha", [{"key": "a1", "run": 0}])
    held = {"token": "t1", "sliders": [alpha, _slider("k", [{"key": "k1", "run": 0}])]}
    assert not _send(state, held).exceptions
    assert state.holds("map", "k", 0.3)
    answer = chart_component.kept(held, "alpha", 0.3, [_slider("k", [{"key": "k2", "run": 0}])])
    assert not _send(state, answer).exceptions
    shown = state.sliders[ELEMENT]
    assert shown["alpha"]["index"] == 2 and shown["k"]["families"] == [{"ref": "k2"}]
    derived = {s["key"]: s for s in chart_component.settled(held, answer)["sliders"]}
    assert list(shown) == list(derived) and shown["alpha"]["index"] == derived["alpha"]["index"]
    assert state.holds("map", "alpha", 0.4) and state.holds("map", "k", 0.1)
    # the next keep names the payload then held, by the answer's token
    again = chart_component.kept({"token": answer["token"]}, "k", 0.1, [alpha])
    assert not _send(state, again).exceptions and state.holds("map", "alpha", 0.2)


def test_a_keep_of_a_payload_the_page_does_not_hold_is_the_charts_error() -> None:
    state = _client()
    _send(state, {"token": "t1", "sliders": [_slider("alpha", [{"key": "a1", "run": 0}])]})
    for keep in (
        {"keep": "t0", "key": "alpha", "value": 0.3},
        {"keep": "t0", "key": "alpha", "value": 0.3, "token": "t2", "sliders": []},
    ):
        assert _send(state, keep).exceptions == ["the chart holds no payload t0"]
    assert not _send(state, {"keep": "t1", "key": "alpha", "value": 0.3}).exceptions


def test_a_family_the_page_no_longer_keeps_leaves_its_slider_acting_on_release() -> None:
    state = _client()
    first = [{"key": "f0", "run": 0}]
    _send(state, {"token": "t0", "sliders": [_slider("alpha", first)]})
    for i in range(1, client_state.FAMILIES_KEPT + 1):  # as many newer families
        _send(state, {"token": f"t{i}", "sliders": [_slider("alpha", [{"key": f"f{i}"}])]})
    _send(state, {"token": "back", "sliders": [_slider("alpha", [{"ref": "f0", "run": 0}])]})
    assert not state.holds("map", "alpha", 0.3)
    _send(state, {"token": "last", "sliders": [_slider("alpha", [{"ref": "f24", "run": 0}])]})
    assert state.holds("map", "alpha", 0.3)


def test_a_payload_is_read_from_the_charts_bytes_and_from_a_components_json() -> None:
    """The chart's payload comes as bytes, another component's as a JSON list: the
    client holds each one's sliders by token."""
    for field in ("bytes", "json"):
        state = _client()
        families = [{"key": "fa", "a": 1}]
        _send(state, {"token": "t1", "sliders": [_slider("alpha", families)]}, field)
        assert list(state.families) == ["fa"] and "t1" in state._payloads
