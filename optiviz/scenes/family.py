"""The α and k families: one run at every stop of a slider, through one compiled program.

A family holds the runs that differ from a view's run only in α (or only in k): the
explore page sends it with a settled view, so the browser swaps a member in while the
slider's thumb moves, with no server. Member i is what ``optiviz.simulate`` returns with
``values[i]`` in place of α (or k), bit for bit: the same compiled program, a member per
iteration of its loop over runs (``engine.each_run``; a vmapped batch would round by its
width, and a chaotic run would end elsewhere), and the same divergence rule and verdicts
(``verdicts.first_bad_many``, ``verdicts.classify_many``). No ``Trajectory`` is built per
member; the arrays are stacked.

A full family costs ``len(values)`` runs. ``window`` picks the stops a budget allows,
centred on the current one, so a long run or a many-seeds view gets fewer stops around
its value instead of a silently cut family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from optiviz.core import engine, limits, run_inputs, verdicts
from optiviz.core.dynamics import Trajectory, prepare, start_point
from optiviz.core.surfaces import Surface

PARAMS = ("alpha", "k")
"""The parameters a family can vary."""

POINT_BUDGET = 150 * 151
"""Members × (steps + 1) a family may hold: the whole α slider at the default 150 steps;
``window`` gives fewer stops, around the current one, to longer runs."""


@dataclass(frozen=True)
class Family:
    """Runs at ``values`` of ``param`` ("alpha" or "k"), everything else shared.

    Per member i (row i): ``positions`` (steps + 1, dim), ``losses`` (steps + 1) and, on a
    data surface, ``validation`` (steps + 1), NaN from the divergence step on; ``lrs``
    (steps) α_t; ``grad_norms`` (steps) |g_t| of the gradient applied (noise and mini-batch
    included); ``step_lengths`` (steps) |x_{t+1} − x_t|; ``verdicts`` (one of
    ``verdicts.VERDICTS``); ``diverged_at`` (the step, or -1); ``final_loss`` (the last
    finite loss, NaN when none). ``first`` is the index of ``values[0]`` among the
    slider's stops (``window``)."""

    param: str
    values: np.ndarray
    optimizer: str
    alpha: float
    positions: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    grad_norms: np.ndarray
    step_lengths: np.ndarray
    verdicts: tuple[str, ...]
    diverged_at: np.ndarray
    final_loss: np.ndarray
    grads: np.ndarray | None = None
    """(members, steps, dim): the gradients applied."""
    validation: np.ndarray | None = None
    first: int = 0
    schedule: str = "constant"
    hyper: dict = field(default_factory=dict)
    """The members' shared ``simulate`` keywords (momentum, rho, ..., eps defaulted)."""

    def __len__(self) -> int:
        return len(self.values)

    def member(self, i: int) -> Trajectory:
        """Member i as a ``Trajectory`` (what the chart draws once the slider settles on
        it, so the settled view and the swapped one are the same numbers)."""
        at = int(self.diverged_at[i])
        alpha = float(self.values[i]) if self.param == "alpha" else self.alpha
        return Trajectory(
            self.positions[i],
            self.losses[i],
            self.lrs[i],
            self.grads[i],
            self.verdicts[i],
            at if at >= 0 else None,
            alpha,
            self.optimizer,
            self.schedule,
            None if self.validation is None else self.validation[i],
        )

    def inserted(self, i: int, value: float, run: Trajectory) -> Family:
        """This family with ``run`` (the view's own run, at ``value`` of the parameter
        this family varies, which lies between two of its stops) as member ``i``: the
        slider's current value off its stops keeps its exact run among the stops' runs."""
        at = -1 if run.diverged_at is None else int(run.diverged_at)
        grads = np.asarray(run.grads, np.float64)
        positions = np.asarray(run.positions, np.float64)
        rows = {
            "positions": positions,
            "losses": np.asarray(run.losses, np.float64),
            "lrs": np.asarray(run.lrs, np.float64),
            "grad_norms": np.linalg.norm(grads, axis=1),
            "step_lengths": np.linalg.norm(np.diff(positions, axis=0), axis=1),
            "diverged_at": at,
            "final_loss": _last_finite(np.asarray(run.losses, np.float64)[None])[0],
            "grads": grads,
            "values": float(value),
        }
        if self.validation is not None:
            rows["validation"] = np.asarray(run.validation_losses, np.float64)
        fields = {k: np.insert(getattr(self, k), i, v, axis=0) for k, v in rows.items()}
        labels = (*self.verdicts[:i], run.verdict, *self.verdicts[i:])
        return replace(self, verdicts=labels, **fields)

    def label(self, i: int) -> str:
        """Member i's verdict as a legend writes it ("diverged at step 37", "slow")."""
        at = int(self.diverged_at[i])
        return verdicts.describe(self.verdicts[i], at if at >= 0 else None)


