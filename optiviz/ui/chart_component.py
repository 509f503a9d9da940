"""The in-place chart: a Streamlit v2 component whose JavaScript (``chart/chart.js``)
keeps one Plotly graph across reruns and updates it with ``Plotly.react``.

Its assets are declared the documented components-v2 way: the manifest
``optiviz/pyproject.toml`` (shipped in the package) names ``ASSET_DIR`` for the chart and
the student's map, and Streamlit finds it among the installed distributions, a wheel or
the checkout's editable install (``pip install -e .``, in requirements.txt). plotly.js is
one of those assets (``PLOTLY_JS``: the pinned plotly package's own bundle, vendored), which
the chart's ``loader.js`` loads from beside itself, once per page; the top view's
background PNG travels inline in the chart's data (``data:`` URI).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.proto.BidiComponent_pb2 import BidiComponent

from optiviz.ui import state

PROJECT = "optiviz"
NAME = "chart"
COMPONENT = f"{PROJECT}.{NAME}"
"""The component's name: ``<project>.<component>`` as declared in optiviz/pyproject.toml."""
ASSET_DIR = "ui/chart"
"""The component's asset directory, relative to the ``optiviz`` package."""
JS = "chart.js"
PLOTLY_JS = "vendor/plotly.min.js"
"""plotly.js in ``ASSET_DIR``: a copy of the ``plotly`` package's ``package_data/plotly.min.js``
(tests/test_chart_component.py checks it is byte for byte the installed one's)."""

PICK_NAME = "pick"
"""The student's map (``optiviz.ui.pick``): a second component over ``ASSET_DIR``."""

NOT_INSTALLED = (
    "Optiviz's chart needs the optiviz package installed, so that Streamlit finds its "
    "assets: from the repository, run `pip install -r requirements.txt` (it installs this "
    "checkout with `pip install -e .`) and start the app again."
)
"""What the page says when Streamlit knows no ``optiviz`` components (a checkout that
was never installed)."""


UNDECLARED = "component-missing-asset-dir"
"""The ``error_id`` of Streamlit's refusal of a file-backed component it has no manifest
for."""


REGISTERED = "_components_registered"
"""Session state: the mount callables :func:`register` made in this session, by name and
module."""


def register(name: str, js: str) -> Callable:
    """``st.components.v2.component`` for ``<PROJECT>.<name>`` with its ``js`` file from
    ``ASSET_DIR``; a page whose Streamlit found no manifest says ``NOT_INSTALLED`` and
    stops. Registered once per session, not on every run (about 0.4 ms each, the chart's
    and the share link's in every α release): Streamlit keeps one registry per server,
    and AppTest a new one per test, and a session lives in one of them; the callable looks
    its definition up in that registry when it mounts."""
    mounts = state.get(REGISTERED)
    if mounts is None:
        mounts = {}
        state.set_values({REGISTERED: mounts})
    if (name, js) not in mounts:
        try:
            mount = st.components.v2.component(f"{PROJECT}.{name}", js=js, isolate_styles=False)
        except StreamlitAPIException as exc:
            if exc.error_id != UNDECLARED:
                raise
            st.error(NOT_INSTALLED)
            st.stop()
        mounts[(name, js)] = mount
    return mounts[(name, js)]


def background_url(source: str) -> str:
    """The address the chart gives a background image: its ``data:image/png;base64`` URI
    itself, inline in the chart's data (about 29 kB for the top view; no media file and
    no route outside the component's declared assets)."""
    return source


def chart(
    data: dict,
    *,
    key: str,
    config: dict,
    on_click: Callable[[], None] | None = None,
    on_slider: Callable[[], None] | None = None,
    present: bool = False,
    checked: bool = False,
):
    """Mount (or update in place) the chart under ``key`` with ``data`` from
    ``optiviz.figures.chart_data``; ``on_click`` runs when the user clicks a point
    (read it with ``clicked(key)``), ``on_slider`` when one of the chart's sliders (α,
    k) is let go at a new value (read it with ``slider_moved(key)``). ``present``
    (presenter mode) thickens the lines and turns on the keys: space plays and pauses,
    ← and → step one frame (but while a slider has the focus). Raises
    ``ValueError`` for data that is not strict JSON, which Streamlit would otherwise send
    as its ``str()``; ``checked``: the caller ran ``check_json`` on this data already (a
    cached chart's: ``explore_chart.chart_for``), so only its strictness is checked, in the
    one serialisation that :func:`encoded` makes of the payload."""
    component = register(NAME, JS)
    payload = data | {"config": config, "present": present}
    return component(
        key=key,
        data=encoded(payload) if checked else check_json(payload).encode(),
        on_click_change=on_click or (lambda: None),
        on_slider_change=on_slider or (lambda: None),
    )


