"""Probe runs that choose a typed formula's presets: plain GD at many rates at once,
judged as the engine judges a run, so that every preset a typed formula offers keeps its
label's promise (``PROMISES``), as the registered surfaces' do (``tests/test_presets.py``).

A :class:`Probe` (f and its gradient compiled once per formula, for ``PROBE_RUNS``
points) runs three batches of plain GD: a log grid of rates, a finer grid just below
the first rate that diverges (where a narrow band of oscillation hides), and the
rounded candidates, so that every preset is a verified run.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import jax
import numpy as np

from optiviz.core import limits, verdicts
from optiviz.core.surfaces.base import PRESET_KEYS, Loss

DEFAULT_STEPS = 100
"""Steps of a typed formula's runs: the probe judges a rate over exactly these."""

ALPHA_RANGE = (1e-5, 300.0)
"""The rates the probe runs try (the α slider's range)."""
PROBE_RUNS = 64
"""Rates per probe batch: every batch of a formula has this one compiled shape."""
RADIUS = limits.DIVERGENCE_RADIUS
NUDGE = 0.01
"""Relative change of a preset's rate that must keep its verdict (see Probe.verified)."""
GROWING = "oscillating, growing"
"""The survey's name for an oscillating run whose loss ends above where it started: still
"oscillating", but "too large" prefers rates that bounce without running off the map."""
PROMISES = {
    "too small": "slow",
    "good": "converged",
    "too large": "oscillating",
    "diverging": "diverged",
}
"""The verdict each preset label promises for plain GD from the start (optiviz.core.verdicts)."""
WINDOW_DECADES = {"too small": 2.0, "good": math.inf, "too large": math.inf, "diverging": 0.5}
"""How much of a label's band of rates the preset is the geometric middle of, in decades
from the band's edge nearest "good": "too small" about ten times below the rates that
converge, "diverging" about 1.8 times above the lowest rate of its band."""


@lru_cache(maxsize=64)
def evaluator(f: Loss):
    """jit(vmap(value_and_grad(f))) of (PROBE_RUNS, dim) points: the one compiled function
    that the grids, the probe runs and ``typed.minimum_in_view`` share for a formula."""
    return jax.jit(jax.vmap(jax.value_and_grad(f)))


def presets(f: Loss, start, bounds, text: str) -> tuple[dict[str, float], str]:
    """The presets that probe runs from ``start`` verify (increasing in α, a label no rate
    earns left out), and a sentence saying what the runs found; ``ValueError`` if none."""
    probe = Probe(f, start, float(sum((hi - lo) ** 2 for lo, hi in bounds) ** 0.5))
    alphas, found = probe.survey()
    presets = probe.verified(_candidates(alphas, found))
    if not presets:
        raise ValueError(f"plain gradient descent on f = {text} earns no preset label")
    return presets, _probe_sentence(alphas, found)


