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

The widgets' wire forms are ``widgets``'s, a run's record (``Run``) is ``rerun``'s, and what the
session learns from the server's messages is ``client_state.ClientState``'s, which
``ProtocolSession`` extends with the WebSocket.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from optiviz.devtools.client_state import ClientState
from optiviz.devtools.rerun import Run, _finished, succeeded

RUN_TIMEOUT_S = 120.0
"""Generous: a session's first run may compile the page's JAX code."""


class ProtocolSession(ClientState):
    """One browserless session of a Streamlit app on ``host:port``."""

    def __init__(
        self,
        port: int,
        query: str = "",
        host: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(query)
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.headers = headers or {}
        """Sent with the WebSocket's handshake (a proxy's cookie, say)."""
        self._ws: Any = None

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
