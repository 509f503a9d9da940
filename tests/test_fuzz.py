"""A seeded random walk over the app's widgets: every move must leave the page intact.

Each move picks a widget on the page (sidebar and main area, found in the element
tree), gives it a random legal value with the extremes favoured, reruns the app and
fails on any exception or on a panel's "could not be drawn" box (an unexpected
exception, see ``optiviz.ui.panels``). Every few moves a tour stop forces the next page
and view, so all pages and modes are visited. The walk stops after ``BUDGET_S`` seconds
or ``MAX_MOVES`` moves, whichever comes first.

Reproduce a failure with the seed and the move list it prints, e.g.
``OPTIVIZ_FUZZ_SEED=7 pytest tests/test_fuzz.py -s``.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from pathlib import Path

from streamlit.proto.NumberInput_pb2 import NumberInput as NumberInputProto
from streamlit.proto.Slider_pb2 import Slider as SliderProto
from streamlit.testing.v1 import AppTest

from optiviz.analysis.search import STRATEGIES
from optiviz.core import surfaces
from optiviz.ui import lab, lab_controls
from optiviz.ui import options as opt

APP = Path(__file__).resolve().parents[1] / "app.py"
SEED = int(os.environ.get("OPTIVIZ_FUZZ_SEED", "20261123"))
BUDGET_S = float(os.environ.get("OPTIVIZ_FUZZ_SECONDS", "80"))
MAX_MOVES = int(os.environ.get("OPTIVIZ_FUZZ_MOVES", "300"))
TOUR_EVERY = 3
"""A tour stop replaces every third random move."""
EXTREME = 0.35
"""Probability that a move picks an extreme (first/last option, min/max, empty/full)."""
BROKEN = "could not be drawn"

KINDS = (
    "selectbox",
    "radio",
    "select_slider",
    "slider",
    "number_input",
    "checkbox",
    "multiselect",
    "text_input",
    "button",
)

VALID_FORMULAS = (
    "x^2 + y^2",
    "(1-x)^2 + 100*(y-x^2)^2",
    "x^4 - 3*x^2 + x",
    "sin(3*x) + cos(2*y) + 0.1*(x^2 + y^2)",
    "abs(x) + abs(y)",
    "x",
    "1",
    "exp(x) - x",
    "log(x^2 + 1) * y",
    "sqrt(x)",
    "1/x",
    "x^64 + y^-64",
    "tan(x*y)",
    "sigmoid(x) * ln(y)",
    "e^(x^2) + pi",
)
HOSTILE_FORMULAS = (
    "",
    "   ",
    "__import__('os').system('true')",
    "x.__class__",
    "9^9^9",
    "10^400 * x",
    "(" * 40 + "x" + ")" * 40,
    "-" * 60 + "x",
    "x" + "+x" * 149,
    "x**2",
    "f = x^2",
    "2x + y",
    "sin",
    "sin(x, y)",
    "z^2",
    "lambda: 0",
    "x²",
    "x^(1/0)",
    "0*x + nan",
    "((x)",
    "x)",
    "1e308*1e308*x",
)

RAW_OPTIONS = [
    *opt.PAGES,
    *opt.MODES,
    *opt.SURFACE_NAMES,
    "custom",
    *opt.OPTIMIZER_NAMES,
    *opt.SCHEDULE_NAMES,
    *surfaces.PRESET_KEYS,
    "my α",
    *lab.METRICS,
    *STRATEGIES,
    *opt.alpha_options(),
    *opt.k_options(),
    *opt.eps_options(),
    *opt.decay_options(),
    *lab_controls.SPACES,
    *lab.PICTURES,
]
"""Option values the app's pickers may hold; a picker shows ``format_func(value)``."""


def _label(format_func, value) -> str | None:
    try:
        return str(format_func(value))
    except Exception:  # noqa: BLE001 - a candidate that is not this picker's option
        return None


def _numbers(label: str) -> list:
    out = []
    for cast in (int, float):
        with contextlib.suppress(ValueError):
            out.append(cast(label))
    return out


def raw_options(widget) -> list:
    """The option values behind a picker's displayed labels, in display order.

    AppTest sets pickers by value, while the element tree holds only the labels that
    ``format_func`` produced: map each label back through the known option values
    (and numbers, for pickers shown with ``str``). An unmapped label stands for itself.
    """
    wanted = set(widget.options)
    found: dict[str, object] = {}
    for label in widget.options:
        for value in [*_numbers(label), label]:
            if _label(widget.format_func, value) == label:
                found.setdefault(label, value)
    for value in RAW_OPTIONS:
        label = _label(widget.format_func, value)
        if label in wanted:
            found.setdefault(label, value)
    return [found.get(label, label) for label in widget.options]


def _index(rng: random.Random, n: int) -> int:
    if rng.random() < EXTREME:
        return rng.choice((0, n - 1))
    return rng.randrange(n)


def _grid_value(rng: random.Random, lo: float, hi: float, step: float, is_int: bool):
    """A value on the widget's step grid between lo and hi, ends favoured."""
    n = max(int(math.floor((hi - lo) / step + 1e-9)), 0)
    value = lo + step * _index(rng, n + 1)
    value = min(value, hi)
    return int(round(value)) if is_int else round(value, 10)


def _slider(rng: random.Random, w):
    is_int = w.proto.data_type == SliderProto.DataType.INT
    lo, hi = float(w.min), float(w.max)
    if isinstance(w.value, tuple | list):
        a, b = sorted(_grid_value(rng, lo, hi, w.step, is_int) for _ in range(2))
        return [a, b]
    return _grid_value(rng, lo, hi, w.step, is_int)


