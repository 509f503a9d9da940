"""Inside a step: the arrows the top view draws at each ball, and what they are drawn from.

At the step t shown, from each run's ball x_t (``optiviz.core.step_parts``): the gradient step
-alpha_t g_t; the momentum term from the gradient step's tip (heavy ball, Nesterov), so
the two chain to x_{t+1}; and the actual step x_{t+1} - x_t. They are in map units, to
scale (a curve's map draws their x components, at the ball's height). The chart
(``ui/chart/arrows.js``) fills the traces at every frame from each run's ``parts``, or
from a slider's family member's: the gradient step where it differs from the actual step
(every rule but gradient descent), and the per-coordinate effective step
alpha_t / (sqrt(s_t) + eps) of an adaptive rule, which the readout writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optiviz.core.step_parts import parts_of
from optiviz.core.surfaces import Surface
from optiviz.figures import layout
from optiviz.figures.runs import Run
from optiviz.scenes.colours import OKABE_ITO
from optiviz.scenes.family import Family

KINDS = ("step", "gradient", "momentum")
"""The arrows, in drawing order: the actual step under the gradient step."""

NAMES = {
    "step": "actual step",
    "gradient": "gradient step −α<sub>t</sub>·g<sub>t</sub>",
    "momentum": "momentum term",
}
"""Each arrow's name in the key (the readout's tags: <sub>)."""

COLOURS = {
    "step": OKABE_ITO["black"],
    "gradient": OKABE_ITO["reddish purple"],
    "momentum": OKABE_ITO["vermillion"],
}
"""Apart from the landscape's slate ramp (a hue it lacks, or black over a white outline)
and from the runs' first colours, which the balls carry."""

WIDTHS = {"step": 5.0, "gradient": 2.5, "momentum": 2.5}
"""Line widths (px): the actual step wider, so it shows around a gradient step it equals."""

HEAD_PX = {"step": 18, "gradient": 14, "momentum": 14}
"""Arrowhead sizes (px): the actual step's larger, so its rim shows around a gradient
step's head at the same tip."""

OUTLINE = "#ffffff"
OUTLINE_PX = 3.0
"""The white line under every arrow, as wide again as ``OUTLINE_PX``: black on the dark end
of the landscape and colour on its light end both stay visible."""

RATE_LABELS = {
    "adagrad": "α<sub>t</sub>/(√G<sub>t</sub>+ε)",
    "rmsprop": "α<sub>t</sub>/(√s<sub>t</sub>+ε)",
    "adam": "α<sub>t</sub>/(√v̂<sub>t</sub>+ε)",
    "adamw": "α<sub>t</sub>/(√v̂<sub>t</sub>+ε)",
}
"""The effective step's formula per adaptive rule, as ``step_parts`` computes it."""

CARRIED = frozenset({"momentum", "nesterov"})
"""The rules whose step carries a momentum term."""

SHORTEST = 1 / 400
"""Arrows shorter than this share of the map's width are not drawn: under a pixel on a
small map, where a head would point anywhere (a zero momentum term at step 0 included)."""


def map_width(surface: Surface) -> int:
    """How many coordinates the map draws: x and y on a surface, x on a curve (or a data
    surface, whose map is its first parameter against the loss)."""
    return 2 if surface.dim == 2 else 1


def shortest(box: list[list[float]]) -> float:
    """The length (map units) under which an arrow is not drawn (``SHORTEST``)."""
    return SHORTEST * abs(box[0][1] - box[0][0])


def key(runs: Sequence[Run]) -> list[dict]:
    """The arrows drawn, one trace each after the outline, and the key's entries: for
    gradient descent alone one arrow, its gradient step being its step; else the actual
    step and the gradient step, and the momentum term where a run has one. None where no
    run has ``hyper`` (every trace costs each frame its update)."""
    rules = {run.trajectory.optimizer for run in runs if run.hyper is not None}
    if not rules:
        return []
    if rules == {"sgd"}:
        kinds, names = ["gradient"], {"gradient": f"{NAMES['gradient']} = the step"}
    else:
        kinds = ["step", "gradient"] + (["momentum"] if rules & CARRIED else [])
        names = NAMES
    return [{"kind": k, "name": names[k], "colour": COLOURS[k]} for k in kinds]


