"""A Streamlit session without a browser: Streamlit's own WebSocket protocol, spoken from Python.

A ``ProtocolSession`` opens ``ws://HOST:PORT/_stcore/stream`` (subprotocols
``streamlit`` plus a token), runs the page with ``BackMsg.rerun_script`` and reads
``ForwardMsg``s until ``script_finished``, as the browser's client does:

- it holds a value for every widget the page draws and sends all of them with each
  rerun, in the wire form the server's serializers expect (a select slider as a
  ``string_array_value`` of formatted options, a selectbox or radio as the
  ``string_value`` of the displayed label, a multiselect as a ``string_array_value``
  of labels); a new widget starts at its default, a known one keeps the session's
  value unless the server sends ``set_value``, and widgets the last run did not draw
  are dropped;
- it adopts the query string of ``page_info_changed`` and the page script hash of
  ``new_session``;
- it keeps cacheable messages (``Element``s of 10 kB or more) by hash, tells the
  server which it holds, and resolves the ``ref_hash`` messages sent in their place;
- a widget drawn inside a fragment reruns only that fragment;
- a button is pressed with ``rerun(click=LABEL)`` (its ``trigger_value`` for that run),
  and a custom component's ``setTriggerValue`` sent with ``rerun(trigger=...)`` (the
  chart's slider let go, say);
- a run that ends early for a rerun the script asked for (``st.rerun()``) goes on into
  the app run the server starts by itself;
- a fragment the server asks to rerun on a timer (``auto_rerun``) is kept in ``auto``,
  and ``rerun_fragment()`` reruns it as the browser's timer does.

Used by the protocol benchmarks (``bench/``) and the tests that drive a live server.
websockets (a dev dependency) and Streamlit's protos are imported when a session opens
or reads, not with this module.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT_S = 120.0
"""Generous: a session's first run may compile the page's JAX code."""

VALUE_TYPES = {
    "selectbox": "string_value",
    "radio": "string_value",
    "text_input": "string_value",
    "text_area": "string_value",
    "color_picker": "string_value",
    "multiselect": "string_array_value",
    "button_group": "string_array_value",
    "checkbox": "bool_value",
    "number_input": "double_value",
}
"""Widget element -> ``WidgetState`` field; sliders are decided by their type. Buttons
(triggers), download buttons and chart selections hold no state until clicked."""


def _finished() -> Any:
    """``ForwardMsg.ScriptFinishedStatus``: the ways a run ends."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return ForwardMsg.ScriptFinishedStatus


