"""What the in-place chart component is sent: compact, JSON-ready data for one scene.

The static layers (paths, click grid, data samples, cloud, axes, background, 3-D mesh)
come from the figure builders. Arrays travel as little-endian float32 (or int32) in
base64, ``{"dtype": "f4", "bdata": ..., "shape": "rows, cols"}``, Plotly's typed-array spec
(``optiviz.figures.typed``).
The top view's animation frames are not sent: the component builds them from each
run's arrays (``animation``), which is a small fraction of a full figure's size.
"""

from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Mapping

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.core.verdicts import VERDICTS
from optiviz.figures import arrows, edges, layout, style
from optiviz.figures.animation import EXIT_ANGLE, animation_parts, exit_trace
from optiviz.figures.notes import NOT_DEFINED, final_text, notes, step_text
from optiviz.figures.runs import EDGES, Exit
from optiviz.figures.style import VERDICT_COLOURS
from optiviz.figures.surface3d import motion, surface_figure
from optiviz.figures.typed import encode_array
from optiviz.scenes import Scene
from optiviz.scenes.family import Family
from optiviz.scenes.grids import Grid
from optiviz.scenes.params import PARAMS, fmt


def encode(value):
    """``value`` as strict JSON: arrays as typed-array specs, NumPy scalars as Python
    numbers, non-finite floats as None (a gap), tuples as lists."""
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _run_arrays(run, ids: dict[str, int], steps: np.ndarray, surface: Surface) -> dict:
    """What a frame needs beyond the run's static traces: |gradient|, step lengths,
    the model curve at each frame step (data surfaces), and the readout's labels."""
    tr = run.trajectory
    out = {
        "name": run.name,
        "label": tr.label,
        "colour": run.colour,
        **ids,
        "grad": np.linalg.norm(tr.grads.reshape(len(tr.grads), -1), axis=1),
        "step": tr.step_lengths,
    }
    if run.model is not None:
        out["model"] = np.asarray(run.model)[steps]
    parts = arrows.run_parts(run, surface)  # "Inside a step": ui/chart/arrows.js draws them
    return out | ({"parts": parts} if parts else {})


CONTROLS_MARGIN = 64
"""Bottom margin (px) of the top view in the component: the x tick labels and the axis
titles; the component's own controls sit under the graph."""

COMPONENT_DRAWS = ("xaxis4", "yaxis4")
"""Layout parts the component draws as HTML: the readout's band (it draws its controls
too, which ``animation_parts`` leaves out)."""


def component_layout(full: dict) -> dict:
    """``animation_parts``' layout less ``COMPONENT_DRAWS``, the panels' pixel sizes kept:
    the y domains and the legend stretch over the readout's band, and the figure is that
    band and the controls' margin shorter."""
    keep = layout.READOUT_DOMAIN[0]
    margin = full["margin"]
    out = {k: v for k, v in full.items() if k not in COMPONENT_DRAWS}
    for name, axis in out.items():
        if name.startswith("yaxis"):
            out[name] = {**axis, "domain": [min(1.0, d / keep) for d in axis["domain"]]}
    out["legend"] = {**full["legend"], "y": min(1.0, full["legend"]["y"] / keep)}
    plot = full["height"] - margin["t"] - margin["b"]
    out["margin"] = {**margin, "b": CONTROLS_MARGIN}
    out["height"] = round(plot * keep) + margin["t"] + CONTROLS_MARGIN
    return out


def _unseen(data: list[dict], runs: list[dict], moving: list[int], latent: int) -> None:
    """Run ``latent``'s traces made invisible: its path, loss and α_t lines, exit arrow, own
    threshold line and ball (the moving traces hold per run its ball, then its model where
    it has one)."""
    ball = sum(1 + ("model" in run) for run in runs[:latent])
    ids = runs[latent]
    for i in [
        ids["path"],
        ids["loss"],
        ids["rate"],
        ids.get("exit"),
        ids.get("edge"),
        moving[ball],
    ]:
        if i is not None:
            data[i] = {**data[i], "visible": False}


