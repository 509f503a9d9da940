"""The line panels' axes: the loss and α_t ranges, a 1-D curve's, and log ticks labelled in
full. Arrays in, Plotly axis settings out (``layout.axes`` places them)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optiviz.figures.runs import Run
from optiviz.scenes.grids import Grid


def loggable(values: np.ndarray, spread: float = 1.0) -> bool:
    """Whether a log axis suits ``values``: its finite ones are all positive and span more
    than ``spread`` (max / min)."""
    finite = values[np.isfinite(values)]
    return finite.size > 0 and finite.min() > 0 and finite.max() / finite.min() > spread


def _padded(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        lo, hi = np.log10(lo), np.log10(hi)
    pad = 0.08 * max(hi - lo, 1e-6)
    return [float(lo - pad), float(hi + pad)]


def loss_range(runs: Sequence[Run], log: bool) -> list[float]:
    """The loss panel's range: every loss of the runs that did not diverge, and each run's
    first loss. A diverging run's loss climbs off the top, as its ball leaves the map."""
    calm = [r.trajectory.losses for r in runs if r.trajectory.diverged_at is None]
    values = np.concatenate(calm + [r.trajectory.losses[:1] for r in runs])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if values.size == 0:
        return _padded(1.0, 10.0, log) if log else [0.0, 1.0]
    return _padded(float(values.min()), float(values.max()), log)


def _flat_range(values: np.ndarray) -> dict:
    """A range from 0 when the values hardly vary: otherwise Plotly zooms into float32
    rounding and labels the axis 0.800000005."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.max() - finite.min() <= 1e-6 * max(abs(finite.max()), 1e-30):
        return {"range": [0.0, 1.2 * float(finite.max())]} if finite.max() > 0 else {}
    return {}


EDGE_REACH = 4.0
"""The α_t axis makes room for a threshold line up to this factor above the largest rate
and below the smallest; where the line lies further away it runs off the panel."""


def _near(edges: np.ndarray, lrs: np.ndarray) -> np.ndarray:
    """The threshold values within ``EDGE_REACH`` of the positive rates."""
    rates = lrs[np.isfinite(lrs) & (lrs > 0)]
    if rates.size == 0:
        return edges[:0]
    lo, hi = rates.min() / EDGE_REACH, rates.max() * EDGE_REACH
    return edges[np.isfinite(edges) & (edges >= lo) & (edges <= hi)]


def rate_axis(lrs: np.ndarray, edges: np.ndarray | None = None) -> dict:
    """The α_t axis: linear unless the finite rates are all positive and span more than a
    decade (max / min > 10); then log, labelled at the powers of ten only (0.01, 0.1, 1).
    A linear axis over rates that hardly vary starts from 0 (see ``_flat_range``).
    With threshold lines (``edges``, the runs' 2/λ_max(θ_t)) the range is set to hold the
    rates and the lines' values within ``EDGE_REACH`` of them, so a far or infinite
    threshold never squashes the rates."""
    lrs = np.asarray(lrs, dtype=np.float64)
    edges = np.asarray([] if edges is None else edges, dtype=np.float64).ravel()
    shown = np.concatenate([lrs[np.isfinite(lrs)], _near(edges, lrs)])
    fixed = bool(shown.size and shown.max() > 0 and np.isfinite(edges).any())
    if not loggable(lrs, 10.0):
        axis = {"type": "linear", **_flat_range(lrs)}
        if fixed:
            top = max(axis.get("range", [0.0, 0.0])[1], 1.08 * float(shown.max()))
            axis["range"] = [0.0, top]
        return axis
    lo, hi = float(shown.min()), float(shown.max())
    powers = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1).astype(int)
    axis = {
        "type": "log",
        "tickmode": "array",
        "tickvals": [float(10.0**k) for k in powers],
        "ticktext": [decade_label(k) for k in powers],
        "minor": {"showgrid": False, "ticks": ""},
    }
    if fixed:
        axis["range"] = _padded(lo, hi, log=True)
    return axis


def decade_label(k: int) -> str:
    """10^k as a tick reads: 0.001 to 1000 written out, 10<sup>k</sup> beyond."""
    return f"{10.0**k:g}" if -3 <= k <= 3 else f"10<sup>{k}</sup>"


MAX_LOSS_TICKS = 5

MANTISSAS = ((1.0,), (1.0, 2.0, 5.0), tuple(float(m) for m in range(1, 10)))
"""Tick mantissas of a log axis, coarse to fine: the first that gives two ticks is used."""


def tick_label(value: float) -> str:
    """A log axis's tick written in full: 0.5 and 0.2 (never Plotly's bare "5", "2"), and
    powers of ten past 0.001 and 1000 (2×10<sup>-5</sup>)."""
    k = int(np.floor(np.log10(value) + 1e-9))
    mantissa = round(value / 10.0**k, 6)
    if -3 <= k <= 3:
        return f"{value:.{max(0, -k)}f}" if k < 0 else f"{value:g}"
    return decade_label(k) if mantissa == 1 else f"{mantissa:g}×{decade_label(k)}"


def log_ticks(value_range: list[float]) -> dict:
    """Ticks of a log axis over ``value_range`` (log10 units), each labelled in full: the
    powers of ten, every d-th so that at most MAX_LOSS_TICKS + 1 show; inside two decades
    the 1-2-5 values, or each integer mantissa, whichever first gives two ticks."""
    lo, hi = value_range
    for mantissas in MANTISSAS:
        decades = np.arange(np.floor(lo), np.ceil(hi) + 1)
        values = [m * 10.0**k for k in decades for m in mantissas]
        inside = [v for v in values if lo <= np.log10(v) <= hi]
        if len(inside) >= 2:
            break
    if mantissas == (1.0,):
        stride = int(np.ceil((hi - lo) / MAX_LOSS_TICKS))
        inside = inside[::stride] if len(inside) > MAX_LOSS_TICKS + 1 else inside
    return {
        "tickmode": "array",
        "tickvals": [float(v) for v in inside],
        "ticktext": [tick_label(v) for v in inside],
        "minor": {"showgrid": False, "ticks": ""},
    }


def loss_axis(value_range: list[float], log: bool) -> dict:
    """The loss axis over ``value_range`` (log10 units when ``log``), log ticks by
    ``log_ticks``: labels written in full that never crowd the panel."""
    if not log:
        return {"type": "linear", "range": value_range}
    return {"type": "log", "range": value_range, **log_ticks(value_range)}


def curve_range(grid: Grid) -> list[float]:
    """A y range for a 1-D curve: the curve's values over the plot box."""
    values = grid.z[np.isfinite(grid.z)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    return _padded(lo, hi, False)
