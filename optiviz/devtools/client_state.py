"""What a browserless client knows of its Streamlit session, kept from the server's messages.

``ClientState`` holds the page's widgets with their values (``widgets.Widget``), the
cacheable messages by hash, the buttons and custom components by fragment, and the chart's
sliders and families; ``_handle`` folds one ``ForwardMsg`` of a run into it and ``_finish``
drops what a finished run no longer draws. It sends nothing: ``protocol.ProtocolSession``
adds the WebSocket.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from optiviz.devtools.rerun import Run
from optiviz.devtools.widgets import VALUE_TYPES, Widget, _default, _sent_value

PAYLOADS_KEPT = 4
"""Payloads the page keeps by token (chart.js's ``PAYLOADS_KEPT``)."""
FAMILIES_KEPT = 24
"""Families the page keeps unpacked, by key (chart.js's ``FAMILIES_KEPT``)."""

if TYPE_CHECKING:
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class ClientState:
    """The session as the client holds it between runs (query, page, widgets, cache...)."""

    def __init__(self, query: str = "") -> None:
        self.query = query
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}
        self._max_age = 2
        self._runs = 0
        self.buttons: dict[str, tuple[str, str]] = {}
        """Label -> (widget id, fragment id) of each button the page has drawn."""
        self.components: dict[str, str] = {}
        """Element id -> fragment id of each custom (bidi) component the page has drawn."""
        self.sliders: dict[str, dict[str, dict]] = {}
        """Element id -> the chart's sliders as its last data has them, by key, each with
        ``held``: whether every family it names was sent to this session, as a browser's
        chart would hold them (a reference to a family never sent holds nothing)."""
        self.families: dict[str, None] = {}
        """The keys of the chart families the page keeps unpacked, the newest last
        (chart.js's ``FAMILIES_KEPT`` at most)."""
        self._payloads: dict[str, dict[str, dict]] = {}
        """The chart's payloads this session holds (its sliders), by token, newest last."""
        self.auto = ""
        """The fragment the server last asked the page to rerun on a timer (``auto_rerun``,
        a fragment with ``run_every``)."""

    def widget(self, label: str) -> Widget:
        """The widget the page last drew with ``label``; ``KeyError`` if there is none."""
        for widget in self.widgets.values():
            if widget.label == label:
                return widget
        raise KeyError(f"no widget labelled {label!r}; the page has {self.labels()}")

    def labels(self) -> list[str]:
        return [w.label for w in self.widgets.values()]

    def notch(self, label: str, steps: int = 1) -> Any:
        """The value an arrow key ``steps`` notches along would give the slider ``label``
        (clamped at its ends), as sent on the wire."""
        widget = self.widget(label)
        p = widget.proto
        if widget.value_type == "string_array_value":
            index = list(p.options).index(widget.value[0]) + steps
            return [p.options[min(max(index, 0), len(p.options) - 1)]]
        value = widget.value[0] + steps * p.step
        return [min(max(value, p.min), p.max)]

    def at_end(self, label: str, steps: int) -> bool:
        """Whether moving ``label`` by ``steps`` notches would leave its value unchanged."""
        return self.notch(label, steps) == self.widget(label).value

    def _handle(self, msg: ForwardMsg, run: Run, seen: set[str]) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                run.exceptions.append(f"ref_hash {msg.ref_hash} is not in the client's cache")
                return
            self._cache[msg.ref_hash] = (cached[0], self._runs)
            msg, kind = cached[0], "delta"
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (msg, self._runs)
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
        elif kind == "auto_rerun":
            self.auto = msg.auto_rerun.fragment_id
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished":
            run.status = msg.script_finished
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id, run, seen)

    def _element(self, element: Element, fragment: str, run: Run, seen: set[str]) -> None:
        kind = element.WhichOneof("type")
        run.elements.append(kind)
        if kind in ("markdown", "alert"):
            run.texts.append(getattr(element, kind).body)
        if kind == "button":
            self.buttons[element.button.label] = (element.button.id, fragment)
        if kind == "bidi_component":
            self.components[element.bidi_component.id] = fragment
            self._chart(element.bidi_component, run)
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        if kind != "slider" and kind not in VALUE_TYPES:
            return
        proto = getattr(element, kind)
        run.widgets.append(proto.label)
        seen.add(proto.id)
        known = self.widgets.get(proto.id)
        if known is None:
            self.widgets[proto.id] = Widget(proto.id, kind, proto, _default(kind, proto), fragment)
            return
        known.proto, known.fragment_id = proto, fragment
        sent, value = _sent_value(kind, proto)
        if sent:
            known.value = value

    def _chart(self, proto: Any, run: Run) -> None:
        """Keep a component's sliders and note the families its data sends whole. An
        answer to keep the payload before (``chart_component.kept``) keeps them as they
        are; one that also sends sliders makes the payload then held, as the chart's
        ``keptPayload`` does: the slider let go at its value, the sliders sent in place of
        theirs. The last ``PAYLOADS_KEPT`` payloads are kept by token, as the page keeps
        them; a keep of one it does not hold is the chart's error, noted in ``run``."""
        field = proto.WhichOneof("data")
        if field not in ("json", "bytes"):
            return
        data = json.loads(proto.bytes if field == "bytes" else proto.json)
        if isinstance(data, list):  # a component's list (chart_component.sent)
            (data,) = data
        if not isinstance(data, dict):
            return
        if "keep" in data and "sliders" not in data:
            if data["keep"] not in self._payloads:
                run.exceptions.append(f"the chart holds no payload {data['keep']}")
            return
        sliders = data.get("sliders") or []
        if "keep" in data:
            held = self._payloads.get(data["keep"])
            if held is None:
                run.exceptions.append(f"the chart holds no payload {data['keep']}")
                return
            sent = {s["key"]: s for s in sliders}
            index = held[data["key"]]["stops"].index(data["value"])
            moved = {data["key"]: held[data["key"]] | {"index": index}}
            sliders = [sent.get(key) or moved.get(key) or s for key, s in held.items()]
        fresh = {s["key"]: self._slider(s) for s in sliders}
        self.sliders[proto.id] = fresh
        if "token" in data:
            self._payloads.pop(data["token"], None)
            self._payloads[data["token"]] = fresh
            while len(self._payloads) > PAYLOADS_KEPT:
                del self._payloads[next(iter(self._payloads))]

    def _slider(self, slider: dict) -> dict:
        """A slider as the chart holds it (chart.js's ``withFamilies``): its families by
        key, each sent whole or kept by the page touched as the newest, and ``held``:
        whether the page holds every one of them (else its slider acts on release)."""
        keys = []
        for family in slider["families"]:
            key = family.get("ref", family.get("key"))
            if key in self.families or "ref" not in family:
                self.families.pop(key, None)
                self.families[key] = None
                keys.append(key)
        while len(self.families) > FAMILIES_KEPT:
            del self.families[next(iter(self.families))]
        held = len(keys) == len(slider["families"])
        return slider | {"families": [{"ref": key} for key in keys], "held": held}

    def holds(self, chart: str, key: str, value: float) -> bool:
        """Whether chart ``chart``'s slider ``key`` would draw stop ``value``'s member as
        its thumb passes it (the chart's ``holds``): its families reach it, and they were
        all sent to this session."""
        (element,) = [c for c in self.components if c.endswith(f"-{chart}")]
        slider = self.sliders.get(element, {}).get(key)
        if not slider or not slider["held"] or not slider["families"]:
            return False
        index = slider["stops"].index(value) if value in slider["stops"] else -1
        return slider["first"] <= index < slider["first"] + slider["count"]

    def _finish(self, seen: set[str], fragment: str) -> None:
        """After a finished run: drop the widgets it did not draw (a fragment run, only its
        own) and the cached messages not used for more than the server's maximum age."""
        self.widgets = {
            key: w
            for key, w in self.widgets.items()
            if key in seen or (fragment and w.fragment_id != fragment)
        }
        self._runs += 1
        self._cache = {
            key: (msg, used)
            for key, (msg, used) in self._cache.items()
            if self._runs - used <= self._max_age
        }