class Probe:
    """Plain GD, x <- x - α grad f(x), from ``start`` for DEFAULT_STEPS steps at up to
    PROBE_RUNS rates at once, judged as ``optiviz.simulate`` judges a run: the same
    float32 steps, the same escape rule (``limits.DIVERGENCE_RADIUS``), the same verdicts.

    Only f and its gradient are compiled (``evaluator``, shared with the grids); the
    steps run in NumPy: tens of milliseconds a batch, where compiling the whole loop
    would cost every new formula a second or more.
    """

    def __init__(self, f: Loss, start: tuple[float, ...], scale: float) -> None:
        self._value_and_grad = evaluator(f)
        self._x0 = np.asarray(start, np.float32)
        self._scale = scale

    def verdicts(self, alphas: np.ndarray, growth: bool = False) -> list[str]:
        """The verdict of the run at each rate (at most PROBE_RUNS of them); with
        ``growth``, an oscillating run that ends above its starting loss is GROWING."""
        n = len(alphas)
        rates = np.pad(np.asarray(alphas, np.float32), (0, PROBE_RUNS - n), "edge")
        positions, losses, ends = self._descend(rates)
        found = []
        for i in range(n):
            bad = verdicts.first_bad(positions[:, i], losses[:, i], RADIUS)
            verdict = verdicts.classify(positions[:, i], *ends[i], self._scale, bad)
            grows = growth and verdict == "oscillating" and losses[-1, i] > losses[0, i]
            found.append(GROWING if grows else verdict)
        return found

    @np.errstate(all="ignore")  # a diverging run overflows on purpose
    def _descend(self, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions (steps+1, runs, dim) and losses (steps+1, runs), NaN from the step a
        run escapes on, and |grad f| at the start and the end (runs, 2)."""
        x = np.tile(self._x0, (len(rates), 1))
        dead = np.zeros(len(rates), bool)
        positions, losses, norms = [x], [], []
        for t in range(DEFAULT_STEPS + 1):
            loss, grad = (np.asarray(a) for a in self._value_and_grad(x))
            losses.append(np.where(dead, np.nan, loss))
            norms.append(np.where(dead, np.nan, np.linalg.norm(grad, axis=1)))
            if t < DEFAULT_STEPS:
                new = x - rates[:, None] * grad
                dead |= ~np.all(np.isfinite(new), axis=1) | np.any(np.abs(new) > RADIUS, axis=1)
                x = np.where(dead[:, None], x, new)
                positions.append(np.where(dead[:, None], np.nan, new))
        ends = np.stack([norms[0], norms[-1]], axis=1)
        return np.asarray(positions, np.float64), np.asarray(losses, np.float64), ends

    def survey(self) -> tuple[np.ndarray, list[str]]:
        """Rates in increasing order and their verdicts: a log grid over ALPHA_RANGE, then
        a finer one between the first rate that diverges and the rate below it."""
        alphas = np.geomspace(*ALPHA_RANGE, PROBE_RUNS)
        found = self.verdicts(alphas, growth=True)
        edge = _first(found, "diverged", _anchor(alphas, _bands(found)))
        if edge is None or edge == 0:
            return alphas, found
        finer = np.geomspace(alphas[edge - 1], alphas[edge], PROBE_RUNS + 2)[1:-1]
        merged = np.concatenate([alphas[:edge], finer, alphas[edge:]])
        return merged, [*found[:edge], *self.verdicts(finer, growth=True), *found[edge:]]

    def verified(self, candidates: dict[str, list[float]]) -> dict[str, float]:
        """For each label, its first candidate whose run keeps the label's promise, as do
        the runs at (1 ± NUDGE) times its rate: a verdict that a 1% change of α keeps is
        not one that rounding in a differently compiled loop could flip (chaotic runs)."""
        flat = [(label, a) for label, rates in candidates.items() for a in rates]
        nudged = [a * m for _, a in flat for m in (1.0, 1 - NUDGE, 1 + NUDGE)]
        checked = np.reshape(self.verdicts(np.array(nudged)) if flat else [], (-1, 3))
        kept: dict[str, float] = {}
        for (label, alpha), found in zip(flat, checked, strict=True):
            if all(v == PROMISES[label] for v in found):
                kept.setdefault(label, alpha)
        return {label: kept[label] for label in PRESET_KEYS if label in kept}


def _bands(found: list[str]) -> list[tuple[str, int, int]]:
    """Runs of one verdict in ``found``: (verdict, first index, last index)."""
    bands, i = [], 0
    for verdict, group in itertools.groupby(found):
        n = len(list(group))
        bands.append((verdict, i, i + n - 1))
        i += n
    return bands


def _anchor(alphas: np.ndarray, bands: list[tuple[str, int, int]]) -> int:
    """Index where the labels above "too small" start: the lowest rate of the widest
    converged band, else the lowest rate."""
    good = _widest(alphas, bands, "converged", 0, math.inf)
    return 0 if good is None else good[1]


def _first(found: list[str], verdict: str, start: int) -> int | None:
    return next((i for i in range(start, len(found)) if found[i] == verdict), None)


def _widest(alphas, bands, verdict: str, lo: float, hi: float) -> tuple[str, int, int] | None:
    """The band of ``verdict`` widest in log α among those starting at an index in [lo, hi)."""
    inside = [b for b in bands if b[0] == verdict and lo <= b[1] < hi]
    return max(inside, key=lambda b: alphas[b[2]] / alphas[b[1]], default=None)


def _label_bands(alphas: np.ndarray, found: list[str]) -> dict[str, tuple[int, int]]:
    """Each label's band (first, last index into ``found``): "too small" the slow rates
    at the bottom, "good" the widest converged band, "diverging" the widest diverged band
    from there up, "too large" the widest oscillating band between them (GROWING ones only
    where there is no other)."""
    bands = _bands(found)
    anchor = _anchor(alphas, bands)
    diverging = _widest(alphas, bands, "diverged", anchor, math.inf)
    top = math.inf if diverging is None else diverging[1]
    chosen = {
        "too small": bands[0] if bands[0][0] == "slow" else None,
        "good": _widest(alphas, bands, "converged", 0, math.inf),
        "too large": _widest(alphas, bands, "oscillating", anchor, top)
        or _widest(alphas, bands, GROWING, anchor, top),
        "diverging": diverging,
    }
    return {label: band[1:] for label, band in chosen.items() if band is not None}


def _candidates(alphas: np.ndarray, found: list[str]) -> dict[str, list[float]]:
    """Per label, up to PROBE_RUNS // 12 rates of 3 significant figures inside its band:
    the geometric middle of its window (WINDOW_DECADES) first, then the band's probed
    rates, nearest that middle first."""
    out = {}
    for label, (i, j) in _label_bands(alphas, found).items():
        rates = alphas[i : j + 1]
        lo, hi = rates[0], rates[-1]
        span = 10 ** WINDOW_DECADES[label]
        lo, hi = (max(lo, hi / span), hi) if label == "too small" else (lo, min(hi, lo * span))
        middle = math.sqrt(lo * hi)
        inside = sorted(
            rates[(rates >= lo) & (rates <= hi)], key=lambda a: abs(math.log(a / middle))
        )
        rounded = dict.fromkeys(_sig3(a) for a in [middle, *inside])
        out[label] = list(rounded)[: PROBE_RUNS // (3 * len(PRESET_KEYS))]
    return out


def _sig3(alpha: float) -> float:
    return float(f"{alpha:.3g}")


def _probe_sentence(alphas: np.ndarray, found: list[str]) -> str:
    """What the probe runs found, in the words of the verdicts."""
    good = _label_bands(alphas, found).get("good")
    steps = f"{DEFAULT_STEPS} steps"
    if good is None:
        said = f"From the start, plain GD converged within {steps} at no α tried"
    else:
        lo, hi = alphas[good[0]], alphas[good[1]]
        said = f"From the start, plain GD converged within {steps} for α ≈ {lo:.2g} to {hi:.2g}"
    edge = _first(found, "diverged", 0)
    if edge is None:
        return said + "."
    return said + f"; the smallest α tried that diverged was ≈ {alphas[edge]:.2g}."
