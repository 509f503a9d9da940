"""The page's parameters as one table: every control's key (its URL name too), kind, stops
or bounds, default, label and help.

Pure data and small pure functions (no Streamlit): the widgets (``optiviz.ui.widgets``),
the link's parser and writer (``optiviz.ui.state``) and the ``Settings`` defaults all read
this table, so a link can never hold a value its control cannot show, and a default is
written once. A new control is one new row. Defaults that depend on the surface (α, steps,
start, batch size) come from :func:`surface_defaults`. A row is a ``param_row.Param``;
the sliders' and pickers' stops come from ``stops``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import limits, optimizers, schedules, surfaces
from optiviz.scenes import lessons
from optiviz.scenes.param_row import SURFACE_NAMES, Param
from optiviz.scenes.stops import (
    alpha_options,
    batch_options,
    decay_options,
    eps_options,
    k_options,
    nearest,
)

MODES = {
    "compare": "Compare learning rates",
    "optimizers": "Compare optimizers",
    "single": "Single run",
    "seeds": "Many seeds (noise)",
}
"""View modes: key to label."""

PAGES = {"explore": "Explore", "lab": "Hyperparameter lab", "lessons": "Lessons"}
PICTURES = ("Top view + loss + α_t", "3-D view")
LAB_PICTURES = ("Map", "3-D landscape")
OPTIMIZER_NAMES = list(optimizers.OPTIMIZERS)
SCHEDULE_NAMES = list(schedules.SCHEDULES)
STEP_RANGE = (10, limits.MAX_STEPS)
DEFAULT_SURFACE = "staircase"
DEFAULT_PRESETS = ("too small", "good", "too large")
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_FORMULA = "x^2 + 5*y^2 + sin(3*x)"
MY_ALPHA = "my α"


def fmt(value: float) -> str:
    """A compact number: 0.055, 1e-05, 300."""
    return f"{value:g}"


def default_alpha(surface: surfaces.Surface) -> float:
    """The α a surface opens with: its "good" preset exactly (the slider takes it as its
    current value between two stops), or, where it has none, the stop nearest the
    geometric mean of "too small" and the next preset up."""
    if "good" in surface.lr_presets:
        return float(surface.lr_presets["good"])
    rates = list(surface.lr_presets.values())
    return nearest(alpha_options(), float(np.sqrt(rates[0] * rates[min(1, len(rates) - 1)])))


def available_presets(surface: surfaces.Surface) -> list[str]:
    """The comparison picker's choices: the surface's own preset labels, then "my α"."""
    return [*surface.lr_presets, MY_ALPHA]


def default_presets(surface: surfaces.Surface) -> list[str]:
    """The race a surface opens with: the default labels it has; where it has no "good",
    "my α" races in its place (the α slider opens between its presets)."""
    chosen = [p for p in DEFAULT_PRESETS if p in surface.lr_presets]
    return chosen if "good" in surface.lr_presets else [*chosen, MY_ALPHA]


@lru_cache(maxsize=64)
def seeds_noise(surface: surfaces.Surface) -> float:
    """The gradient noise σ the many-seeds view opens with: half the gradient's length at
    the start, on the noise slider's grid (0.05 to 10), so that the cloud's runs differ
    visibly on any surface."""
    grad = jax.grad(surface.f)(jnp.asarray(surface.start, jnp.float32))
    sigma = 0.5 * float(np.linalg.norm(np.asarray(grad)))
    lo, hi = PARAMS["noise"].bounds
    step = PARAMS["noise"].step
    return float(np.clip(round(sigma / step) * step, lo, hi)) if np.isfinite(sigma) else lo


def surface_defaults(surface: surfaces.Surface) -> dict[str, Any]:
    """Every value that depends on the surface, as a new surface opens: α, steps, start,
    the race, and the batch size of a data surface (the full batch)."""
    values = {
        "alpha": default_alpha(surface),
        "steps": int(surface.default_steps),
        "start_x": float(surface.start[0]),
        "start_y": float(surface.start[1]) if surface.dim >= 2 else 0.0,
        "presets": default_presets(surface),
    }
    if surface.n_samples is not None:
        values["batch_size"] = int(surface.n_samples)
    return values


def _batch_stops(surface: surfaces.Surface | None) -> list[int]:
    n = surface.n_samples if surface is not None else None
    return batch_options(n) if n else []


def _preset_stops(surface: surfaces.Surface | None) -> list[str]:
    return available_presets(surface) if surface is not None else [MY_ALPHA]


def _beta(key: str, label: str, hi: float, help_: str) -> Param:
    default = optimizers.OptimizerParams()._asdict()[key]
    step = 0.001 if hi > 0.999 else 0.01
    return Param(key, "number", label, help_, default, bounds=(0.0, hi), step=step, widget="slider")


ROWS = (
    Param(
        "page",
        "choice",
        "Page",
        "Explore one surface, search the (α, k) space, or open a ready lesson.",
        "explore",
        stops=tuple(PAGES),
        widget="radio",
    ),
    Param(
        "surface",
        "choice",
        "Loss surface",
        "The landscape the ball rolls on: 1-D curves or 2-D surfaces seen from above.",
        DEFAULT_SURFACE,
        stops=(*SURFACE_NAMES, "custom"),
        widget="selectbox",
    ),
    Param(
        "formula",
        "text",
        "Your loss f(x, y)",
        "Type a formula in x (and y): + − * / ^, sin cos tan exp log sqrt abs tanh "
        "sinh cosh arctan, pi, e. Example: (1-x)^2 + 100*(y-x^2)^2.",
        DEFAULT_FORMULA,
        widget="text_input",
    ),
    Param(
        "mode",
        "choice",
        "View",
        "Race preset learning rates, overlay optimizers, watch one run, or a noisy cloud.",
        "compare",
        stops=tuple(MODES),
        widget="radio",
    ),
    Param(
        "presets",
        "choices",
        "Learning rates to race",
        "The surface's preset rates, each shown with its α; 'my α' adds a ball at the α "
        "slider's value.",
        list(DEFAULT_PRESETS),
        stops=_preset_stops,
        per_surface=True,
        widget="multiselect",
    ),
    Param(
        "optimizer",
        "choice",
        "Optimizer",
        "The update rule that turns the gradient into a step (its formula is shown below).",
        "sgd",
        stops=tuple(OPTIMIZER_NAMES),
        widget="selectbox",
    ),
    Param(
        "compare_optimizers",
        "choices",
        "Optimizers to overlay",
        "Each optimizer rolls its own ball from the same start with the same α.",
        list(DEFAULT_OPTIMIZERS),
        stops=tuple(OPTIMIZER_NAMES),
        widget="multiselect",
    ),
    _beta(
        "momentum",
        "Momentum β",
        0.999,
        "How much of the last step the ball keeps: 0 = none, 0.9 = a heavy ball.",
    ),
    _beta("rho", "RMSprop decay ρ", 0.999, "How slowly the average of squared gradients forgets."),
    _beta("beta1", "Adam β₁", 0.999, "Adam's momentum: how much of the past gradients it keeps."),
    _beta("beta2", "Adam β₂", 0.9999, "How slowly Adam's per-coordinate step scale forgets."),
    Param(
        "eps",
        "choice",
        "ε",
        "Added to the denominator so a tiny gradient history cannot make a huge step.",
        1e-8,
        stops=eps_options,
        widget="select_slider",
    ),
    Param(
        "weight_decay",
        "choice",
        "Weight decay λ",
        "Pulls every weight towards 0 each step (g ← g + λx; AdamW: x ← x − αλx), "
        "while the loss shown stays the data loss, without the λ|x|²/2 penalty.",
        0.0,
        stops=decay_options,
        widget="select_slider",
    ),
    Param(
        "alpha",
        "choice",
        "Learning rate α",
        "Scales the gradient into a step: gradient 1.5 × α 0.01 = a step of 0.015. "
        "Too small crawls, too large bounces, larger still flies off.",
        0.8,
        stops=alpha_options,
        widget="select_slider",
        between=True,
    ),
    Param(
        "schedule",
        "choice",
        "Learning-rate schedule",
        "How α changes with the step t: big steps early, small steps late.",
        "constant",
        stops=tuple(SCHEDULE_NAMES),
        widget="selectbox",
    ),
    Param(
        "k",
        "choice",
        "Decay rate k",
        "How fast α shrinks: α₀·e^(−kt) or α₀/(1+kt). Larger k calms the bounce sooner.",
        0.01,
        stops=k_options,
        widget="select_slider",
    ),
    Param(
        "staircase",
        "flag",
        "Staircase (hold α per block)",
        "Keep α constant within each block of 'every' steps, like Keras' staircase=True.",
        False,
        widget="checkbox",
    ),
    Param(
        "drop",
        "number",
        "Drop factor",
        "α is multiplied by this at the end of every interval (0.5 halves it).",
        0.5,
        bounds=(0.05, 1.0),
        step=0.05,
        widget="slider",
    ),
    Param(
        "every",
        "number",
        "Interval (steps)",
        "How many steps α is held before it drops again.",
        10,
        bounds=(1, 200),
        integer=True,
        widget="slider",
    ),
    Param(
        "steps",
        "number",
        "Steps",
        "How long the ball may roll; a slow α may run out of time before the bottom.",
        150,
        bounds=STEP_RANGE,
        integer=True,
        widget="slider",
    ),
    Param(
        "start_x",
        "number",
        "Start x",
        "Where the ball is dropped; you can also click the map.",
        0.0,
        bounds=(-1e3, 1e3),
        step=0.1,
        widget="number_input",
    ),
    Param(
        "start_y",
        "number",
        "Start y",
        "Where the ball is dropped; you can also click the map.",
        0.0,
        bounds=(-1e3, 1e3),
        step=0.1,
        widget="number_input",
    ),
    Param(
        "degree",
        "number",
        "Model degree",
        "The polynomial's degree (it has degree + 1 coefficients): 1 is a straight "
        "line that underfits sin(πx); 15 can bend through every noisy point and overfits.",
        15,
        bounds=(0, limits.MAX_DEGREE),
        integer=True,
        widget="slider",
    ),
    Param(
        "noise",
        "number",
        "Gradient noise σ",
        "Adds random N(0, σ²) noise to every gradient, like a mini-batch would.",
        0.0,
        bounds=(0.0, 10.0),
        step=0.05,
        widget="slider",
    ),
    Param(
        "batch_size",
        "choice",
        "Batch size B",
        "Samples per gradient: 1 = stochastic, all = full batch. Smaller batches give "
        "noisier steps.",
        None,
        stops=_batch_stops,
        per_surface=True,
        widget="select_slider",
    ),
    Param(
        "seed",
        "number",
        "Seed",
        "Fixes the random draws, so the same seed gives the same path.",
        0,
        bounds=(0, 2**31 - 1),
        integer=True,
        widget="number_input",
    ),
    Param(
        "n_seeds",
        "number",
        "Runs in the cloud",
        "How many seeds to run from the same start; their spread is the noise.",
        24,
        bounds=(2, limits.MAX_SEEDS),
        integer=True,
        widget="slider",
    ),
    Param(
        "picture",
        "choice",
        "Picture",
        "The animated top view with the loss and α_t panels, or the surface in 3-D "
        "(drag to turn it).",
        PICTURES[0],
        stops=PICTURES,
        widget="segmented_control",
    ),
    Param(
        "lesson", "choice", "Lesson", "The open lesson.", None, stops=lambda: list(lessons.load())
    ),
    Param(
        "present",
        "choice",
        "Presenter mode",
        "Hide the sidebar and enlarge type and lines for a projector; the link keeps it.",
        "0",
        stops=("0", "1"),
        widget="toggle",
    ),
    Param(
        "lab_alpha",
        "range",
        "α range",
        "The learning rates searched (log scale): the X axis of the landscape.",
        (1e-4, 10.0),
        stops=alpha_options,
        widget="select_slider",
    ),
    Param(
        "lab_k",
        "range",
        "k range",
        "The schedule's decay rates searched (log scale): the Y axis of the landscape.",
        (1e-4, 1.0),
        stops=lambda: k_options()[1:],
        widget="select_slider",
    ),
    Param(
        "lab_side",
        "choice",
        "Landscape cells per side",
        "Resolution of the map: every cell is one full run.",
        128,
        stops=(32, 64, 128, 192, 256),
        widget="select_slider",
    ),
    Param(
        "lab_budget",
        "number",
        "Search budget (runs)",
        "How many runs each search strategy may spend; grid uses the largest n×n that fits.",
        20,
        bounds=(4, limits.MAX_SEARCH_BUDGET),
        integer=True,
        widget="slider",
    ),
    Param(
        "lab_seed",
        "number",
        "Search seed",
        "Random and Bayesian search draw their points from this seed.",
        0,
        bounds=(0, 10_000),
        integer=True,
        widget="number_input",
    ),
    Param(
        "lab_metric",
        "choice",
        "Colour the map by",
        "Final loss after the run, or how many steps it took to get close.",
        "loss",
        stops=("loss", "steps"),
        widget="radio",
    ),
    Param(
        "lab_shown",
        "choice",
        "Trials drawn on the map",
        "Which strategy's runs are numbered on the map, in the order tried.",
        "bayes",
        stops=("grid", "random", "bayes"),
        widget="radio",
    ),
    Param(
        "lab_space",
        "choice",
        "Search over",
        "Learning rate with the schedule's decay rate k (scored by the final training "
        "loss), or with weight decay λ (scored by the final validation loss).",
        "k",
        stops=("k", "weight_decay"),
        widget="radio",
    ),
    Param(
        "lab_decay",
        "range",
        "λ range",
        "The weight decays searched (log scale): the Y axis of the landscape.",
        (1e-4, 1.0),
        stops=lambda: decay_options()[1:],
        widget="select_slider",
    ),
    Param(
        "lab_picture",
        "choice",
        "Landscape picture",
        "The coloured map (click a cell to open its run), or the same landscape as "
        "a 3-D surface with the score as height and the trials on it (drag to turn).",
        LAB_PICTURES[0],
        stops=LAB_PICTURES,
        widget="segmented_control",
    ),
)
PARAMS = {row.key: row for row in ROWS}
"""Every control by key: the address's parameters are exactly these."""