def _exit_slots(scene: Scene, run_ids: list[dict], follows, at: int) -> list[dict]:
    """An empty exit arrow for each following run whose own path has none (its index
    written into ``run_ids``), so that a member that leaves the map can show one."""
    slots = []
    for i in follows:
        if "exit" not in run_ids[i]:
            run_ids[i]["exit"] = at + len(slots)
            slots.append(exit_trace(scene.runs[i], Exit(0, math.nan, math.nan, "right")))
    return slots


def _unlisted(trace: dict) -> dict:
    """A ball's trace without its legend entry: the component lists the runs under the
    graph with their verdicts (``notes``), where a click hides or shows one; the legend
    keeps only what the lines and dots of a data surface are."""
    return {**trace, "showlegend": False} if trace.get("meta") == "ball" else trace


def map_chart(
    scene: Scene,
    grid: Grid,
    *,
    max_frames: int = style.MAX_FRAMES,
    tail: int = style.TAIL,
    frame_ms: int = style.FRAME_MS,
    follows: tuple[int, ...] = (),
    latent: int | None = None,
) -> dict:
    """The animated top view's data: the figure without frames, the runs' ``notes``
    (verdicts and first steps, drawn under the graph), and ``animation``: the
    frame steps, the milliseconds per frame, the moving traces' indices, and per run the
    arrays the frames are cut from (map x and y, loss and alpha_t are read from the run's
    static traces). The component draws the readout, Play, Pause and the step slider
    itself, in HTML (``component_layout``), and lists the runs under the graph rather
    than in the legend.

    Frame i shows, per run, the ball and the trail of the last ``tail`` steps and the
    model, then all runs' loss and alpha_t markers, then the readout, exactly as
    ``path_animation``.

    The runs ``follows`` names (indices) follow a slider: each has an exit arrow trace,
    empty where its own path stays on the map, for a member that leaves it. Run
    ``latent`` is drawn only once the slider moves ("my α" before it races).

    "Inside a step" (``figures.arrows``): the arrows' traces lie under the balls, their
    indices in ``animation["arrows"]``, the key in ``animation["arrow_key"]``, and each
    run's ``parts``; the chart fills them at every frame.
    """
    parts = animation_parts(
        scene.runs,
        scene.surface,
        grid,
        max_frames=max_frames,
        tail=tail,
        cloud=scene.cloud,
        model_x=scene.model_x,
    )
    view = component_layout(parts.layout) | {"uirevision": f"map:{scene.surface.name}"}
    moving = [_unlisted(t) for t in parts.moving[:-1]]  # the readout, last, is HTML
    static = parts.static + _exit_slots(scene, parts.run_ids, follows, len(parts.static))
    static, shafts = static + arrows.traces(scene.runs), len(static)  # under the balls
    n_static = len(static)
    runs = [
        _run_arrays(run, ids, parts.steps, scene.surface)
        for run, ids in zip(scene.runs, parts.run_ids, strict=True)
    ]
    if latent is not None:
        runs[latent]["latent"] = True
    animation = {
        "steps": [int(t) for t in parts.steps],
        "frame_ms": frame_ms,
        "tail": tail,
        "ids": list(range(n_static, n_static + len(moving))),
        "runs": runs,
        "model_x": scene.model_x,
        "arrows": list(range(shafts, n_static)),
        "arrow_key": arrows.key(list(scene.runs)),
        "arrow_min": arrows.shortest(map_box(view)),
    }
    figure = {"data": static + moving, "layout": view}
    if latent is not None:
        _unseen(figure["data"], runs, animation["ids"], latent)
    return encode(
        {
            "kind": "map",
            "figure": figure,
            "animation": animation,
            "outline": style.OUTLINE,
            "notes": notes(scene.runs, scene.surface),
            "narrow": layout.narrow(scene.surface.n_samples is not None),
            "narrow_px": layout.NARROW_PX,
        }
    )