def window(n_stops: int, current: int, steps: int, runs_per_stop: int = 1) -> slice:
    """The stops a family may hold: all ``n_stops`` when they fit ``POINT_BUDGET``
    (``runs_per_stop`` runs of ``steps`` steps each), else the largest power of two that
    fits (so that few member counts are ever compiled), centred on ``current`` and shifted
    to stay inside; at least the current stop."""
    fit = POINT_BUDGET // ((steps + 1) * max(1, runs_per_stop))
    if fit >= n_stops:
        return slice(0, n_stops)
    fit = 2 ** int(np.log2(fit)) if fit >= 1 else 1
    lo = min(max(0, current - fit // 2), n_stops - fit)
    return slice(lo, lo + fit)


def family(
    surface: str | Surface,
    optimizer: str,
    param: str,
    values: Sequence[float],
    *,
    alpha: float,
    schedule: str = "constant",
    k: float = 0.0,
    start: Sequence[float] | None = None,
    steps: int | None = None,
    noise: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    first: int = 0,
    **hyper,
) -> Family:
    """The runs of ``optiviz.simulate(surface, optimizer, alpha=alpha, k=k, ...)`` with
    ``param`` ("alpha" or "k") set to each of ``values`` in turn, exactly.

    Raises ``ValueError`` as ``simulate`` does, and for an unknown ``param`` or no
    values. The program is ``simulate``'s, compiled per surface, optimizer and steps'
    bucket only: any number of values, α, k or hyperparameter reuses it."""
    if param not in PARAMS:
        raise ValueError(f"a family varies one of {PARAMS}, not {param!r}")
    if len(values) == 0:
        raise ValueError("a family needs at least one value")
    surface, steps, length, batch, hyper = prepare(
        surface, optimizer, schedule, steps, batch_size, hyper
    )
    n = len(values)
    varied = np.asarray(values, np.float32)
    alphas = varied if param == "alpha" else np.full(n, alpha, np.float32)
    ks = varied if param == "k" else np.full(n, k, np.float32)
    h = run_inputs.make_hyper(
        alpha=0.0, schedule=schedule, steps=steps, noise=noise, batch_size=batch, **hyper
    )
    x0 = np.broadcast_to(start_point(surface, start), (n, surface.dim))
    raw = engine.each_run(surface, optimizer, length, h, alphas, ks, x0, [seed] * n)
    fam = _stacked(surface, param, np.asarray(values, np.float64), optimizer, steps, raw, first)
    return replace(fam, alpha=float(alpha), schedule=schedule, hyper=hyper)


def _stacked(surface, param, values, optimizer, steps, raw, first) -> Family:
    """The family from ``engine.each_run``'s arrays, stacked, cut to ``steps`` and NaN
    from each member's divergence step, as ``dynamics`` does for one run."""
    positions, losses, lrs, grads, ends, validation = (
        None if a is None else np.array(a[:, :cut], np.float64)
        for a, cut in zip(raw, (steps + 1, steps + 1, steps, steps, 2, steps + 1), strict=True)
    )
    at = verdicts.first_bad_many(positions, losses, limits.DIVERGENCE_RADIUS)
    gone = (
        np.arange(positions.shape[1])[None, :] >= np.where(at < 0, positions.shape[1], at)[:, None]
    )
    for a in (positions, losses) if validation is None else (positions, losses, validation):
        a[gone] = np.nan
    labels = verdicts.classify_many(positions, ends[:, 1], surface.scale, at)
    return Family(
        param=param,
        values=np.asarray(values, np.float64),
        optimizer=optimizer,
        alpha=0.0,
        positions=positions,
        losses=losses,
        lrs=lrs,
        grad_norms=_norms(grads),
        step_lengths=_norms(positions[:, 1:] - positions[:, :-1]),
        verdicts=tuple(labels),
        diverged_at=at,
        final_loss=_last_finite(losses),
        grads=grads,
        validation=validation,
        first=first,
    )


def _norms(a: np.ndarray) -> np.ndarray:
    """|a| along the last axis, ``np.linalg.norm(a, axis=-1)`` bit for bit: for a few
    coordinates its sum of squares in order, a slice at a time (numpy's reduction over a
    short last axis costs a loop per row: a third of ``_stacked``'s time)."""
    if a.shape[-1] > 4:
        return np.linalg.norm(a, axis=-1)
    squares = a * a
    total = squares[..., 0].copy()
    for j in range(1, a.shape[-1]):
        total += squares[..., j]
    return np.sqrt(total)


def _last_finite(losses: np.ndarray) -> np.ndarray:
    """Per row, the last finite value (NaN for a row with none)."""
    finite = np.isfinite(losses)
    last = losses.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
    return np.where(finite.any(axis=1), losses[np.arange(len(losses)), last], np.nan)