def encoded(payload: dict) -> bytes:
    """What the chart is given as ``data`` for ``payload``: its strict JSON text as UTF-8
    bytes, which the chart's JavaScript parses (``loader.js``'s ``payload``). Streamlit
    forwards bytes at the top level as they are (``BidiComponent.bytes``) and hashes them
    for the element's identity, where a dict or list is serialised twice, the proto's
    JSON and its identity's sorted JSON (about 2.5 ms for a start move's 430 kB). Raises
    ``ValueError`` for data that is not strict JSON."""
    try:
        return json.dumps(payload, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the chart's data cannot be sent ({exc})") from exc


def sent(payload: dict) -> list[dict]:
    """What a component other than the chart (the student's map, a figure, the share
    link: small payloads) is given as ``data`` for ``payload``: a one-element list.
    Streamlit scans the values of a dict for data frames, which imports pandas and
    pyarrow (most of a second of a new server's first page), and passes a list on as
    JSON untouched; the components' JavaScript takes ``data[0]``."""
    return [payload]


def received(text: str | bytes) -> dict:
    """The payload a component's data carries, :func:`sent` or :func:`encoded` undone:
    its ``proto.json`` (a one-element list) or its ``proto.bytes`` (the payload)."""
    value = json.loads(text)
    if isinstance(value, list):
        (value,) = value
    return value


def element_data(proto: BidiComponent) -> dict:
    """The payload of a ``BidiComponent`` proto, whichever of its data fields the app
    filled (``bytes`` for the chart, ``json`` for the other components)."""
    return received(proto.bytes if proto.WhichOneof("data") == "bytes" else proto.json)


def check_json(data: dict, sort_keys: bool = False) -> str:
    """Raise ``ValueError`` unless ``data`` is a figure dict that is strict JSON; return
    that JSON text (its keys sorted with ``sort_keys``)."""
    try:
        text = json.dumps(data, allow_nan=False, sort_keys=sort_keys)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the chart's data cannot be sent ({exc})") from exc
    if not isinstance(data.get("figure"), dict) or not data["figure"].get("data"):
        raise ValueError("the chart's data has no figure to draw")
    return text


TOKEN = "token"
"""A payload's name (:func:`digest`, :func:`tokened`), by which :func:`kept` refers to it."""
KEEP = "keep"
"""The key of :func:`kept`'s answer: the token of the payload the chart is to keep."""


def digest(data: dict) -> str:
    """``check_json`` of ``data``, and a digest of its JSON text, keys sorted (so equal
    contents, the shipped first screen's or the engine's, share it): ``TOKEN``'s value for
    chart data (``explore_chart.chart_for`` adds it once per cached chart)."""
    return hashlib.sha1(check_json(data, sort_keys=True).encode()).hexdigest()[:16]


def tokened(data: dict) -> dict:
    """``data`` (with its ``digest`` under ``TOKEN``) as sent, its families either whole or
    by reference (``sliders.by_reference``): the token names which, so that two payloads
    with different contents never share one."""
    refs = "".join(
        "r" if "ref" in f else "f" for s in data.get("sliders", []) for f in s["families"]
    )
    return data | {TOKEN: f"{data[TOKEN]}-{refs}"}


SETTLED = "settled"
"""A kept payload's sliders (keys, the last let go last) whose member at the slider's stop
the chart draws in place of the runs it follows: the figure draws the payload's own
settings, and each release since moved one slider's stop (:func:`settled`)."""


def kept(data: dict, key: str, value: float, sliders: list[dict] | None = None) -> dict:
    """What the chart is sent where it already draws what it would draw for payload
    ``data`` (the last sent, with its ``TOKEN``) with slider ``key`` at ``value``:
    ``{"keep": token, "key": key, "value": value}``. The chart keeps the payload it holds
    and the member drawn (its JavaScript returns at once); a chart mounted anew takes that
    payload from the page's cache and moves the slider to ``value``. A few hundred bytes,
    which Streamlit serialises and hashes at no cost, where ``data`` again is two JSON
    encodings and two digests of its ~190 kB. No ``figure``: pass it ``checked``.

    With ``sliders`` (the other slider's families went stale: a k family at the old α),
    the answer also carries them and the ``TOKEN`` of the payload the chart then holds,
    :func:`settled`'s."""
    out = {KEEP: data[TOKEN], "key": key, "value": value}
    if sliders is None:
        return out
    ids = [[s["key"], *(f.get("ref") or "f" + f["key"] for f in s["families"])] for s in sliders]
    named = json.dumps([data[TOKEN], key, value, ids]).encode()
    return out | {TOKEN: hashlib.sha1(named).hexdigest()[:16], "sliders": sliders}


def settled(data: dict, answer: dict) -> dict:
    """The payload the chart holds once it applied ``answer`` (``kept`` with sliders) to
    payload ``data``: its ``TOKEN`` the answer's, the slider let go at the value (its
    ``index``) and last in ``SETTLED``, and each slider the answer sends in place of the
    one with its key. chart.js's ``keptPayload`` does the same (tests/test_chart_js.py)."""
    fresh = {s["key"]: s for s in answer["sliders"]}
    key, value = answer["key"], answer["value"]

    def after(slider: dict) -> dict:
        if slider["key"] in fresh:
            return fresh[slider["key"]]
        if slider["key"] == key:
            return slider | {"index": slider["stops"].index(value)}
        return slider

    order = [k for k in data.get(SETTLED, []) if k != key] + [key]
    sliders = [after(s) for s in data["sliders"]]
    return data | {TOKEN: answer[TOKEN], SETTLED: order, "sliders": sliders}


def clicked(key: str) -> dict | None:
    """The point ``{"x", "y"}`` the user just clicked on chart ``key``, or None."""
    value = st.session_state.get(key)
    point = value.get("click") if value else None
    return point if isinstance(point, dict) else None


def slider_moved(key: str) -> dict | None:
    """``{"key": "alpha" or "k", "value": the stop}`` of the slider just let go on chart
    ``key``, or None."""
    value = st.session_state.get(key)
    moved = value.get("slider") if value else None
    return moved if isinstance(moved, dict) else None