def traces(runs: Sequence[Run]) -> list[dict]:
    """The arrows' traces on the map, empty until a frame fills them: the white outline,
    then one per ``key`` entry, each with an arrow per run (start, tip, gap:
    ``marker.size`` heads the tips only); none where ``key`` has no entry."""
    n_runs = len(runs)

    def arrow(kind: str) -> dict:
        return {
            "type": "scatter",
            **layout.MAP,
            "x": [np.nan],
            "y": [np.nan],
            "mode": "lines+markers",
            "line": {"color": COLOURS[kind], "width": WIDTHS[kind]},
            "marker": {
                "symbol": "arrow",
                "angleref": "previous",
                "size": [0, HEAD_PX[kind], 0] * n_runs,
                "color": COLOURS[kind],
                "line": {"color": OUTLINE, "width": 1},
            },
            "hoverinfo": "skip",
            "showlegend": False,
            "name": kind,
            "meta": f"arrow {kind}",
        }

    kinds = [entry["kind"] for entry in key(runs)]
    if not kinds:
        return []
    outline = {
        "type": "scatter",
        **layout.MAP,
        "x": [np.nan],
        "y": [np.nan],
        "mode": "lines",
        "line": {"color": OUTLINE, "width": max(WIDTHS[k] for k in kinds) + OUTLINE_PX},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "arrows' outline",
        "meta": "arrow outline",
    }
    return [outline] + [arrow(kind) for kind in kinds]


def run_parts(run: Run, surface: Surface) -> dict | None:
    """What the chart draws run ``run``'s arrows from, per step t: ``gradient`` (T, map
    width) -alpha_t g_t where it differs from the actual step (absent for gradient
    descent, whose step it is), ``carried`` (the rule has a momentum term, drawn from the
    gradient step's tip to x_{t+1}), ``rate`` (T, dim) and its ``rate_label`` for an
    adaptive rule. None where the run has no ``hyper`` (no arrows)."""
    if run.hyper is None:
        return None
    tr = run.trajectory
    parts = parts_of(tr.optimizer, tr.positions, tr.lrs, tr.grads, **run.hyper)
    return _payload(tr.optimizer, parts.gradient_step[:, : map_width(surface)], parts, surface)


def _payload(optimizer: str, gradient, parts, surface: Surface) -> dict:
    out: dict = {"carried": optimizer in CARRIED, "width": map_width(surface), "dim": surface.dim}
    if optimizer != "sgd":
        out["gradient"] = gradient
    if parts.effective_rate is not None:
        out |= {"rate": parts.effective_rate, "rate_label": RATE_LABELS[optimizer]}
    return out


def member_parts(fam: Family, surface: Surface, box: list[list[float]]) -> dict:
    """``run_parts`` for every member of ``fam``, packed as ``chart_sliders.family_chart``
    packs the paths: the gradient step's tip x_t - alpha_t g_t as ``tip`` codes over the
    view's ``box`` (``quantised``, delta-coded: the chart draws the arrow from the member's
    ball to it), the effective step as ``decimal3`` (the readout's 3 digits; delta-coded
    along the steps, a third of the bytes)."""
    from optiviz.figures import packing

    parts = parts_of(fam.optimizer, fam.positions, fam.lrs, fam.grads, **fam.hyper)
    width = map_width(surface)
    out: dict = {"carried": fam.optimizer in CARRIED, "width": width, "dim": surface.dim}
    if fam.optimizer != "sgd":
        tips = fam.positions[:, :-1, :width] + parts.gradient_step[..., :width]
        codes = [packing.quantised(tips[..., a], *box[a]) for a in range(width)]
        out["tip"] = packing.packed(np.stack(codes, axis=-1), "u2", "delta")
    if parts.effective_rate is not None:
        rate = packing.packed(packing.decimal3(parts.effective_rate), "u2", "delta") | {
            "decimal": 3
        }
        out |= {"rate": rate, "rate_label": RATE_LABELS[fam.optimizer]}
    return out
