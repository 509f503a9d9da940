"""What an α family of the fit view would cost: server CPU and bytes, against the budget.

The fit view (``optiviz.ui.fit``) draws, per run, the model curve at each frame step, the
training and validation loss per step, and the path on the plane of its own principal
directions over the loss on that plane. A family swapped in while α's thumb moves would
carry all of it for every α stop: this measures the members computed (one compiled call,
``optiviz.scenes.family``), the fit scene of every member (``optiviz.scenes.fit``), and the
arrays packed as the top view's families are (``packing.packed``: curves quantised to
uint16 within the data panel's range and delta-coded, losses float32 shuffled, zlib), on
the polynomial model at its default settings; the budget is the top view's (≤ 30 ms of
server CPU for the families, ≤ 250 kB for the settled default view).

Run from the repository root with ``.venv/bin/python -m bench.sweep fit-family``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import replace

import numpy as np

from optiviz import scenes
from optiviz.devtools.cpu import machine
from optiviz.figures import chart_sliders, packing
from optiviz.figures.fit import data_range
from optiviz.scenes import family, fit, params
from optiviz.scenes.settings import Settings

ALPHA = 0.05


def _settings(steps: int) -> Settings:
    """The fit view's settings: the polynomial model (degree 15), one run at α = 0.05,
    between its presets "too small" and "diverging"."""
    from optiviz.devtools.examples import staircase_settings

    s = staircase_settings(surface="polynomial_regression", mode="single", steps=steps)
    return replace(s, alpha=ALPHA, start=None)


def measure(steps: int, repeats: int) -> dict[str, float]:
    """Median CPU ms of the members, their fit scenes and the packing, and the bytes."""
    s = _settings(steps)
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    stops = params.PARAMS["alpha"].options()
    at = family.window(len(stops), chart_sliders.nearest_index(stops, s.alpha), s.steps)
    stops = stops[at.start : at.stop]
    kwargs = s.run_kwargs(s.optimizer)
    family.family(surface, s.optimizer, "alpha", stops, alpha=0.0, **kwargs)  # compiles
    times: dict[str, list[float]] = {"members": [], "fit scenes": [], "packed": []}
    for i in range(repeats):
        t = time.process_time()
        fam = family.family(surface, s.optimizer, "alpha", stops, alpha=1e-9 * i, **kwargs)
        t1 = time.process_time()
        tracks = [(f"α={v:g}", "#000000", fam.member(j)) for j, v in enumerate(stops)]
        scene = fit.fit_scene(surface, tracks)
        t2 = time.process_time()
        lo, hi = data_range(scene)
        curves = np.stack([run.curves for run in scene.runs])
        arrays = {
            "curves": packing.packed(packing.quantised(curves, lo, hi), "u2", "delta"),
            "train": packing.packed(np.stack([r.train for r in scene.runs]), "f4", "shuffle"),
            "validation": packing.packed(
                np.stack([r.validation for r in scene.runs]), "f4", "shuffle"
            ),
            "plane path": packing.packed(
                np.stack([r.plane_path for r in scene.runs]), "f4", "shuffle"
            ),
        }
        t3 = time.process_time()
        for name, spent in zip(times, (t1 - t, t2 - t1, t3 - t2), strict=True):
            spent_ms = 1000 * spent
            times[name].append(spent_ms)
    sizes = {f"{name} bytes": len(json.dumps(spec)) for name, spec in arrays.items()}
    out = {f"{name} ms": statistics.median(v) for name, v in times.items()}
    return out | sizes | {"stops": len(stops)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed families per row")
    args = parser.parse_args()
    print(f"Machine: {machine()}; load average {os.getloadavg()}\n")
    print("| steps | stops | " + " | ".join(["members ms", "fit scenes ms", "packed ms"]) + " |")
    print("|---|---|---|---|---|")
    rows = {steps: measure(steps, args.repeats) for steps in (150, 2000)}
    for steps, row in rows.items():
        cells = [row["members ms"], row["fit scenes ms"], row["packed ms"]]
        print(f"| {steps} | {row['stops']} | " + " | ".join(f"{v:.0f}" for v in cells) + " |")
    print("\n| steps | curves | training loss | validation loss | plane path | total bytes |")
    print("|---|---|---|---|---|---|")
    for steps, row in rows.items():
        parts = [row[f"{k} bytes"] for k in ("curves", "train", "validation", "plane path")]
        print(f"| {steps} | " + " | ".join(f"{v:,}" for v in [*parts, sum(parts)]) + " |")


if __name__ == "__main__":
    main()
