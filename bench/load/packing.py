"""A k move's α family deflated by zlib and by ISA-L at each level: CPU and bytes.

The family is what a decay-view k release packs (``family_cache.family_of`` of the default
surface's race with exponential decay, "my α"'s 121 members at α's stops), its five
arrays filtered as ``packing.packed`` filters them (``packing.filtered``). Each codec's
output is checked to inflate (``zlib.decompress``, as the browser's
``DecompressionStream("deflate")`` does) to the same bytes; the times are the median of
``--repeats`` passes over the five arrays in this process, and the ratios are against zlib
at level 1, the codec before ISA-L.
Run from the repository root with ``.venv/bin/python -m bench.load packing``.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import zlib
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from isal import isal_zlib

from optiviz.devtools.cpu import machine

CODECS: dict[str, Callable[[bytes], bytes]] = {
    "zlib 1": lambda b: zlib.compress(b, 1),
    "zlib 6": lambda b: zlib.compress(b, 6),
    "isal 0": lambda b: isal_zlib.compress(b, 0),
    "isal 1": lambda b: isal_zlib.compress(b, 1),
    "isal 2": lambda b: isal_zlib.compress(b, 2),
    "isal 3": lambda b: isal_zlib.compress(b, 3),
}
"""The codecs compared, by name; the first is the baseline."""


def k_move_arrays() -> dict[str, bytes]:
    """The five filtered arrays of the α family a decay-view k release packs."""
    logging.disable(logging.WARNING)  # Streamlit's caches outside a server say so
    from optiviz import scenes
    from optiviz.devtools.examples import staircase_settings
    from optiviz.figures import chart_data, packing
    from optiviz.figures.chart_sliders import _member_xy
    from optiviz.scenes import params
    from optiviz.ui import explore_chart, family_cache, sliders

    # the link ?schedule=exponential&start_x=0.5&start_y=0.8: the staircase's three
    # presets, exponential decay at the k slider's default
    s = staircase_settings(
        schedule="exponential", k=0.01, start=(0.5, 0.8), presets=("too small", "good", "too large")
    )
    s = replace(s, alpha=min(params.alpha_options(), key=lambda a: abs(a - 0.9)))
    drawn, _ = explore_chart.drawn_settings(s)
    box = chart_data.map_box(explore_chart.chart_for(s)["figure"]["layout"])
    surface = scenes.resolve_surface(drawn.surface, drawn.formula, drawn.degree)
    lo, hi = sliders._span(drawn, "alpha")
    base = sliders._base(drawn, "alpha")
    fam = family_cache.family_of(
        request=family_cache.FamilyKey(base, "alpha", drawn.optimizer, 0.0, (lo, hi))
    )
    x, y = _member_xy(fam, surface)
    xy = np.stack([packing.quantised(x, *box[0]), packing.quantised(y, *box[1])], axis=-1)
    return {
        "xy": packing.filtered(xy, "u2", "delta"),
        "loss": packing.filtered(fam.losses, "f4", "shuffle"),
        "lr": packing.filtered(fam.lrs, "f4", "shuffle"),
        "grad": packing.filtered(packing.decimal3(fam.grad_norms), "u2"),
        "step": packing.filtered(packing.decimal3(fam.step_lengths), "u2"),
    }


def main() -> None:
    """Print a row per codec: median ms for the five arrays, bytes, ratios to zlib 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("OPTIVIZ_WARMUP", "0")
    arrays = k_move_arrays()
    raw = sum(map(len, arrays.values()))
    rows = {}
    for name, codec in CODECS.items():
        out = {k: codec(v) for k, v in arrays.items()}
        assert all(zlib.decompress(out[k]) == v for k, v in arrays.items()), name
        times = []
        for _ in range(args.repeats):
            started = time.process_time()
            for v in arrays.values():
                codec(v)
            times.append(time.process_time() - started)
        rows[name] = (float(np.median(times)) * 1e3, sum(map(len, out.values())))
    base_ms, base_bytes = next(iter(rows.values()))
    print(f"Machine: {machine()}; one process; {raw:,} bytes in five arrays")
    print(
        "\n| codec | ms (median) | bytes | CPU / zlib 1 | bytes / zlib 1 |\n|---|---|---|---|---|"
    )
    for name, (ms, size) in rows.items():
        print(f"| {name} | {ms:.2f} | {size:,} | {ms / base_ms:.2f} | {size / base_bytes:.2f} |")


if __name__ == "__main__":
    main()
