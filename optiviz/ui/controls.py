"""Sidebar controls. ``explore_controls()`` draws them and returns a ``Draft``: the
settings but α and k, which ``Draft.settings()`` reads later, inside α's fragment (the
chart draws their sliders under the graph)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz.core import limits, optimizers, schedules, surfaces
from optiviz.core.surfaces import typed
from optiviz.scenes.params import MY_ALPHA, PARAMS
from optiviz.scenes.settings import Settings
from optiviz.ui import fit_controls, noise_controls, state
from optiviz.ui import options as opt
from optiviz.ui.widgets import draw


def _surface_label(name: str) -> str:
    if name == "custom":
        return "✏️ Type your own formula"
    s = surfaces.get(name)
    return f"{s.dim}-D · {s.label}"


def surface_control() -> str:
    """The surface picker, 1-D curves first."""
    names = sorted(opt.SURFACE_NAMES, key=lambda n: surfaces.get(n).dim) + ["custom"]
    return draw(
        "surface", options=names, format_func=_surface_label, on_change=state.on_surface_change
    )


def formula_control() -> tuple[surfaces.Surface, str]:
    """The typed loss: parsed safely; on bad input an error under the box and the last
    formula that parsed stays in use."""
    text = draw("formula", max_chars=limits.MAX_FORMULA_LENGTH, on_change=state.on_formula_change)
    try:
        surface = surfaces.from_expression(text)
        state.formula_fallback(text)
    except ValueError as exc:
        good = state.formula_fallback()
        st.sidebar.error(f"{exc}. Still showing: {good}")
        surface, text = surfaces.from_expression(good), good
    warning = typed.view_warning(surface)
    if warning:
        st.sidebar.warning(warning)
    return surface, text


def optimizer_controls(mode: str) -> tuple[str, tuple[str, ...]]:
    """The optimizer (or the optimizers to overlay) and its own hyperparameters."""
    if mode == "optimizers":
        chosen = draw("compare_optimizers", format_func=optimizers.LABELS.get, max_selections=6)
        first = chosen[0] if chosen else "sgd"
        return first, tuple(chosen) or ("sgd",)
    name = draw(
        "optimizer",
        format_func=optimizers.LABELS.get,
        on_change=lambda: state.set_values(
            {"eps": optimizers.DEFAULT_EPS.get(state.get("optimizer"), 1e-8)}
        ),
    )
    return name, (name,)


BETAS = ("momentum", "rho", "beta1", "beta2")
"""The decay-like hyperparameters, each a slider from 0 to just under 1."""


def hyper_controls(names: tuple[str, ...]) -> dict:
    """Sliders for the hyperparameters that the chosen optimizers read (PyTorch defaults
    from ``optimizers.OptimizerParams`` for those not shown)."""
    used = {h for n in names for h in optimizers.HYPERPARAMS[n]}
    out = optimizers.OptimizerParams()._asdict()
    for key in BETAS:
        if key in used:
            out[key] = draw(key, format="%.3f")
    if "eps" in used:
        state.default("eps", optimizers.DEFAULT_EPS.get(names[0], 1e-8))
        out["eps"] = draw("eps")
    out["weight_decay"] = fit_controls.weight_decay_control()
    return out


def rate_widgets(mode: str, schedule: str, where: DeltaGenerator, note: str = "") -> None:
    """α (and k, where the schedule reads it) as Streamlit sliders in ``where``: for a page
    without the chart component, whose own sliders the explore views draw instead.
    ``note`` ends each slider's help (why the page follows the value on release)."""
    on_change = state.on_alpha_change if mode == "compare" else "rerun"
    draw("alpha", where, on_change=on_change, help=f"{PARAMS['alpha'].help} {note}".strip())
    if schedule in schedules.USES_K:
        draw("k", where, help=f"{PARAMS['k'].help} {note}".strip())


