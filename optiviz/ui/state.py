"""The one module that touches ``st.session_state`` and ``st.query_params``.

Every control is a keyed widget mirrored in a query parameter of the same name,
so the address bar always holds the page's state and a copied link reopens it.
Sliders and number inputs use Streamlit's own binding (``bind="query-params"``);
pickers with display labels (``MANUAL``) are mirrored here by name, because a
bound picker would put its display label in the address.
Defaults that depend on the surface (alpha, steps, start) are written to
session state when the surface changes. A link's raw parameters are checked
here once per session: bad or hostile values are dropped by Streamlit, and
this module names them in a notice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import streamlit as st

from optiviz import lessons, limits, surfaces
from optiviz.ui import options as opt

BIND = {"bind": "query-params", "persist_state": "session"}
"""Widget arguments: every control lives in the address and keeps its value while hidden."""

DEFAULT_SURFACE = "staircase"
DEFAULT_PRESETS = ("too small", "good", "too large")
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_FORMULA = "x^2 + 5*y^2 + sin(3*x)"
RAW = "_raw_query"
PRESENT = "present"
"""Presenter mode: ``?present=1`` in the address, the 'Presenter mode' toggle on the page."""
APP_RERUN = "_app_rerun"
"""Set by a callback inside a fragment whose change reaches outside it: rerun the app."""


def _number(lo: float, hi: float) -> Callable[[str], bool]:
    def ok(text: str) -> bool:
        try:
            value = float(text)
        except ValueError:
            return False
        return math.isfinite(value) and lo <= value <= hi

    return ok


def _member(choices) -> Callable[[str], bool]:
    allowed = {opt.fmt(c) if isinstance(c, float) else str(c) for c in choices}
    return lambda text: text in allowed


VALIDATORS: Mapping[str, Callable[[str], bool]] = {
    "page": _member(opt.PAGES),
    "surface": _member([*opt.SURFACE_NAMES, "custom"]),
    "mode": _member(opt.MODES),
    "optimizer": _member(opt.OPTIMIZER_NAMES),
    "compare_optimizers": _member(opt.OPTIMIZER_NAMES),
    "presets": _member([*surfaces.PRESET_KEYS, "my α"]),
    "schedule": _member(opt.SCHEDULE_NAMES),
    "alpha": _member(opt.alpha_options()),
    "k": _member(opt.k_options()),
    "drop": _number(0.05, 1.0),
    "every": _number(1, limits.MAX_STEPS),
    "staircase": _member(["true", "false"]),
    "momentum": _number(0.0, 0.999),
    "rho": _number(0.0, 0.999),
    "beta1": _number(0.0, 0.999),
    "beta2": _number(0.0, 0.9999),
    "eps": _member(opt.eps_options()),
    "weight_decay": _member(opt.decay_options()),
    "degree": _number(0, limits.MAX_DEGREE),
    "steps": _number(*opt.STEP_RANGE),
    "start_x": _number(-1e3, 1e3),
    "start_y": _number(-1e3, 1e3),
    "noise": _number(0.0, 10.0),
    "seed": _number(0, 2**31 - 1),
    "n_seeds": _number(2, limits.MAX_SEEDS),
    "batch_size": _number(1, 10_000),
    "formula": lambda text: 0 < len(text) <= limits.MAX_FORMULA_LENGTH,
    "lesson": _member(lessons.load()),
    "picture": _member(["Top view + loss + α_t", "3-D view"]),
    "lab_alpha": _member(opt.alpha_options()),
    "lab_k": _member(opt.k_options()[1:]),
    "lab_side": _member([32, 64, 128, 192, 256]),
    "lab_budget": _number(4, limits.MAX_SEARCH_BUDGET),
    "lab_seed": _number(0, 10_000),
    "lab_metric": _member(["loss", "steps"]),
    "lab_shown": _member(["grid", "random", "bayes"]),
    "lab_space": _member(["k", "weight_decay"]),
    "lab_decay": _member(opt.decay_options()[1:]),
    "lab_picture": _member(["Map", "3-D landscape"]),
    PRESENT: _member(["0", "1"]),
}
"""Each bound parameter and the test its raw URL text must pass."""


MANUAL = {
    "page": False,
    "surface": False,
    "mode": False,
    "optimizer": False,
    "schedule": False,
    "compare_optimizers": True,
    "presets": True,
    "lesson": False,
}
"""Pickers mirrored by name in the address (True: a list, as repeated parameters); the open
lesson too, so that a lesson's link shows its banner."""


def init() -> None:
    """Once per session: keep the link's raw parameters and load the pickers from them;
    then fill the surface's defaults for whatever is still unset."""
    if RAW not in st.session_state:
        st.session_state[RAW] = {k: st.query_params.get_all(k) for k in st.query_params}
        _load_pickers(st.session_state[RAW])
        st.session_state[PRESENT] = st.session_state[RAW].get(PRESENT, ["0"])[-1] == "1"
    name = st.session_state.get("surface") or _raw_surface()
    if "alpha" not in st.session_state:
        apply_surface_defaults(name, only_missing=True)
    st.session_state.setdefault("surface", name)
    st.session_state.setdefault("formula", DEFAULT_FORMULA)
    st.session_state.setdefault("presets", list(DEFAULT_PRESETS))
    st.session_state.setdefault("compare_optimizers", list(DEFAULT_OPTIMIZERS))


def _load_pickers(raw: Mapping[str, list[str]]) -> None:
    for key, many in MANUAL.items():
        good = [v for v in raw.get(key, []) if VALIDATORS[key](v)]
        if good:
            st.session_state[key] = good if many else good[-1]


