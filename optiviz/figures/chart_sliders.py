"""What the chart's α and k sliders are sent: the families of members they swap in.

``family_chart`` packs one family (``scenes.family.Family``) for one run of the top view:
each member's path, loss and α_t per step, readout values, where it leaves the map and the
words under the graph (the arrays in ``packing``'s codes). ``slider_chart`` is one slider:
its stops, the stop shown, preset marks and the families it holds.
"""

from __future__ import annotations

import math

import numpy as np

from optiviz.core import verdicts
from optiviz.core.surfaces import Surface
from optiviz.core.verdicts import VERDICTS
from optiviz.figures import arrows, edges
from optiviz.figures.animation import EXIT_ANGLE
from optiviz.figures.notes import NOT_DEFINED, final_text, step_text
from optiviz.figures.packing import decimal3, packed, quantised
from optiviz.figures.runs import EDGES, Exit
from optiviz.figures.style import VERDICT_COLOURS
from optiviz.scenes.family import Family
from optiviz.scenes.params import PARAMS, fmt


def _member_xy(fam: Family, surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """Every member's map coordinates (``runs.map_xy`` of each)."""
    p = fam.positions
    return (p[..., 0], p[..., 1]) if surface.dim == 2 else (p[..., 0], fam.losses)


def _exits(fam: Family, surface: Surface) -> list:
    """Per member, where its path leaves the map ``[x, y, angle, step]``, or None:
    ``runs.map_exit`` of every member at once (the same float64 operations, so the same
    numbers): the first step t >= 1 off the map, if x_0 and x_t are finite, and the point
    where the segment x_{t-1} -> x_t crosses the box's edge."""
    x, y = _member_xy(fam, surface)
    points = np.stack([x, y], axis=-1)[..., : surface.dim]
    box = np.asarray(surface.bounds[: surface.dim], dtype=np.float64)
    finite, inside = np.ones(x.shape, bool), np.ones(x.shape, bool)
    with np.errstate(invalid="ignore"):
        for axis, (low, high) in enumerate(box):  # a loop over axes: no reduction per row
            c = points[..., axis]
            finite &= np.isfinite(c)
            inside &= (c >= low) & (c <= high)
    off = ~(finite & inside)[:, 1:]
    rows = np.arange(len(points))
    t = off.argmax(axis=1) + 1
    leaves = np.flatnonzero(off.any(axis=1) & finite[:, 0] & finite[rows, t])
    out: list = [None] * len(points)
    if not leaves.size:
        return out
    t = t[leaves]
    share, edge = _crossings(points[leaves, t - 1], points[leaves, t], box)
    ex = x[leaves, t - 1] + share * (x[leaves, t] - x[leaves, t - 1])
    ey = y[leaves, t - 1] + share * (y[leaves, t] - y[leaves, t - 1])
    names = [name for pair in EDGES for name in pair]
    for i, step, px, py, code in zip(leaves, t, ex, ey, edge, strict=True):
        out[i] = [float(px), float(py), EXIT_ANGLE[names[code]], int(step)]
    return out


def _crossings(a: np.ndarray, b: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``runs._crossing`` of each segment a[i] -> b[i]: the share at which it first crosses
    the box's edge, and that edge's index in ``EDGES`` flattened (left, right, bottom, top);
    the last of equal shares wins, as there."""
    best, edge = np.ones(len(a)), np.zeros(len(a), dtype=int)
    for axis, (low, high) in enumerate(box):
        for side, bound in ((0, low), (1, high)):
            outside = b[:, axis] < bound if side == 0 else b[:, axis] > bound
            moving = outside & (b[:, axis] != a[:, axis])
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.clip((bound - a[:, axis]) / (b[:, axis] - a[:, axis]), 0.0, 1.0)
            better = moving & (share <= best)
            best, edge = np.where(better, share, best), np.where(better, 2 * axis + side, edge)
    return best, edge


VERDICT_CODES = {name: i for i, name in enumerate(VERDICTS)}


def member_notes(fam: Family, exits: list) -> dict:
    """Per member the words the chart writes under the graph: its verdict line's
    ``label``, ``label_colour`` and ``final`` (``notes.verdict``), its verdict ``code``
    (an index of ``verdicts.VERDICTS``), ``final_loss`` (None when undefined) and "What
    one step does" (``first_step``, ``notes.step_text``)."""
    out: dict[str, list] = {"label": [], "label_colour": [], "final": [], "first_step": []}
    finals, starts, ats = (
        fam.final_loss.tolist(),
        fam.losses[:, 0].tolist(),
        fam.diverged_at.tolist(),
    )
    moved = fam.step_lengths.shape[1] > 0
    firsts = (fam.grad_norms[:, 0], fam.lrs[:, 0], fam.step_lengths[:, 0]) if moved else ()
    for i, (verdict, final, start, at, *first) in enumerate(
        zip(fam.verdicts, finals, starts, ats, *(a.tolist() for a in firsts), strict=True)
    ):
        where = None if exits[i] is None else Exit(exits[i][3], 0.0, 0.0, "")
        out["label"].append(verdicts.describe(verdict, at if at >= 0 else None))
        out["label_colour"].append(VERDICT_COLOURS[verdict])
        out["final"].append(final_text(final if math.isfinite(final) else None, where))
        defined = math.isfinite(start) and moved
        out["first_step"].append(step_text(fam.optimizer, *first) if defined else NOT_DEFINED)
    out["code"] = [VERDICT_CODES[v] for v in fam.verdicts]
    out["final_loss"] = [v if math.isfinite(v) else None for v in finals]
    return out


def family_arrays(fam: Family, surface: Surface, box) -> dict:
    """``family_chart`` but for its ``run`` and ``names``: what depends on the family and
    the view's ``box`` alone, so that two runs with one family (a preset and "my α" at its
    rate, in k) share one packing (``for_run``)."""
    x, y = _member_xy(fam, surface)
    xy = np.stack([quantised(x, *box[0]), quantised(y, *box[1])], axis=-1)
    exits = _exits(fam, surface)
    return {
        "box": [list(map(float, b)) for b in box],
        "xy": packed(xy, "u2", "delta"),
        "loss": packed(fam.losses, "f4", "shuffle"),
        "lr": packed(fam.lrs, "f4", "shuffle"),
        "grad": packed(decimal3(fam.grad_norms), "u2") | {"decimal": 3},
        "step": packed(decimal3(fam.step_lengths), "u2") | {"decimal": 3},
        "exit": exits,
        "parts": arrows.member_parts(fam, surface, box),
        "edge": edges.member_lines(fam, surface),
        **member_notes(fam, exits),
    }


def for_run(arrays: dict, run: int, names: list[str]) -> dict:
    """``family_arrays`` as what the chart swaps into run ``run``, its members named
    ``names`` (one per member: the run's name, or "my α=0.87" for each stop)."""
    return {"run": run, **arrays, "names": names}


def family_chart(fam: Family, run: int, names: list[str], surface: Surface, box) -> dict:
    """What the chart swaps into run ``run`` (an index of ``animation.runs``) for each
    member of ``fam``: its map path (``quantised`` within ``box``, delta-coded), loss and
    α_t per step (float32), |gradient| and step length per step (``decimal3``: the
    readout's 3 digits), where it leaves the map, its words (``member_notes``) and
    ``names``, its arrows' ``parts`` (``arrows.member_parts``) and own threshold line
    ``edge`` (``edges.member_lines``), the arrays deflated (``packed``): ``for_run`` of
    ``family_arrays``."""
    return for_run(family_arrays(fam, surface, box), run, names)


def nearest_index(stops: list[float], value: float) -> int:
    """The index of ``value`` among ``stops``, or of the stop nearest it on a log scale."""
    if value in stops:
        return stops.index(value)
    logs = np.log(np.maximum(np.asarray(stops, np.float64), 1e-300))
    return int(np.argmin(np.abs(logs - np.log(max(value, 1e-300)))))


def slider_chart(
    key: str,
    stops: list[float],
    value: float,
    families: list[dict],
    first: int = 0,
    marks: dict[str, float] | None = None,
    note: str = "",
) -> dict:
    """One of the chart's sliders ("alpha" or "k"): its row of ``params.PARAMS`` (label,
    help), its stops and their texts, the stop shown, the preset ``marks`` on its track,
    and the ``families`` (``family_chart``) whose members the chart swaps in as the thumb
    moves over stops ``first`` .. ``first`` + their length; none (and ``note`` in the
    help saying why) where the slider acts on release only. ``strip`` is the first
    family's verdict code and final loss at each stop it holds (None elsewhere), for the
    track's colours."""
    row = PARAMS[key]
    strip: list = [None] * len(stops)
    if families:
        lead = families[0]
        for j, (code, final) in enumerate(zip(lead["code"], lead["final_loss"], strict=True)):
            strip[first + j] = [code, final]
    return {
        "key": key,
        "label": row.label,
        "symbol": row.label.split()[-1],
        "help": f"{row.help} {note}".strip(),
        "stops": stops,
        "texts": [fmt(v) for v in stops],
        "index": nearest_index(stops, value),
        "marks": [
            {"label": label, "index": nearest_index(stops, v)} for label, v in (marks or {}).items()
        ],
        "first": first,
        "count": len(families[0]["code"]) if families else 0,
        "strip": strip,
        "verdicts": list(VERDICTS),
        "verdict_colours": [VERDICT_COLOURS[v] for v in VERDICTS],
        "families": families,
    }