def _number_input(rng: random.Random, w):
    is_int = w.proto.data_type == NumberInputProto.DataType.INT
    lo = -1e6 if w.min is None else float(w.min)
    hi = 1e6 if w.max is None else float(w.max)
    roll = rng.random()
    if roll < EXTREME:
        value = rng.choice((lo, hi))
    elif roll < 0.6:
        value = rng.uniform(lo, hi)
    else:
        value = rng.uniform(-3, 3) if lo <= -3 and hi >= 3 else rng.uniform(lo, lo + 10)
    value = min(max(value, lo), hi)
    return int(round(value)) if is_int else round(value, 3)


def _select_slider(rng: random.Random, w):
    values = raw_options(w)
    if isinstance(w.value, tuple | list):
        i, j = sorted(_index(rng, len(values)) for _ in range(2))
        if rng.random() < EXTREME:
            i, j = 0, len(values) - 1
        return [values[i], values[j]]
    return values[_index(rng, len(values))]


def _multiselect(rng: random.Random, w):
    values = raw_options(w)
    most = min(w.max_selections or len(values), len(values))
    roll = rng.random()
    if roll < EXTREME / 2:
        return []
    if roll < EXTREME:
        return values[:most] if rng.random() < 0.5 else values[-most:]
    return rng.sample(values, rng.randint(0, most))


def _text_input(rng: random.Random, w) -> str:
    text = rng.choice(HOSTILE_FORMULAS if rng.random() < 0.5 else VALID_FORMULAS)
    return text[: w.max_chars] if w.max_chars else text


def random_value(rng: random.Random, kind: str, w):
    """A random legal value for widget ``w`` of ``kind`` (None: click a button)."""
    if kind in ("selectbox", "radio"):
        values = raw_options(w)
        return values[_index(rng, len(values))]
    if kind == "checkbox":
        return not w.value
    if kind == "button":
        return None
    choose = {
        "select_slider": _select_slider,
        "slider": _slider,
        "number_input": _number_input,
        "multiselect": _multiselect,
        "text_input": _text_input,
    }
    return choose[kind](rng, w)


def visible_widgets(at: AppTest) -> list[tuple[str, object]]:
    """(kind, widget) for every keyed widget of a fuzzed kind on the page."""
    return [(kind, w) for kind in KINDS for w in at.get(kind) if w.key]


def tour_stops(rng: random.Random) -> list[list[tuple[str, object]]]:
    """Each stop: (key, value) pairs set one run after another (the page first)."""
    two_d = [n for n in opt.SURFACE_NAMES if surfaces.get(n).dim == 2]
    stops = [[("page", "explore"), ("mode", mode)] for mode in opt.MODES]
    stops.append([("page", "lab"), ("surface", rng.choice(two_d))])
    stops.append([("page", "lessons")])
    stops.append([("page", "explore"), ("surface", "custom")])
    return stops


class Walk:
    """The app under test, the moves so far, and what they visited."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.at = AppTest.from_file(str(APP), default_timeout=120)
        self.moves: list[str] = []
        self.visited: set[str] = set()
        self.errors: set[str] = set()

    def run(self, move: str, apply) -> None:
        self.moves.append(move)
        print(f"{len(self.moves):3d}. {move}", flush=True)
        apply()
        self.at.run()
        self.check()

    def check(self) -> None:
        at = self.at
        assert not at.exception, f"exception after move {self.moves[-1]!r}: " + "\n".join(
            e.value for e in at.exception
        )
        for error in at.error:
            assert BROKEN not in error.value, f"after move {self.moves[-1]!r}: {error.value}"
            self.errors.add(error.value[:120])
        page = at.radio(key="page").value
        self.visited.add(f"page:{page}")
        if page == "explore" and _has_key(at, "mode"):
            self.visited.add(f"mode:{at.radio(key='mode').value}")

    def set_key(self, key: str, value) -> None:
        widget = next((w for kind, w in visible_widgets(self.at) if w.key == key), None)
        assert widget is not None, f"tour: no widget {key!r} after {self.moves[-1:]}"
        self.run(f"tour {key} = {value!r}", lambda: widget.set_value(value))

    def random_move(self) -> None:
        kind, w = self.rng.choice(visible_widgets(self.at))
        value = random_value(self.rng, kind, w)
        if kind == "button":
            self.run(f"click {w.key}", w.click)
        else:
            self.run(f"{kind} {w.key} = {value!r}", lambda: w.set_value(value))


def _has_key(at: AppTest, key: str) -> bool:
    return any(w.key == key for _, w in visible_widgets(at))


def test_random_walk_over_every_widget_never_breaks_a_panel():
    print(f"fuzz seed {SEED} (set OPTIVIZ_FUZZ_SEED to replay), budget {BUDGET_S:g} s")
    walk = Walk(SEED)
    walk.moves.append("open the app")
    walk.at.run()
    walk.check()
    stops = tour_stops(walk.rng)
    deadline = time.monotonic() + BUDGET_S
    for n in range(1, MAX_MOVES + len(stops) + 1):
        in_time = n <= MAX_MOVES and time.monotonic() < deadline
        if not (in_time or stops):
            break
        if stops and (n % TOUR_EVERY == 0 or not in_time):
            for key, value in stops.pop(0):
                walk.set_key(key, value)
        else:
            walk.random_move()
    print(f"{len(walk.moves)} moves; visited {sorted(walk.visited)}")
    print("user-facing errors seen:", *sorted(walk.errors), sep="\n  ")
    expected = {f"page:{p}" for p in opt.PAGES} | {f"mode:{m}" for m in opt.MODES}
    assert expected <= walk.visited, sorted(expected - walk.visited)