def publish() -> None:
    """Write the pickers' current values to the address (at the end of each run). Only
    the parameters whose value changed are written: each write sends the browser a
    message with the whole address."""
    for key, many in MANUAL.items():
        value = st.session_state.get(key)
        _publish(key, [] if value is None else [str(v) for v in value] if many else [str(value)])
    _publish(PRESENT, ["1"] if st.session_state.get(PRESENT) else [])


def _publish(key: str, values: list[str]) -> None:
    """Make ``key``'s values in the address ``values`` (none: drop it), if they differ."""
    if st.query_params.get_all(key) != values:
        if values:
            st.query_params[key] = values
        else:
            st.query_params.pop(key, None)


def presenting() -> bool:
    """Whether presenter mode is on."""
    return bool(st.session_state.get(PRESENT))


def share_link() -> str:
    """The address that reopens this view: every set control, by name."""
    pairs = []
    for key in VALIDATORS:
        value = st.session_state.get(key)
        if key == PRESENT:
            value = "1" if value else None
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(key, lessons.url_text(v)) for v in values]
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(pairs)}"


def apply_settings(values: Mapping[str, object]) -> None:
    """Set widgets from a lesson's settings; values that fail their test are skipped."""
    if "surface" in values:
        apply_surface_defaults(str(values["surface"]))
    for key, value in values.items():
        items = value if isinstance(value, list) else [value]
        if key in VALIDATORS and all(VALIDATORS[key](lessons.url_text(v)) for v in items):
            st.session_state[key] = value


def formula_fallback(text: str | None = None) -> str:
    """Remember ``text`` as the last formula that parsed; return the last good one."""
    if text is not None:
        st.session_state["_good_formula"] = text
    return st.session_state.get("_good_formula", DEFAULT_FORMULA)


def _raw_surface() -> str:
    values = st.session_state[RAW].get("surface", [])
    if values and values[-1] in opt.SURFACE_NAMES:
        return values[-1]
    return DEFAULT_SURFACE


def rejected() -> list[str]:
    """The link's parameters that were unknown or failed their test, as 'name=value'."""
    bad = []
    for key, values in st.session_state.get(RAW, {}).items():
        test = VALIDATORS.get(key)
        if test is None:
            bad.append(f"{key} (unknown)")
        else:
            bad += [f"{key}={v[:40]}" for v in values if not test(v)]
    return bad


def _surface_for(name: str) -> surfaces.Surface:
    if name == "custom":
        try:
            return surfaces.from_expression(formula_fallback())
        except ValueError:
            pass
    return surfaces.get(name if name in opt.SURFACE_NAMES else DEFAULT_SURFACE)


def apply_surface_defaults(name: str, only_missing: bool = False) -> None:
    """Set alpha ('good' preset, on the slider's scale), steps and start to the defaults
    of surface ``name`` ("custom": the last formula that parsed)."""
    surface = _surface_for(name)
    values = {
        "alpha": opt.default_alpha(surface),
        "steps": int(surface.default_steps),
        "start_x": float(surface.start[0]),
        "start_y": float(surface.start[1]) if surface.dim >= 2 else 0.0,
    }
    for key, value in values.items():
        if not (only_missing and key in st.session_state):
            st.session_state[key] = value


def on_surface_change() -> None:
    """Callback of the surface selector."""
    apply_surface_defaults(st.session_state["surface"])


def on_formula_change() -> None:
    """Callback of the formula box: a formula that parses gets its own defaults."""
    try:
        surfaces.from_expression(st.session_state["formula"])
    except ValueError:
        return
    formula_fallback(st.session_state["formula"])
    apply_surface_defaults("custom")


def fit_presets(available: list[str]) -> None:
    """Before the comparison picker draws: drop chosen labels the surface does not offer
    (a link or lesson made for another surface); if none is left, race the default labels
    it has. Where "good" was asked for and the surface has none, "my α" races in its place:
    the α slider then opens between the surface's presets."""
    chosen = list(st.session_state.get("presets", []))
    kept = [p for p in chosen if p in available]
    if kept != chosen:
        kept = kept or [p for p in DEFAULT_PRESETS if p in available]
        if "good" in chosen and "good" not in available and "my α" not in kept:
            kept.append("my α")
        st.session_state["presets"] = kept


def on_alpha_change() -> None:
    """Moving alpha in comparison mode adds 'my α' to the race. That changes a sidebar
    widget outside α's fragment, so it asks for a rerun of the whole app (``APP_RERUN``)."""
    chosen = list(st.session_state.get("presets", []))
    if "my α" not in chosen:
        st.session_state["presets"] = [*chosen, "my α"]
        st.session_state[APP_RERUN] = True


def set_values(values: Mapping[str, object]) -> None:
    """Write widget values (lessons, 'send to main view', clicks); applied next run."""
    for key, value in values.items():
        st.session_state[key] = value


def clicked_point(chart_key: str) -> dict | None:
    """The first point of a chart's click selection (``on_select``), or None."""
    event = st.session_state.get(chart_key) or {}
    points = event.get("selection", {}).get("points", [])
    return points[0] if points else None


def default(key: str, value) -> None:
    """A control's default, set once in session state (so lessons and links can set it too)."""
    st.session_state.setdefault(key, value)


def pop(key: str, default=None):
    """Take a session value out (a one-shot flag), or ``default``."""
    return st.session_state.pop(key, default)


def get(key: str, default=None):
    """A session value, or ``default``."""
    return st.session_state.get(key, default)
