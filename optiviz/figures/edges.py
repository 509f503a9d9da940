"""The alpha_t panel's threshold lines: each run's 2/lambda_max(theta_t) beside its alpha_t.

Where alpha_t lies above its line, a step overshoots along the locally steepest direction
(``optiviz.core.stability``). The lines come from ``Run.edge`` (the scene computes them); here
they become dashed traces, one per run, or one grey line where every run has the same
(a constant Hessian and one rule), and a key over the panel that names the line and says
why an adaptive run has none.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from optiviz.core import optimizers, stability
from optiviz.core.surfaces import Surface
from optiviz.figures.layout import LEGEND_BG, RATE
from optiviz.figures.runs import Run
from optiviz.figures.scales import EDGE_REACH
from optiviz.scenes.family import Family

SHARED_COLOUR = "#64748b"
"""The one line every run shares: slate grey, apart from every run's colour."""

SAME = 1e-5
"""Relative spread under which the runs' lines count as one."""


def _values(run: Run) -> np.ndarray:
    return np.asarray(run.edge[: len(run.trajectory.lrs)], np.float64)


def _label(run: Run) -> str:
    return stability.LABELS[run.trajectory.optimizer]


def shared(runs: Sequence[Run]) -> np.ndarray | None:
    """The line all runs share, or None: every run has one, by the same rule, and at each
    step the finite values agree to ``SAME`` (a run's line ends where it diverges)."""
    if len(runs) < 2 or any(r.edge is None for r in runs):
        return None
    if len({_label(r) for r in runs}) != 1 or len({len(r.trajectory.lrs) for r in runs}) != 1:
        return None
    stack = np.stack([_values(r) for r in runs])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a step where every line has ended
        lo, hi = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
    agree = np.isnan(hi) | (hi - lo <= SAME * np.abs(hi))
    return hi if bool(agree.all()) else None


def _trace(y: np.ndarray, colour: str, name: str, label: str) -> dict:
    """The line at steps 0, 1, ... (``x0``/``dx``: no x array to send)."""
    return {
        "type": "scatter",
        **RATE,
        "x0": 0,
        "dx": 1,
        "y": np.asarray(y, np.float32),
        "mode": "lines",
        "showlegend": False,
        "name": name,
        "meta": "edge",
        "line": {"color": colour, "width": 1.5, "dash": "dash"},
        "hovertemplate": f"{name}<br>step %{{x}}: {label} = %{{y:.3g}}<extra></extra>",
    }


def edge_traces(runs: Sequence[Run]) -> tuple[list[dict], list[int | None]]:
    """The panel's threshold traces, and per run the index among them of its own line
    (None where it has none, or where all runs share one grey line, which stays when a run
    is hidden)."""
    common = shared(runs)
    if common is not None:
        label = _label(runs[0])
        name = f"{label}(θ_t)"
        return [_trace(common, SHARED_COLOUR, name, label)], [None] * len(runs)
    traces, own = [], []
    for run in runs:
        if run.edge is None:
            own.append(None)
            continue
        own.append(len(traces))
        values, label = _values(run), _label(run)
        name = f"{run.name} {label}(θ_t)"
        traces.append(_trace(values, run.colour, name, label))
    return traces, own


def _far_above(runs: Sequence[Run]) -> float | None:
    """The lowest threshold where every run's line lies above the panel (beyond
    ``scales.EDGE_REACH`` times the largest rate), else None."""
    values = np.concatenate([_values(r) for r in runs if r.edge is not None] or [np.zeros(0)])
    values = values[np.isfinite(values)]
    rates = np.concatenate([r.trajectory.lrs for r in runs])
    rates = rates[np.isfinite(rates)]
    if not (values.size and rates.size) or values.min() <= EDGE_REACH * rates.max():
        return None
    return float(values.min())


def key_text(runs: Sequence[Run]) -> str:
    """The key, one short line: what the dashed line is (its value where it lies above the
    panel, where no step overshoots), and which adaptive runs have none and why; "" when
    neither applies."""
    labels = list(dict.fromkeys(_label(r) for r in runs if r.edge is not None))
    adaptive = list(
        dict.fromkeys(
            optimizers.LABELS[r.trajectory.optimizer]
            for r in runs
            if r.trajectory.optimizer in stability.ADAPTIVE
        )
    )
    line = ""
    if labels:
        line = f"- - {labels[0]}(θ_t)" if len(labels) == 1 else "- - each rule's threshold"
        far = _far_above(runs)
        if far is not None and not adaptive:  # one short line: the panel may be narrow
            return f"{line} ≈ {far:.3g}, off the top: no step overshoots"
        line += f" ≈ {far:.3g}, off the top" if far is not None else ""
    if not adaptive:
        return f"{line}: α_t above it overshoots" if line else ""
    names = ", ".join(adaptive)
    steps = "its steps adapt" if len(adaptive) == 1 else "their steps adapt"
    return f"{line}; none for {names}: {steps}" if line else f"No line for {names}: {steps}"


def rate_key(runs: Sequence[Run]) -> list[dict]:
    """The annotation on the alpha_t panel's top-left edge, in the gap the layout leaves
    above the panel (``key_text``, one line, so it stays in the gap on a data surface's
    narrower one too), with ``stability.ADAPTIVE_NOTE`` on hover where an adaptive run has
    no line."""
    text = key_text(runs)
    if not text:
        return []
    adaptive = any(r.trajectory.optimizer in stability.ADAPTIVE for r in runs)
    return [
        {
            "xref": "x3 domain",
            "yref": "y3 domain",
            "x": 0.0,
            "y": 1.0,
            "xanchor": "left",
            "yanchor": "bottom",
            "align": "left",
            "showarrow": False,
            "font": {"size": 10},
            "bgcolor": LEGEND_BG,
            "text": text,
            "hovertext": stability.ADAPTIVE_NOTE if adaptive else text,
            "name": "rate key",
        }
    ]


def member_lines(fam: Family, surface: Surface) -> dict | None:
    """Each member's own threshold line 2/lambda_max(theta_t) (what ``Run.edge`` is for a
    run: ``stability.critical_alpha_along`` on every member's positions, in one call), as
    ``packing.decimal3`` codes (members, steps), packed; None for an adaptive rule."""
    from optiviz.figures import packing

    n, steps = fam.lrs.shape
    rows = fam.positions[:, : max(steps, 1)]  # the line ends with α_t: no last position's
    line = stability.critical_alpha_along(
        surface, rows.reshape(-1, rows.shape[-1]), fam.optimizer, **fam.hyper
    )
    if line is None:
        return None
    codes = packing.decimal3(line.reshape(n, -1)[:, :steps])
    return packing.packed(codes, "u2") | {"decimal": 3}
