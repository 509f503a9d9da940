"""The in-place chart: a Streamlit v2 component whose JavaScript (``chart/chart.js``)
keeps one Plotly graph across reruns and updates it with ``Plotly.react``.

plotly.js itself (the ``plotly`` package's ``plotly.min.js``) is served as a component
asset (``PLOTLY``), referenced by URL, so the browser loads it once per page; the top
view's background PNG travels inline in the chart's data (``data:`` URI).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import streamlit as st
from streamlit import runtime

PROJECT = "optiviz"
NAME = "chart"
COMPONENT = f"{PROJECT}.{NAME}"
"""The component's name: ``<project>.<component>`` as declared in pyproject.toml."""
ASSET_DIR = "ui/chart"
"""The component's asset directory, relative to the ``optiviz`` package."""
JS = "chart.js"
PLOTLY_NAME = "plotly"
PLOTLY = f"{PROJECT}.{PLOTLY_NAME}"
"""plotly.js's route: the ``plotly`` package's ``package_data`` folder, served as the
assets of a second component, so the browser fetches ``plotly.min.js`` by a fixed URL."""
PLOTLY_JS = "plotly.min.js"


def _package_root() -> Path:
    return Path(str(resources.files(PROJECT)))


PICK_NAME = "pick"
"""The student's map (``optiviz.ui.pick``): a second component over ``ASSET_DIR``."""


def _ensure_assets() -> None:
    """Declare the asset directory on the running Streamlit for the chart and the student's
    map, as pyproject.toml does for an installed package (a checkout run with ``streamlit
    run app.py`` is not installed), and plotly.js's (``PLOTLY``), which no manifest can
    declare: it lives in another package."""
    for name in (NAME, PICK_NAME):
        _declare(name, ASSET_DIR, _package_root())
    _declare(PLOTLY_NAME, "package_data", Path(str(resources.files("plotly"))))


def _declare(name: str, asset_dir: str, root: Path) -> None:
    """Register component ``<PROJECT>.<name>`` with assets ``root / asset_dir``, once."""
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    manager = runtime.get_instance().bidi_component_registry
    if manager.get_component_asset_root(f"{PROJECT}.{name}") is None:
        manifest = ComponentManifest(PROJECT, "0", [ComponentConfig(name, asset_dir)])
        manager.register_from_manifest(manifest, root)


def background_url(source: str) -> str:
    """The address the chart gives a background image: its ``data:image/png;base64`` URI
    itself, inline in the chart's data (about 29 kB for the top view; no media file and
    no route outside the component's declared assets)."""
    return source


_MOUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""The component's callable per running Streamlit (its component registry)."""


def _mount():
    """The chart's callable, registered once per running Streamlit (as a module-level
    ``st.components.v2.component`` call would be), not again on every run: registering
    resolves the asset paths, about 1 ms a run."""
    registry = runtime.get_instance().bidi_component_registry
    mount = _MOUNTS.get(registry)
    if mount is None:
        _ensure_assets()
        mount = _MOUNTS[registry] = st.components.v2.component(
            COMPONENT, js=JS, isolate_styles=False
        )
    return mount


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
    cached chart's: ``explore.chart_for``), so it is not serialised once more per run."""
    if not checked:
        check_json(data)
    component = _mount()
    payload = data | {"config": config, "plotly": plotly_url(), "present": present}
    return component(
        key=key,
        data=payload,
        on_click_change=on_click or (lambda: None),
        on_slider_change=on_slider or (lambda: None),
    )


def check_json(data: dict) -> None:
    """Raise ``ValueError`` unless ``data`` is a figure dict that is strict JSON."""
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the chart's data cannot be sent ({exc})") from exc
    if not isinstance(data.get("figure"), dict) or not data["figure"].get("data"):
        raise ValueError("the chart's data has no figure to draw")


def plotly_url() -> str:
    """Where the browser loads plotly.js from: a fixed URL, nothing hashed per run."""
    return f"/_stcore/bidi-components/{PLOTLY}/{PLOTLY_JS}"


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