def succeeded(status: int | None) -> bool:
    """Whether a run that ended with ``status`` finished (the app's run or a fragment's)."""
    done = _finished()
    return status in (done.FINISHED_SUCCESSFULLY, done.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def _select_slider(p: Any) -> bool:
    from streamlit.proto.Slider_pb2 import Slider

    return p.type == Slider.Type.SELECT_SLIDER


@dataclass
class Widget:
    """One widget as the session holds it: the element's proto and the current value."""

    id: str
    kind: str
    proto: Any
    value: Any
    fragment_id: str = ""

    @property
    def label(self) -> str:
        return self.proto.label

    @property
    def value_type(self) -> str:
        if self.kind == "slider":
            return "string_array_value" if _select_slider(self.proto) else "double_array_value"
        return VALUE_TYPES[self.kind]

    def state(self) -> WidgetState:
        """This widget's value as the browser sends it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.id)
        if self.value_type.endswith("_array_value"):
            getattr(state, self.value_type).data[:] = self.value
        else:
            setattr(state, self.value_type, self.value)
        return state


def _default(kind: str, p: Any) -> Any:
    """A newly drawn widget's value: the server's ``set_value`` if it sent one, else the
    default; ``None`` for a widget with no value yet (an empty selectbox, say)."""
    if kind == "slider":
        if _select_slider(p):
            return list(p.raw_value) if p.set_value else [p.options[int(i)] for i in p.default]
        return list(p.value) if p.set_value else list(p.default)
    if kind in ("selectbox", "radio"):
        if p.set_value and p.HasField("raw_value"):
            return p.raw_value
        return p.options[p.default] if p.HasField("default") else None
    if kind == "multiselect":
        return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
    if kind == "button_group":
        return list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
    if kind == "number_input":
        if p.set_value and p.HasField("value"):
            return p.value
        return p.default if p.HasField("default") else None
    return p.value if p.set_value or not hasattr(p, "default") else p.default


def _sent_value(kind: str, p: Any) -> tuple[bool, Any]:
    """(whether the server set the value, that value) for a widget the session knows."""
    if not p.set_value:
        return False, None
    return True, _default(kind, p)


@dataclass
class Run:
    """What one rerun cost and showed, as this client saw it."""

    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    status: int | None = None
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """The body of each markdown and alert (``st.success`` ...) element the run drew."""
    elements: list[str] = field(default_factory=list)
    """The kind of each element the run drew, in order (``"slider"``, ``"markdown"``...);
    for a run that ``st.rerun()`` restarted, the restarted part's and then the app run's."""
    widgets: list[str] = field(default_factory=list)
    """The labels of the widgets the run drew, in order (likewise both parts)."""
    reruns: int = 0
    """How many times the script asked for a rerun (``st.rerun()``) before it finished."""

    @property
    def ok(self) -> bool:
        """Finished (``script_finished``, not stopped early) with no exception element."""
        return succeeded(self.status) and not self.exceptions


class ProtocolSession:
    """One browserless session of a Streamlit app on ``host:port``."""

    def __init__(
        self,
        port: int,
        query: str = "",
        host: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.query = query
        self.headers = headers or {}
        """Sent with the WebSocket's handshake (a proxy's cookie, say)."""
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}
        self._max_age = 2
        self._runs = 0
        self._ws: Any = None
        self.buttons: dict[str, tuple[str, str]] = {}
        """Label -> (widget id, fragment id) of each button the page has drawn."""
        self.components: dict[str, str] = {}
        """Element id -> fragment id of each custom (bidi) component the page has drawn."""
        self.sliders: dict[str, dict[str, dict]] = {}
        """Element id -> the chart's sliders as its last data has them, by key, each with
        ``held``: whether every family it names was sent to this session, as a browser's
        chart would hold them (a reference to a family never sent holds nothing)."""
        self.families: set[str] = set()
        """The keys of the chart families this session was sent."""
        self.auto = ""
        """The fragment the server last asked the page to rerun on a timer (``auto_rerun``,
        a fragment with ``run_every``)."""

    async def __aenter__(self) -> ProtocolSession:
        import websockets

        self._ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit", secrets.token_hex(8)],
            max_size=None,
            open_timeout=30,
            ping_interval=None,  # as a browser: it answers the server's pings, sends none
            additional_headers=self.headers,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._ws.close()

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

    async def rerun(
        self,
        changes: dict[str, Any] | None = None,
        click: str = "",
        trigger: tuple[str, str, Any] | None = None,
    ) -> Run:
        """Send every widget's value, with ``changes`` (label -> wire value) applied, the
        button labelled ``click`` pressed, and ``trigger`` = (key, event, value): the
        custom component whose id ends in ``-key`` calling ``setTriggerValue(event,
        value)``; read the run's messages until ``script_finished``."""
        from streamlit.components.v2.bidi_component.main import _make_trigger_id
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        fragment = ""
        for label, value in (changes or {}).items():
            widget = self.widget(label)
            widget.value = value
            fragment = fragment or widget.fragment_id
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.page_script_hash = self.page_script_hash
        client.fragment_id = fragment
        client.cached_message_hashes[:] = list(self._cache)
        client.widget_states.widgets.extend(
            w.state() for w in self.widgets.values() if w.value is not None
        )
        if click:
            button, fragment = self.buttons[click]
            client.fragment_id = fragment
            client.widget_states.widgets.append(WidgetState(id=button, trigger_value=True))
        if trigger:
            key, event, value = trigger
            (element,) = [c for c in self.components if c.endswith(f"-{key}")]
            fragment = client.fragment_id = self.components[element]
            sent = json.dumps([{"event": event, "value": value}])
            trigger_id = _make_trigger_id(element, "events")
            client.widget_states.widgets.append(WidgetState(id=trigger_id, json_trigger_value=sent))
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        run = await asyncio.wait_for(self._read_run(fragment), RUN_TIMEOUT_S)
        run.seconds = time.perf_counter() - started
        return run

    async def rerun_fragment(self, fragment: str = "") -> Run:
        """Rerun the fragment ``fragment`` (by default ``auto``) alone, as the browser's
        timer does (``is_auto_rerun``), with every widget's value."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        fragment = fragment or self.auto
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_script_hash
        msg.rerun_script.fragment_id = fragment
        msg.rerun_script.is_auto_rerun = True
        msg.rerun_script.cached_message_hashes[:] = list(self._cache)
        msg.rerun_script.widget_states.widgets.extend(
            w.state() for w in self.widgets.values() if w.value is not None
        )
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        run = await asyncio.wait_for(self._read_run(fragment), RUN_TIMEOUT_S)
        run.seconds = time.perf_counter() - started
        return run

    async def _read_run(self, fragment: str) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        early, run, seen = _finished().FINISHED_EARLY_FOR_RERUN, Run(), set()
        while run.status is None:
            data = await self._ws.recv()
            run.bytes += len(data)
            run.messages += 1
            self._handle(ForwardMsg.FromString(data), run, seen)
            if run.status == early:
                # st.rerun(): the server starts the whole app's next run itself.
                run.status, run.reruns, seen, fragment = None, run.reruns + 1, set(), ""
        if succeeded(run.status):
            self._finish(seen, fragment)
        return run

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
            self._chart(element.bidi_component)
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

    def _chart(self, proto: Any) -> None:
        """Keep a component's sliders and note the families its data sends whole."""
        if proto.WhichOneof("data") != "json":
            return
        data = json.loads(proto.json)
        if isinstance(data, list):  # a payload as the app sends it (chart_component.sent)
            (data,) = data
        sliders = data.get("sliders") or []
        self.families.update(f["key"] for s in sliders for f in s["families"] if "key" in f)
        self.sliders[proto.id] = {
            s["key"]: s
            | {"held": all(f.get("ref", f.get("key")) in self.families for f in s["families"])}
            for s in sliders
        }

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
