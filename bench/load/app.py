"""Server-side rerun time and chart payload of the explore page, in process with AppTest.

Two views: (a) the default first screen (staircase, three presets; moving α adds
"my α", so the timed reruns race four balls) and (b) a 500-step race of four
runs (too small, good, too large, my α). Each view is run once and α moved once
to compile, then α is moved to fresh values (the page caches figures by
settings, so no value repeats) and every rerun is timed. The baseline is a
trivial AppTest script with one select slider, rerun the same way, so the
ratio cancels most of the machine's speed and AppTest's own overhead. A
breakdown times the pieces of one rerun outside Streamlit. Run from the
repository root with ``.venv/bin/python -m bench.load app``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from streamlit.testing.v1 import AppTest

from optiviz.devtools import apptest
from optiviz.devtools.cpu import machine
from optiviz.devtools.examples import FOUR, staircase_settings
from optiviz.devtools.server import ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 300


def fresh_alphas(n: int) -> list[float]:
    """``n`` slider values in [0.1, 2.5], alternating low and high, none a staircase preset."""
    from optiviz.core import surfaces
    from optiviz.ui import options

    presets = set(surfaces.get("staircase").lr_presets.values())
    pool = [a for a in options.alpha_options() if 0.1 <= a <= 2.5 and a not in presets]
    order = [pool[i // 2] if i % 2 == 0 else pool[-1 - i // 2] for i in range(len(pool))]
    if n > len(order):
        raise ValueError(f"at most {len(order)} fresh α values, got {n}")
    return order[:n]


BASELINE = """
import streamlit as st
a = st.select_slider("a", [round(0.1 * i, 1) for i in range(100)], key="a")
st.write(a * 2)
"""


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return 1e3 * (time.perf_counter() - start)


def _move(at: AppTest, key: str, value: float) -> float:
    """Set select slider ``key`` and rerun; the rerun's wall time in ms."""
    at.select_slider(key=key).set_value(value)
    return _ran(at, _timed(at.run))


def _slide(at: AppTest, key: str, value: float) -> float:
    """Let the chart's slider ``key`` go at ``value`` (its trigger, as the browser sends it)
    and rerun; the rerun's wall time in ms."""
    return _ran(at, _timed(lambda: apptest.slide(at, key, value)))


def _ran(at: AppTest, ms: float) -> float:
    """``ms``, once the run is known to have raised nothing."""
    if at.exception:
        raise RuntimeError(f"app raised: {at.exception[0].message}")
    return ms


def payload(at: AppTest) -> list[int]:
    """Bytes of each component's JSON data, as sent to the browser."""
    return [len(e.proto.bytes or e.proto.json) for e in at.get("bidi_component")]


def view(setup: dict, alphas: list[float]) -> tuple[np.ndarray, list[int]]:
    """Rerun times (ms) of α moves after the first (a warm-up), with widget ``setup``; payloads."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for key, value in setup.items():
        at.session_state[key] = value
    at.run()
    _slide(at, "alpha", alphas[0])
    times = [_slide(at, "alpha", a) for a in alphas[1:]]
    return np.array(times), payload(at)


def baseline(n: int) -> np.ndarray:
    """Rerun times (ms) of a one-slider script under AppTest."""
    at = AppTest.from_string(BASELINE, default_timeout=TIMEOUT)
    at.run()
    return np.array([_move(at, "a", round(0.1 * (i % 90 + 5), 1)) for i in range(n)])


@contextmanager
def _clock(costs: dict[str, list[float]], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    costs.setdefault(name, []).append(1e3 * (time.perf_counter() - start))


def breakdown(steps: int) -> dict[str, float]:
    """Median ms of each piece of a cache-missing rerun, done by hand outside Streamlit.

    The pieces are those of ``optiviz.ui.explore_chart.chart_for`` and of the component's
    JSON encoding, for both pictures (only the one on screen is built in the app).
    """
    import json

    from optiviz import scenes
    from optiviz.figures import chart_data
    from optiviz.scenes import grids

    surface = scenes.resolve_surface("staircase")
    costs: dict[str, list[float]] = {}
    for alpha in fresh_alphas(8):
        with _clock(costs, "JAX runs (scenes.scene)"):
            scene = scenes.scene(staircase_settings(alpha=alpha, steps=steps))
        with _clock(costs, "map_chart data"):
            top = chart_data.map_chart(scene, grids.surface_grid(surface, 161))
        with _clock(costs, "surface_chart data"):
            three = chart_data.surface_chart(scene, grids.surface_grid(surface, 61))
        with _clock(costs, "st.cache_data pickle + unpickle"):
            pickle.loads(pickle.dumps((top, three)))
        with _clock(costs, "json.dumps (map)"):
            json.dumps(top)
        with _clock(costs, "json.dumps (3-D)"):
            json.dumps(three)
    return {name: float(np.median(v[1:])) for name, v in costs.items()}


def _row(name: str, ms: np.ndarray, base: float, sizes: list[int]) -> str:
    med, p95 = np.median(ms), np.percentile(ms, 95)
    kb = " + ".join(f"{b / 1e3:.0f}" for b in sizes)
    return (
        f"| {name} | {med:.0f} | {p95:.0f} | {med / base:.1f}x | {kb} = {sum(sizes) / 1e3:.0f} KB |"
    )


def main() -> None:
    """Print a Markdown table of rerun times and payloads, then the breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=15, help="timed α moves per view")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="call gc.freeze() after the imports, so full collections skip long-lived objects",
    )
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    alphas = fresh_alphas(args.moves + 1)
    if args.gc_freeze:
        gc.freeze()
    base = baseline(args.moves)
    default = view({}, alphas)
    long = view({"mode": "compare", "presets": list(FOUR), "steps": 500}, alphas)
    b = float(np.median(base))
    freeze = ", gc.freeze()" if args.gc_freeze else ""
    print(f"Machine: {machine()}; {args.moves} timed α moves per view{freeze}")
    print("\n| view | rerun median ms | p95 ms | median / baseline | chart payload |")
    print("|---|---|---|---|---|")
    print(f"| baseline (one-slider script) | {b:.0f} | {np.percentile(base, 95):.0f} | 1x | - |")
    print(_row("default view (4 runs after α move, 150 steps)", *default[:1], b, default[1]))
    print(_row("compare 4 runs, 500 steps", *long[:1], b, long[1]))
    for steps in (150, 500):
        print(f"\nBreakdown of one rerun, 4 runs x {steps} steps (median ms):")
        for name, ms in breakdown(steps).items():
            print(f"  {name:32s} {ms:7.1f}")


if __name__ == "__main__":
    main()