def surface_chart(scene: Scene, grid: Grid, latent: int | None = None) -> dict:
    """The 3-D view's data: ``surface_figure`` (no frames), the runs' ``notes``, and
    ``scene3d`` (``surface3d.motion``): the chart builds the frames, Play, Pause and the
    step from the paths' arrays, in JavaScript. The balls have no legend entries: the
    notes list the runs, with the member's name while a slider moves. Run ``latent``'s
    path and ball are drawn only once α's slider moves ("my α" before it races), as in
    the top view."""
    figure = surface_figure(scene.runs, scene.surface, grid)
    figure["layout"]["uirevision"] = f"3d:{scene.surface.name}"
    scene3d = motion(scene.runs, scene.surface, grid)
    for ids in scene3d["runs"]:  # the notes under the graph list the runs (a swap renames one)
        figure["data"][ids["ball"]] = {**figure["data"][ids["ball"]], "showlegend": False}
    if latent is not None:
        ids = scene3d["runs"][latent]
        ids["latent"] = True
        for i in (ids["path"], ids["ball"]):
            figure["data"][i] = {**figure["data"][i], "visible": False}
    view = {"kind": "3d", "figure": figure, "animation": None, "scene3d": scene3d}
    return encode(view | {"notes": notes(scene.runs, scene.surface)})


# The α and k families, packed ---------------------------------------------------------

GAP = 65535
"""A quantised position's code for "no point" (NaN: after a divergence)."""

LEVELS = 65534
"""Codes 0..LEVELS span a box three times the view's on each axis (the view's, and as much
again beyond each edge), so a path that leaves the map keeps its direction over the edge:
a position's error is at most 3 / (2 × LEVELS) ≈ 1/43690 of the view's span."""


ZLEVEL = 1
"""zlib's level for the families: level 6 gave 4 % fewer bytes for twice the server CPU
(about 2 ms more per 146-member family, on every k, start or surface move)."""


def packed(values, dtype: str, filter_: str | None = None) -> dict:
    """A typed-array spec whose bytes are deflated (zlib): ``{"dtype", "shape", "zdata"}``,
    with ``"filter"`` "delta" (uint16 differences along the last axis but one, mod 2^16:
    smooth paths compress to a third) or "shuffle" (the bytes of each float32 grouped by
    their place, so exponents compress apart from mantissas)."""
    a = np.ascontiguousarray(values, dtype="<" + dtype)
    raw = a
    if filter_ == "delta":
        raw = np.diff(a.astype(np.int64), axis=-2, prepend=0).astype("<u2")
    elif filter_ == "shuffle":
        raw = a.view(np.uint8).reshape(-1, a.itemsize).T
    zdata = base64.b64encode(zlib.compress(np.ascontiguousarray(raw).tobytes(), ZLEVEL))
    spec = {"dtype": dtype, "shape": list(a.shape), "zdata": zdata.decode("ascii")}
    return spec | ({"filter": filter_} if filter_ else {})


DECIMAL_ZERO, DECIMAL_INF, DECIMAL_NAN = 65533, 65534, 65535
"""``decimal3``'s codes for 0 (and values below 1e-40), +inf and NaN."""


