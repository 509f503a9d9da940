"""The lab's computations, cached for every session on the server: the (α, k) and (α, λ)
landscapes, the searches over them and the learning-rate range test, keyed by
``lab_settings`` (the settings as the lab reads them), and the landscape panel's calls
(``score_calls``, ``scores``) that the page and the warm-up both make."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

import streamlit as st

from optiviz import landscape, lr_range_test, scenes, search
from optiviz.analysis import decay_search
from optiviz.analysis.search import STRATEGIES, default_grid
from optiviz.core import limits, optimizers, schedules
from optiviz.core.surfaces import Surface
from optiviz.scenes.params import PARAMS
from optiviz.scenes.settings import Settings


def _lab_schedule(s: Settings) -> str:
    """The landscape's k axis needs a schedule that reads k."""
    return s.schedule if s.schedule in schedules.USES_K else "exponential"


def _surface(s: Settings) -> Surface:
    return scenes.resolve_surface(s.surface, s.formula, s.degree)


def _kwargs(s: Settings, axis: str = "k") -> dict:
    """The settings' run, full batch and noiseless; k or λ comes from the lab's axis."""
    kwargs = s.run_kwargs()
    if axis == "k":
        kwargs["schedule"] = _lab_schedule(s)
    for key in ("noise", "batch_size", "seed", axis):
        kwargs.pop(key)
    return kwargs


UNREAD = {"mode": "single", "presets": (), "alpha": 0.0, "noise": 0.0, "batch_size": None}
UNREAD |= {"seed": 0, "n_seeds": Settings.n_seeds}
"""Settings fields no computation of the lab reads (its runs are full batch and
noiseless; α and the second axis are the landscape's and the searches' own), at the
values ``lab_settings`` gives them."""
SURFACES = 12
"""How many lab pages' results a server keeps: the warm-up's lab visits (``ui.warmup``:
each 2-D registry surface's, the polynomial's, the lab lessons'); each cache holds that
many and four more for a class's own settings."""


def lab_settings(s: Settings, space: str) -> Settings:
    """``s`` as the lab's computations read it when searching ``space``, the key of its
    caches: the ``UNREAD`` fields, the hyperparameters the optimizer does not read
    (``optimizers.HYPERPARAMS``), the schedule's knobs it does not read and, on the k
    axis, k itself at fixed values, so that the lab's results answer for every view that
    shares what the lab runs."""
    used = optimizers.HYPERPARAMS[s.optimizer]
    values = {k: v for k, v in optimizers.OptimizerParams()._asdict().items() if k not in used}
    step, uses_k = s.schedule == "step", s.schedule in schedules.USES_K
    read = {"drop": step, "every": step or uses_k, "staircase": uses_k}
    values |= {key: PARAMS[key].default for key, kept in read.items() if not kept}
    if space == "k" or not uses_k:
        values["k"] = 0.0
    return dataclasses.replace(s, compare_optimizers=(s.optimizer,), **UNREAD, **values)


@st.cache_data(max_entries=SURFACES + 4, show_spinner=False)
def cached_landscape(s: Settings, alpha_range, k_range, side: int):
    """(alphas, ks, final losses, steps to tolerance) on a side x side log grid."""
    alphas, ks = default_grid(alpha_range, k_range, side)
    final, first = landscape(_surface(s), s.optimizer, alphas=alphas, ks=ks, **_kwargs(s))
    return alphas, ks, final, first


def _search(s: Settings, space: str, strategy: str, budget: int, ranges, seed: int):
    """One search over α and the ``space`` axis (k or λ), in the ``ranges``' bounds."""
    alpha_range, second_range = ranges
    run = search if space == "k" else decay_search.decay_search
    second = {"k_range" if space == "k" else "decay_range": second_range}
    kwargs = {"surface": _surface(s), "optimizer": s.optimizer, **_kwargs(s, space)}
    return run(strategy, budget=budget, alpha_range=alpha_range, seed=seed, **second, **kwargs)


@st.cache_data(max_entries=len(STRATEGIES) * (SURFACES + 4), show_spinner=False)
def cached_search(s: Settings, strategy: str, budget: int, alpha_range, k_range, seed: int):
    """One (α, k) search's result (bounded cache)."""
    return _search(s, "k", strategy, budget, (alpha_range, k_range), seed)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_decay_landscape(s: Settings, alpha_range, decay_range, side: int):
    """(alphas, decays, final validation losses) on a side x side log grid."""
    alphas, decays = default_grid(alpha_range, decay_range, side)
    values = decay_search.decay_landscape(
        _surface(s), s.optimizer, alphas=alphas, decays=decays, **_kwargs(s, "weight_decay")
    )
    return alphas, decays, values


@st.cache_data(max_entries=16, show_spinner=False)
def cached_decay_search(s: Settings, strategy: str, budget: int, alpha_range, decay_range, seed):
    """One (α, λ) search's result (bounded cache)."""
    return _search(s, "weight_decay", strategy, budget, (alpha_range, decay_range), seed)


@st.cache_data(max_entries=SURFACES + 4, show_spinner=False)
def cached_range_test(s: Settings, lr_min: float, lr_max: float, steps: int):
    """The range test for the settings' surface, optimizer and start, in the compiled scan
    of the lab's runs where theirs is the longer (``lab_bucket``), so that the page
    compiles one trajectory program, not two."""
    return lr_range_test(
        _surface(s),
        s.optimizer,
        start=s.start,
        lr_min=lr_min,
        lr_max=lr_max,
        steps=steps,
        bucket=lab_bucket(s, steps),
        **s.hyper(),
    )


def lab_bucket(s: Settings, steps: int) -> int:
    """The scan length that holds both ``steps`` and the lab's runs of ``s.steps``."""
    return limits.bucket(max(steps, s.steps))


RANGE_TEST = (1e-5, 10.0, 200)
"""The range test's (lr_min, lr_max, steps)."""


def score_calls(s: Settings, space: str, c: dict) -> list[Callable[[], object]]:
    """The cached calls the landscape panel makes for lab settings ``s``
    (``lab_settings``) and lab controls ``c`` searching ``space``, in its order: the
    landscape, then each strategy's search."""
    ranges = (c["alpha_range"], c["second_range"])
    landscape = cached_landscape if space == "k" else cached_decay_landscape
    searched = cached_search if space == "k" else cached_decay_search
    calls = [partial(landscape, s, *ranges, c["side"])]
    return calls + [partial(searched, s, n, c["budget"], *ranges, c["seed"]) for n in STRATEGIES]


def scores(s: Settings, space: str, c: dict) -> tuple:
    """The results of ``score_calls``: (alphas, the second axis's values, the final losses,
    the steps to tolerance or None, each strategy's result)."""
    grid, *found = (call() for call in score_calls(s, space, c))
    alphas, seconds, final, *first = grid
    results = dict(zip(STRATEGIES, found, strict=True))
    return alphas, seconds, final, first[0] if first else None, results