def schedule_controls() -> dict:
    """The schedule and its knobs: k for exponential and 1/t, drop and interval for step."""
    name = draw("schedule", format_func=schedules.LABELS.get)
    out = {key: PARAMS[key].default for key in ("k", "drop", "every", "staircase")}
    out |= {"schedule": name, "k": 0.0}
    if name in schedules.USES_K:
        state.default("k")  # the chart's "Decay rate k" slider sets it
        out["k"] = float(state.get("k"))
        out["staircase"] = draw("staircase")
    if name == "step":
        out["drop"] = draw("drop")
    if name == "step" or out["staircase"]:
        out["every"] = draw("every")
    return out


def run_length_controls(surface: surfaces.Surface) -> tuple[int, tuple[float, ...] | None]:
    """Number of steps and the start point (also settable by clicking the map); models
    with more than two parameters start at their own start (None)."""
    steps = draw("steps")
    if surface.dim > 2:
        return steps, None
    names = surface.extras.get("parameters", ("x", "y"))
    cols = st.sidebar.columns(surface.dim)
    start = tuple(
        draw(key, col, format="%.3f", label=f"Start {name}")
        for col, name, key in zip(cols, names, ("start_x", "start_y"), strict=False)
    )
    return steps, start


def comparison_control(surface: surfaces.Surface) -> tuple[str, ...]:
    """Which preset learning rates race in comparison mode (only the surface's own labels)."""
    state.fit_presets(surface)
    chosen = draw("presets", surface=surface, format_func=partial(preset_chip, surface))
    return tuple(chosen) or (opt.available_presets(surface)[0],)


def preset_chip(surface: surfaces.Surface, label: str) -> str:
    """A race picker chip: the preset's label and its α on ``surface``."""
    return label if label == MY_ALPHA else f"{label} (α = {surface.lr_presets[label]:g})"


@dataclass(frozen=True)
class Draft:
    """The explore page's settings but α and k, which the chart's own sliders set (in
    session state, see ``explore``). ``fields["compare_optimizers"]`` holds the
    optimizers the page runs in every view: the overlay's, or the one optimizer."""

    fields: dict[str, Any]

    def settings(self) -> Settings:
        """The whole settings, α and k as session state holds them now: called inside α's
        fragment, whose reruns keep the sidebar's fields of the last full run."""
        uses_k = self.fields["schedule"] in schedules.USES_K
        k = float(state.get("k", PARAMS["k"].default)) if uses_k else 0.0
        alpha = float(state.get("alpha", PARAMS["alpha"].default))
        return Settings(alpha=alpha, **(self.fields | {"k": k}))


def explore_controls(surface: surfaces.Surface, name: str, formula: str = "") -> Draft:
    """Draw the explore page's sidebar, top to bottom (α and k are the chart's)."""
    mode = draw("mode", format_func=opt.MODES.get, on_change=state.on_mode_change)
    presets = comparison_control(surface) if mode == "compare" else ()
    optimizer, chosen = optimizer_controls(mode)
    hyper = hyper_controls(chosen)
    sched = schedule_controls()
    steps, start = run_length_controls(surface)
    noise = noise_controls.noise_controls(surface, mode)
    fields = {
        "surface": name,
        "mode": mode,
        "optimizer": optimizer,
        "compare_optimizers": chosen,
        "presets": presets,
        "steps": steps,
        "start": start,
        "formula": formula,
        "degree": surface.extras.get("degree", Settings.degree),
        **hyper,
        **sched,
        **noise,
    }
    return Draft(fields)


def lab_shared_controls(surface: surfaces.Surface) -> Settings:
    """The controls the lab shares with the explore page: optimizer, schedule, steps, start."""
    optimizer, chosen = optimizer_controls("single")
    hyper = hyper_controls(chosen)
    sched = schedule_controls()
    steps, start = run_length_controls(surface)
    return Settings(
        surface=surface.name,
        mode="single",
        optimizer=optimizer,
        compare_optimizers=chosen,
        presets=(),
        alpha=float(state.get("alpha", 0.1)),
        steps=steps,
        start=start,
        degree=surface.extras.get("degree", Settings.degree),
        **hyper,
        **sched,
    )