def decimal3(values) -> np.ndarray:
    """Non-negative values rounded to the 3 significant digits the readout writes, as
    uint16 codes (exponent e from -40 to 23, mantissa m from 100 to 999: code
    (e + 40) · 1000 + m − 100, for m · 10^(e − 2)); see ``DECIMAL_ZERO``. The chart writes
    a decoded value with 3 digits exactly as it writes the float32 it stands for."""
    v = np.asarray(values, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.floor(np.log10(np.where(v > 0, v, 1.0)))
        m = np.round(v / 10.0 ** (e - 2))
        e, m = np.where(m >= 1000, e + 1, e), np.where(m >= 1000, 100, m)
    codes = (np.clip(e, -40, 23) + 40) * 1000 + np.clip(m, 100, 999) - 100
    codes = np.where((v > 0) & (e >= -40), codes, DECIMAL_ZERO)
    codes = np.where(np.isposinf(v), DECIMAL_INF, codes)
    return np.where(np.isnan(v), DECIMAL_NAN, codes).astype("<u2")


def undecimal3(codes: np.ndarray) -> np.ndarray:
    """The inverse of ``decimal3`` (the chart's decode.js does the same)."""
    c = np.asarray(codes, np.int64)
    e, m = c // 1000 - 40, c % 1000 + 100
    with np.errstate(over="ignore"):
        values = np.where(
            e >= 2, m * 10.0 ** np.maximum(e - 2, 0), m / 10.0 ** np.maximum(2 - e, 0)
        )
    values = np.where(c == DECIMAL_ZERO, 0.0, values)
    values = np.where(c == DECIMAL_INF, np.inf, values)
    return np.where(c == DECIMAL_NAN, np.nan, values)


def quantised(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Positions on [lo, hi] (the view's range on one axis) as uint16 codes over the box
    ``LEVELS`` describes; NaN as ``GAP``, a position beyond the wide box at its edge."""
    span = hi - lo
    wide_lo, wide = lo - span, 3 * span
    with np.errstate(invalid="ignore"):
        codes = np.clip(np.round((values - wide_lo) / wide * LEVELS), 0, LEVELS)
    return np.where(np.isfinite(values), codes, GAP).astype("<u2")


def dequantised(codes: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The inverse of ``quantised`` (``GAP`` to NaN), as the chart's JavaScript decodes it."""
    span = hi - lo
    values = (lo - span) + codes.astype(np.float64) * (3 * span / LEVELS)
    return np.where(codes == GAP, np.nan, values)


def map_box(view_layout: dict) -> list[list[float]]:
    """The view's box: the map's x and y ranges."""
    return [list(map(float, view_layout[a]["range"])) for a in ("xaxis", "yaxis")]


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
    finite = np.all(np.isfinite(points), axis=-1)
    with np.errstate(invalid="ignore"):
        inside = np.all((points >= box[:, 0]) & (points <= box[:, 1]), axis=-1)
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


def member_notes(fam: Family, exits: list, names: list[str]) -> dict:
    """Per member the words the chart writes under the graph: its verdict line's
    ``label``, ``label_colour`` and ``final`` (``notes.verdict``), its verdict ``code``
    (an index of ``verdicts.VERDICTS``), ``final_loss`` (None when undefined), its run's
    ``names`` and "What one step does" (``first_step``, ``notes.step_text``)."""
    out: dict[str, list] = {"label": [], "label_colour": [], "final": [], "first_step": []}
    for i in range(len(fam)):
        final = float(fam.final_loss[i])
        where = None if exits[i] is None else Exit(exits[i][3], 0.0, 0.0, "")
        out["label"].append(fam.label(i))
        out["label_colour"].append(VERDICT_COLOURS[fam.verdicts[i]])
        out["final"].append(final_text(final if math.isfinite(final) else None, where))
        if math.isfinite(fam.losses[i, 0]) and fam.step_lengths.shape[1]:
            g, lr, step = fam.grad_norms[i, 0], fam.lrs[i, 0], fam.step_lengths[i, 0]
            out["first_step"].append(step_text(fam.optimizer, float(g), float(lr), float(step)))
        else:
            out["first_step"].append(NOT_DEFINED)
    out["code"] = [VERDICT_CODES[v] for v in fam.verdicts]
    out["final_loss"] = [float(v) if math.isfinite(v) else None for v in fam.final_loss]
    out["names"] = names
    return out


def family_chart(fam: Family, run: int, names: list[str], surface: Surface, box) -> dict:
    """What the chart swaps into run ``run`` (an index of ``animation.runs``) for each
    member of ``fam``: its map path (``quantised`` within ``box``, delta-coded), loss and
    α_t per step (float32), |gradient| and step length per step (``decimal3``: the
    readout's 3 digits), where it leaves the map, its words (``member_notes``), its arrows'
    ``parts`` (``arrows.member_parts``) and own threshold line ``edge``
    (``edges.member_lines``), the arrays deflated (``packed``)."""
    x, y = _member_xy(fam, surface)
    xy = np.stack([quantised(x, *box[0]), quantised(y, *box[1])], axis=-1)
    exits = _exits(fam, surface)
    return {
        "run": run,
        "box": [list(map(float, b)) for b in box],
        "xy": packed(xy, "u2", "delta"),
        "loss": packed(fam.losses, "f4", "shuffle"),
        "lr": packed(fam.lrs, "f4", "shuffle"),
        "grad": packed(decimal3(fam.grad_norms), "u2") | {"decimal": 3},
        "step": packed(decimal3(fam.step_lengths), "u2") | {"decimal": 3},
        "exit": exits,
        "parts": arrows.member_parts(fam, surface, box),
        "edge": edges.member_lines(fam, surface),
        **member_notes(fam, exits, names),
    }


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
