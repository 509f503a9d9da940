"""The one module that touches ``st.session_state`` and ``st.query_params``.

Every control is a keyed widget whose value lives in session state under its key, and the
address holds the same values under the same names, as the share link writes them. Both
read one table, ``optiviz.scenes.params.PARAMS``:

- a link is parsed once per session (``init``): each parameter's texts must spell a value
  its control can show, or it is dropped and named in a notice (``rejected``);
- at the end of every run, and of every fragment run, ``publish`` writes the address from
  session state in one message, so the address bar is always the share link.

Everything that depends on the surface (α, steps, start, the race, the batch size) is reset
in one place, ``apply_surface_defaults``, when the surface or the typed formula changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from optiviz.core import surfaces
from optiviz.scenes import lessons, params
from optiviz.scenes.params import PARAMS

BIND = {"persist_state": "session"}
"""Widget arguments: a control keeps its value while it is hidden."""

DEFAULT_SURFACE = params.DEFAULT_SURFACE
DEFAULT_FORMULA = params.DEFAULT_FORMULA
RAW = "_raw_query"
PRESENT = "present"
"""Presenter mode: ``?present=1`` in the address, the 'Presenter mode' toggle on the page."""
APP_RERUN = "_app_rerun"
"""Set by a callback inside a fragment whose change reaches outside it: rerun the app."""
EXTRA = "_address_extra"
"""Parameters a page adds to the address besides the controls (``{name: [texts]}``: a
presenter's class question, ``classroom.HOST``): ``publish`` writes them, the share link
never holds them."""
EXTRA_NAMES = frozenset({"host"})
"""The names ``EXTRA`` may hold, which a link's notice does not call unknown."""
_SHOWN_PRESETS = "_presets_shown_for"
"""The surface preset rates the race picker's chips were last drawn with."""


def init() -> None:
    """Once per session: keep the link's raw parameters and set every control it spells
    well; then fill the surface's defaults for whatever is still unset."""
    first = RAW not in st.session_state
    if first:
        raw = {k: st.query_params.get_all(k) for k in st.query_params}
        st.session_state[RAW] = raw
        _load(raw)
        _open_named_lesson(raw)
    name = st.session_state.get("surface") or DEFAULT_SURFACE
    st.session_state["surface"] = name
    st.session_state.setdefault("formula", DEFAULT_FORMULA)
    if first:  # what the link left out of the surface's settings: its own defaults
        apply_surface_defaults(name, only_missing=True)
    for key in ("page", "mode", "optimizer", "compare_optimizers", "schedule"):
        st.session_state.setdefault(key, PARAMS[key].default)


def _load(raw: Mapping[str, list[str]]) -> None:
    for key, texts in raw.items():
        value = _parsed(key, texts)
        if value is not None:
            st.session_state[key] = value == "1" if key == PRESENT else value
    if "formula" in st.session_state:
        formula_fallback(st.session_state["formula"])


def _open_named_lesson(raw: Mapping[str, list[str]]) -> None:
    """A link that names a lesson and no control (``?lesson=ID``, with presenter mode or
    not: a short link typed by hand, where the app's own links write the page, surface
    and view) opens that lesson as its button does: with the lesson's settings, not the
    first screen's under the lesson's words."""
    lesson_id = st.session_state.get("lesson")
    if lesson_id and set(raw) & set(PARAMS) <= {"lesson", PRESENT}:
        apply_settings(lessons.load()[lesson_id].settings)


def _parsed(key: str, texts: list[str]) -> Any:
    row = PARAMS.get(key)
    if row is None:
        return None
    try:
        return row.parse(texts)
    except (ValueError, KeyError):
        return None


ALWAYS_WRITTEN = frozenset(params.surface_defaults(surfaces.get(DEFAULT_SURFACE))) | {
    "batch_size",
    "noise",
    "page",
    "surface",
    "mode",
}
"""Controls always written: the page, surface and view that frame a link, and those whose
default depends on the surface or the view (a link that left one out would open on the
table's default instead)."""


def pairs() -> list[tuple[str, str]]:
    """Every set control as (name, text) pairs, in the table's order: the address. A value
    equal to its table default is left out (a link without it opens on that default)."""
    out = []
    for key, row in PARAMS.items():
        value = st.session_state.get(key)
        if key == PRESENT:
            value = "1" if value else None
        if value is None or (key not in ALWAYS_WRITTEN and _same(value, row.default)):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        out += [(key, lessons.url_text(v)) for v in values]
    return out


def publish(now: list[tuple[str, str]] | None = None) -> None:
    """Make the address spell every control's current value (``now``: ``pairs()`` read
    already in this run), in one message, if it differs (a write sends the browser the
    whole address)."""
    wanted: dict[str, list[str]] = {}
    for key, text in pairs() if now is None else now:
        wanted.setdefault(key, []).append(text)
    wanted |= {k: list(v) for k, v in st.session_state.get(EXTRA, {}).items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, list | tuple) and isinstance(default, list | tuple):
        return list(value) == list(default)
    return type(value) is type(default) and value == default


def presenting() -> bool:
    """Whether presenter mode is on."""
    return bool(st.session_state.get(PRESENT))


def share_link(now: list[tuple[str, str]] | None = None) -> str:
    """The address that reopens this view: every set control, by name (``now``:
    ``pairs()`` read already in this run)."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(pairs() if now is None else now)}"


def apply_settings(values: Mapping[str, object]) -> None:
    """Set widgets from a lesson's settings; values their control cannot show are skipped."""
    if "surface" in values:
        st.session_state["surface"] = str(values["surface"])
        if "formula" in values:
            formula_fallback(str(values["formula"]))
        apply_surface_defaults(str(values["surface"]))
    for key, value in values.items():
        items = value if isinstance(value, list) else [value]
        parsed = _parsed(key, [lessons.url_text(v) for v in items])
        if parsed is not None:
            st.session_state[key] = parsed


def formula_fallback(text: str | None = None) -> str:
    """Remember ``text`` as the last formula that parsed; return the last good one."""
    if text is not None:
        st.session_state["_good_formula"] = text
    return st.session_state.get("_good_formula", DEFAULT_FORMULA)


def rejected() -> list[str]:
    """The link's parameters that were unknown or spell nothing their control can show."""
    bad = []
    for key, values in st.session_state.get(RAW, {}).items():
        row = PARAMS.get(key)
        if key in EXTRA_NAMES:
            continue
        if row is None:
            bad.append(f"{key} (unknown)")
        elif _parsed(key, values) is None:
            bad += [f"{key}={v[:40]}" for v in values if not row.accepts(v)] or [
                f"{key}={'&'.join(values)[:40]}"
            ]
    return bad


def _surface_for(name: str) -> surfaces.Surface:
    if name == "custom":
        try:
            return surfaces.from_expression(formula_fallback())
        except ValueError:
            pass
    return surfaces.get(name if name in params.SURFACE_NAMES else DEFAULT_SURFACE)


def apply_surface_defaults(name: str, only_missing: bool = False) -> None:
    """Set everything that depends on surface ``name`` ("custom": the last formula that
    parsed) to its defaults (``params.surface_defaults``); with ``only_missing``, only
    what is unset."""
    for key, value in params.surface_defaults(_surface_for(name)).items():
        if not (only_missing and key in st.session_state):
            st.session_state[key] = value


def on_surface_change() -> None:
    """Callback of the surface selector."""
    apply_surface_defaults(st.session_state["surface"])


def on_mode_change() -> None:
    """Callback of the view picker: the many-seeds view on an analytic surface without
    noise gets ``params.seeds_noise``, so that its cloud shows a spread."""
    surface = _surface_for(st.session_state.get("surface", DEFAULT_SURFACE))
    noiseless = not st.session_state.get("noise") and surface.n_samples is None
    if st.session_state.get("mode") == "seeds" and noiseless:
        st.session_state["noise"] = params.seeds_noise(surface)


def on_formula_change() -> None:
    """Callback of the formula box: a formula that parses gets its own defaults."""
    try:
        surfaces.from_expression(st.session_state["formula"])
    except ValueError:
        return
    formula_fallback(st.session_state["formula"])
    apply_surface_defaults("custom")


def fit_presets(surface: surfaces.Surface) -> None:
    """Before the race picker draws: keep only the labels ``surface`` offers (a link or
    lesson made for another surface), or its default race if none is left; "my α" races
    in place of an asked-for "good" the surface has not. Where the
    surface's preset rates differ from those the picker's chips last showed, the value is
    written again, so the browser redraws every chip with its current α (the browser keeps
    a picker's chips as the texts it was sent)."""
    available = params.available_presets(surface)
    chosen = list(st.session_state.get("presets", []))
    kept = [p for p in chosen if p in available] or params.default_presets(surface)
    if "good" in chosen and "good" not in available and params.MY_ALPHA not in kept:
        kept.append(params.MY_ALPHA)
    shown = tuple(surface.lr_presets.items())
    if kept != chosen or st.session_state.get(_SHOWN_PRESETS) != shown:
        st.session_state["presets"] = kept
        st.session_state[_SHOWN_PRESETS] = shown


def on_alpha_change() -> None:
    """Moving alpha in comparison mode adds 'my α' to the race. That changes a sidebar
    widget outside α's fragment, so it asks for a rerun of the whole app (``APP_RERUN``)."""
    chosen = list(st.session_state.get("presets", []))
    if params.MY_ALPHA not in chosen:
        st.session_state["presets"] = [*chosen, params.MY_ALPHA]
        st.session_state[APP_RERUN] = True


def set_values(values: Mapping[str, object]) -> None:
    """Write widget values (lessons, 'send to main view', clicks); applied next run."""
    for key, value in values.items():
        st.session_state[key] = value


def default(key: str, value: Any = None) -> None:
    """A control's default, set once in session state (so lessons and links can set it
    too); without ``value``, the table's."""
    st.session_state.setdefault(key, PARAMS[key].default if value is None else value)


def pop(key: str, default: Any = None) -> Any:
    """Take a session value out (a one-shot flag), or ``default``."""
    return st.session_state.pop(key, default)


def get(key: str, default: Any = None) -> Any:
    """A session value, or ``default``."""
    return st.session_state.get(key, default)


FAMILIES_SENT = "_families_sent"
"""The chart families (by key) this session's browser has been sent."""


def sent_before(key: str) -> bool:
    """Whether this session's browser was sent chart family ``key`` before; notes that
    it has been now."""
    sent = st.session_state.setdefault(FAMILIES_SENT, set())
    if key in sent:
        return True
    sent.add(key)
    return False
