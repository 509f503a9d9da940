"""Sidebar controls. ``explore_controls()`` draws them and returns a ``Draft``: the
settings but α, whose slider ``Draft.settings()`` draws later, inside a fragment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz import limits, optimizers, schedules, surfaces
from optiviz.settings import Settings
from optiviz.surfaces import typed
from optiviz.ui import fit_controls, noise_controls, state
from optiviz.ui import options as opt

BIND = state.BIND
_init = state.default


def _surface_label(name: str) -> str:
    if name == "custom":
        return "✏️ Type your own formula"
    s = surfaces.get(name)
    return f"{s.dim}-D · {s.label}"


def surface_control() -> str:
    """The surface picker, 1-D curves first."""
    names = sorted(opt.SURFACE_NAMES, key=lambda n: surfaces.get(n).dim) + ["custom"]
    return st.sidebar.selectbox(
        "Loss surface",
        names,
        format_func=_surface_label,
        key="surface",
        on_change=state.on_surface_change,
        help="The landscape the ball rolls on: 1-D curves or 2-D surfaces seen from above.",
    )


def formula_control() -> tuple[surfaces.Surface, str]:
    """The typed loss: parsed safely; on bad input an error under the box and the last
    formula that parsed stays in use."""
    text = st.sidebar.text_input(
        "Your loss f(x, y)",
        key="formula",
        max_chars=limits.MAX_FORMULA_LENGTH,
        on_change=state.on_formula_change,
        help="Type a formula in x (and y): + − * / ^, sin cos tan exp log sqrt abs tanh "
        "sinh cosh arctan, pi, e. Example: (1-x)^2 + 100*(y-x^2)^2.",
        **BIND,
    )
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
        chosen = st.sidebar.multiselect(
            "Optimizers to overlay",
            opt.OPTIMIZER_NAMES,
            format_func=optimizers.LABELS.get,
            max_selections=6,
            key="compare_optimizers",
            help="Each optimizer rolls its own ball from the same start with the same α.",
        )
        first = chosen[0] if chosen else "sgd"
        return first, tuple(chosen) or ("sgd",)
    name = st.sidebar.selectbox(
        "Optimizer",
        opt.OPTIMIZER_NAMES,
        format_func=optimizers.LABELS.get,
        key="optimizer",
        on_change=lambda: state.set_values(
            {"eps": optimizers.DEFAULT_EPS.get(state.get("optimizer"), 1e-8)}
        ),
        help="The update rule that turns the gradient into a step (its formula is shown below).",
    )
    return name, (name,)


BETAS = {
    "momentum": (
        "Momentum β",
        0.999,
        "How much of the last step the ball keeps: 0 = none, 0.9 = a heavy ball.",
    ),
    "rho": (
        "RMSprop decay ρ",
        0.999,
        "How slowly the average of squared gradients forgets the past.",
    ),
    "beta1": ("Adam β₁", 0.999, "Adam's momentum: how much of the past gradients the step keeps."),
    "beta2": ("Adam β₂", 0.9999, "How slowly Adam's per-coordinate step scale forgets the past."),
}
"""The decay-like hyperparameters: slider label, maximum and help."""


def _beta(key: str, default: float) -> float:
    label, hi, help_ = BETAS[key]
    _init(key, default)
    return st.sidebar.slider(
        label,
        0.0,
        hi,
        step=0.001 if hi > 0.999 else 0.01,
        format="%.3f",
        key=key,
        help=help_,
        **BIND,
    )


def hyper_controls(names: tuple[str, ...]) -> dict:
    """Sliders for the hyperparameters that the chosen optimizers read (PyTorch defaults
    from ``optimizers.OptimizerParams`` for those not shown)."""
    used = {h for n in names for h in optimizers.HYPERPARAMS[n]}
    out = optimizers.OptimizerParams()._asdict()
    for key in BETAS:
        if key in used:
            out[key] = _beta(key, out[key])
    if "eps" in used:
        _init("eps", optimizers.DEFAULT_EPS.get(names[0], 1e-8))
        out["eps"] = st.sidebar.select_slider(
            "ε",
            opt.eps_options(),
            format_func=opt.fmt,
            key="eps",
            help="Added to the denominator so a tiny gradient history cannot make a huge step.",
            **BIND,
        )
    out["weight_decay"] = fit_controls.weight_decay_control()
    return out


def alpha_control(mode: str, where: DeltaGenerator) -> float:
    """The learning rate on a log scale, drawn in ``where`` (its slot in the sidebar)."""
    return where.select_slider(
        "Learning rate α",
        opt.alpha_options(),
        format_func=opt.fmt,
        key="alpha",
        on_change=state.on_alpha_change if mode == "compare" else "rerun",
        help="Scales the gradient into a step: gradient 1.5 × α 0.01 = a step of 0.015. "
        "Too small crawls, too large bounces, larger still flies off.",
        **BIND,
    )


def schedule_controls() -> dict:
    """The schedule and its knobs: k for exponential and 1/t, drop and interval for step."""
    name = st.sidebar.selectbox(
        "Learning-rate schedule",
        opt.SCHEDULE_NAMES,
        format_func=schedules.LABELS.get,
        key="schedule",
        help="How α changes with the step t: big steps early, small steps late.",
    )
    out = {"schedule": name, "k": 0.0, "drop": 0.5, "every": 10, "staircase": False}
    if name in schedules.USES_K:
        _init("k", 0.01)
        out["k"] = st.sidebar.select_slider(
            "Decay rate k",
            opt.k_options(),
            format_func=opt.fmt,
            key="k",
            help="How fast α shrinks: α₀·e^(−kt) or α₀/(1+kt). Larger k calms the bounce sooner.",
            **BIND,
        )
        out["staircase"] = st.sidebar.checkbox(
            "Staircase (hold α per block)",
            key="staircase",
            help="Keep α constant within each block of 'every' steps, like Keras' staircase=True.",
            **BIND,
        )
    if name == "step" or out["staircase"]:
        if name == "step":
            _init("drop", 0.5)
            out["drop"] = st.sidebar.slider(
                "Drop factor",
                0.05,
                1.0,
                step=0.05,
                key="drop",
                help="α is multiplied by this at the end of every interval (0.5 halves it).",
                **BIND,
            )
        _init("every", 10)
        out["every"] = st.sidebar.slider(
            "Interval (steps)",
            1,
            200,
            key="every",
            help="How many steps α is held before it drops again.",
            **BIND,
        )
    return out


def run_length_controls(surface: surfaces.Surface) -> tuple[int, tuple[float, ...] | None]:
    """Number of steps and the start point (also settable by clicking the map); models
    with more than two parameters start at their own start (None)."""
    steps = st.sidebar.slider(
        "Steps",
        *opt.STEP_RANGE,
        key="steps",
        help="How long the ball may roll; a slow α may run out of time before the bottom.",
        **BIND,
    )
    if surface.dim > 2:
        return steps, None
    names = surface.extras.get("parameters", ("x", "y"))
    cols = st.sidebar.columns(surface.dim)
    start = tuple(
        col.number_input(
            f"Start {name}",
            min_value=-1e3,
            max_value=1e3,
            step=0.1,
            format="%.3f",
            key=key,
            help="Where the ball is dropped; you can also click the map.",
            **BIND,
        )
        for col, name, key in zip(cols, names, ("start_x", "start_y"), strict=False)
    )
    return steps, start


def comparison_control(surface: surfaces.Surface) -> tuple[str, ...]:
    """Which preset learning rates race in comparison mode (only the surface's own labels)."""
    available = opt.available_presets(surface)
    state.fit_presets(available)
    chosen = st.sidebar.multiselect(
        "Learning rates to race",
        available,
        format_func=lambda p: p if p == "my α" else f"{p} (α = {surface.lr_presets[p]:g})",
        key="presets",
        help="The surface's preset rates; 'my α' adds a ball at the α slider's value.",
    )
    return tuple(chosen) or (available[0],)


@dataclass(frozen=True)
class Draft:
    """The explore page's settings but α, and the sidebar slot that α's slider fills.
    ``fields["compare_optimizers"]`` holds the optimizers the page runs in every view:
    the overlay's, or the one optimizer."""

    fields: dict[str, Any]
    alpha_slot: DeltaGenerator

    def settings(self) -> Settings:
        """Draw α's slider in its slot and return the whole settings. Called inside a
        fragment, so that moving α reruns only the fragment, not the sidebar."""
        alpha = alpha_control(self.fields["mode"], self.alpha_slot)
        return Settings(alpha=alpha, **self.fields)


def explore_controls(surface: surfaces.Surface, name: str, formula: str = "") -> Draft:
    """Draw the explore page's sidebar, top to bottom, leaving a slot for α's slider."""
    mode = st.sidebar.radio(
        "View",
        list(opt.MODES),
        format_func=opt.MODES.get,
        key="mode",
        help="Race preset learning rates, overlay optimizers, watch one run, or a noisy cloud.",
    )
    presets = comparison_control(surface) if mode == "compare" else ()
    optimizer, chosen = optimizer_controls(mode)
    hyper = hyper_controls(chosen)
    alpha_slot = st.sidebar.container()
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
    return Draft(fields, alpha_slot)


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
