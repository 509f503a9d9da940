"""The page's parameters as one table: every control's key (its URL name too), kind, stops
or bounds, default, label and help.

Pure data and small pure functions (no Streamlit): the widgets (``optiviz.ui.widgets``),
the link's parser and writer (``optiviz.ui.state``) and the ``Settings`` defaults all read
this table, so a link can never hold a value its control cannot show, and a default is
written once. A new control is one new row. Defaults that depend on the surface (α, steps,
start, batch size) come from :func:`surface_defaults`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import limits, optimizers, schedules, surfaces
from optiviz.scenes import lessons

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
SURFACE_NAMES = surfaces.names()
OPTIMIZER_NAMES = list(optimizers.OPTIMIZERS)
SCHEDULE_NAMES = list(schedules.SCHEDULES)
STEP_RANGE = (10, limits.MAX_STEPS)
DEFAULT_SURFACE = "staircase"
DEFAULT_PRESETS = ("too small", "good", "too large")
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_FORMULA = "x^2 + 5*y^2 + sin(3*x)"
MY_ALPHA = "my α"


def _nice(values: np.ndarray) -> list[float]:
    return sorted({float(f"{v:.2g}") for v in values})


ALPHA_PER_DECADE = 16
"""The α slider's stops per decade of its even log grid."""


@lru_cache(maxsize=1)
def _alpha_grid() -> tuple[float, ...]:
    n = ALPHA_PER_DECADE
    return tuple(_nice(10 ** (np.arange(-5 * n, int(2.5 * n) + 1) / n)))


def alpha_options() -> list[float]:
    """The α slider's stops: an even log grid from 1e-5 to 320, ``ALPHA_PER_DECADE`` a
    decade (10^(i/16), two significant digits). Presets and lessons' rates are not stops:
    the track marks each preset, and a rate between two stops (a preset's, a lesson's, a
    link's) is taken exactly as the slider's current value (``Param.shown_stops``)."""
    return list(_alpha_grid())


def k_options() -> list[float]:
    """Decay rates: 0, then a log scale from 1e-4 to 1."""
    return [0.0, *_nice(10 ** (np.arange(-4 * 8, 1) / 8))]


def decay_options() -> list[float]:
    """Weight decays: 0, then a log scale from 1e-5 to 10 (three per decade)."""
    return [0.0, *_nice(10 ** (np.arange(-5 * 3, 1 * 3 + 1) / 3))]


def eps_options() -> list[float]:
    """Epsilons from 1e-12 to 1e-1 in decades."""
    return [float(f"1e{e}") for e in range(-12, 0)]


def batch_options(n: int) -> list[int]:
    """Batch sizes 1, 2, 4, ... and n itself."""
    powers = [2**i for i in range(int(np.log2(n)) + 1)]
    return sorted(set(powers) | {n})


def nearest(values: Sequence[float], x: float) -> float:
    """The option closest to x on a log scale (x and options positive)."""
    target = np.log(max(float(x), 1e-300))
    return min(values, key=lambda v: abs(np.log(max(v, 1e-300)) - target))


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


@dataclass(frozen=True)
class Param:
    """One control. ``kind``: "choice" (a picker of ``stops``), "choices" (several of
    them), "range" (two of them), "number" (within ``bounds``, an integer when ``integer``),
    "flag" (true or false) or "text". ``stops`` is a tuple, or a function that returns them
    (computed from the registries, or, with ``per_surface``, for a surface). A "choice"
    with ``between`` also takes any number from its first stop to its last: the control
    shows it as its current value among its stops (``shown_stops``), which stay as they
    are."""

    key: str
    kind: str
    label: str
    help: str
    default: Any = None
    stops: Sequence[Any] | Callable[..., Sequence[Any]] | None = None
    bounds: tuple[float, float] | None = None
    step: float | None = None
    integer: bool = False
    per_surface: bool = False
    widget: str = ""
    """The Streamlit widget that shows it ("slider", "radio", ...); empty: none of its own."""
    between: bool = False

    def options(self, surface: surfaces.Surface | None = None) -> list[Any]:
        """The stops (for a surface-dependent control, ``surface``'s own)."""
        if callable(self.stops):
            return list(self.stops(surface) if self.per_surface else self.stops())
        return list(self.stops or ())

    def span(self) -> tuple[float, float]:
        """The lowest and highest value it takes: its ``bounds``, or its first and last
        stop."""
        if self.bounds is not None:
            return self.bounds
        stops = self.options()
        return stops[0], stops[-1]

    def shown_stops(self, value: float) -> list[float]:
        """The stops the control draws with ``value`` current: its stops, with ``value``
        in its place among them where it lies between two (``between``)."""
        stops = self.options()
        if value in stops or not self.between:
            return stops
        return sorted([*stops, float(value)])

    def parse(self, texts: Sequence[str]) -> Any:
        """The value a link's texts spell for this control; ``ValueError`` if they spell
        none it can show. Surface-dependent stops are checked against every surface's."""
        if self.kind in ("choices", "range"):
            values = [self._one(t) for t in texts]
            if self.kind == "range" and (len(values) != 2 or values[0] > values[1]):
                raise ValueError(f"{self.key} needs two values, low then high")
            return tuple(values) if self.kind == "range" else values
        if len(texts) != 1:
            raise ValueError(f"{self.key} takes one value")
        return self._one(texts[0])

    def _one(self, text: str) -> Any:
        if self.kind == "flag":
            return {"true": True, "false": False}[text]
        if self.kind == "text":
            if not 0 < len(text) <= limits.MAX_FORMULA_LENGTH:
                raise ValueError(f"{self.key} is empty or too long")
            return text
        if self.kind == "number":
            return self._number(text)
        for value in self._all_stops():
            if lessons.url_text(value) == text:
                return value
        if self.between:
            return self._between(text)
        raise ValueError(f"{self.key} cannot show {text[:40]}")

    def _between(self, text: str) -> float:
        lo, hi = self.span()
        value = float(text)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{self.key} must be between {lo:g} and {hi:g}")
        return value

    def _number(self, text: str) -> float | int:
        value = float(text)
        lo, hi = self.bounds or (-math.inf, math.inf)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{self.key} must be between {lo:g} and {hi:g}")
        if self.integer:
            if value != int(value):
                raise ValueError(f"{self.key} must be a whole number")
            return int(value)
        return value

    def _all_stops(self) -> list[Any]:
        if not self.per_surface:
            return self.options()
        return [v for n in SURFACE_NAMES for v in self.options(surfaces.get(n))]

    def accepts(self, text: str) -> bool:
        """Whether one value of a link's text is one this control can show."""
        try:
            self._one(text)
        except (ValueError, KeyError):
            return False
        return True


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
