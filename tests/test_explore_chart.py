"""``optiviz.ui.explore_chart.scene_for``: a view whose runs all follow a slider with families
takes its runs from those families (no run of its own), and is still ``scenes.scene``'s."""

from __future__ import annotations

import logging
from dataclasses import fields

import numpy as np
import pytest

from optiviz import scenes
from optiviz.devtools.examples import staircase_settings
from optiviz.scenes import explore, params
from optiviz.scenes.params import MY_ALPHA
from optiviz.ui import chart_component, explore_chart, family_cache, first_screen, sliders

ALPHAS, KS = params.alpha_options(), params.k_options()
FAMILY_VIEWS = {
    "race, k": {"schedule": "exponential", "k": KS[12]},
    "race with my α elsewhere, k": {"schedule": "inverse_time", "k": KS[20], "alpha": ALPHAS[40]},
    "single, k": {"mode": "single", "schedule": "exponential", "k": KS[5], "alpha": ALPHAS[70]},
    "optimizers, k": {
        "mode": "optimizers",
        "compare_optimizers": ("sgd", "momentum", "adam"),
        "schedule": "exponential",
        "k": KS[9],
        "alpha": ALPHAS[30],
    },
    "single, α": {"mode": "single", "alpha": ALPHAS[64]},
    "optimizers, α": {
        "mode": "optimizers",
        "compare_optimizers": ("sgd", "nesterov"),
        "alpha": ALPHAS[60],
    },
    "my α alone, α": {"presets": (MY_ALPHA,), "alpha": ALPHAS[50]},
    "a longer run, k": {"schedule": "exponential", "k": KS[30], "steps": 700},
    "a race before my α moves, k": {
        "presets": ("too small", "good"),
        "schedule": "exponential",
        "k": KS[2],
    },
}
ENGINE_VIEWS = {
    "k between two stops": {"schedule": "exponential", "k": (KS[3] + KS[4]) / 2},
    "Many seeds": {"mode": "seeds", "n_seeds": 4, "noise": 0.3},
    "a race of presets, α": {"presets": ("too small", "good", MY_ALPHA)},
    "α between two stops": {"mode": "single", "alpha": 0.8},
}


@pytest.fixture(autouse=True)
def _fresh():
    logging.disable(logging.WARNING)  # cached functions called outside a running app
    explore_chart.scene_for.clear()
    yield
    logging.disable(logging.NOTSET)


def _settings(view: dict, start: tuple[float, float]):
    return staircase_settings(**({"start": start} | view))


def _no_engine(monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise AssertionError("the scene ran the engine")

    monkeypatch.setattr(explore, "simulate", refused)
    monkeypatch.setattr(explore, "simulate_many", refused)


def _assert_same(got: scenes.Scene, want: scenes.Scene) -> None:
    assert len(got.runs) == len(want.runs)
    for a, b in zip(got.runs, want.runs, strict=True):
        for f in fields(scenes.Run):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if f.name == "trajectory":
                for g in fields(x):
                    u, v = getattr(x, g.name), getattr(y, g.name)
                    if isinstance(v, np.ndarray):
                        np.testing.assert_array_equal(u, v, strict=True)
                    else:
                        assert u == v, g.name
            elif isinstance(y, np.ndarray):
                np.testing.assert_array_equal(x, y, strict=True)
            else:
                assert x == y, f.name


@pytest.mark.parametrize("view", FAMILY_VIEWS.values(), ids=FAMILY_VIEWS)
def test_a_view_of_followers_is_its_families_members_and_runs_nothing(view, monkeypatch):
    s = _settings(view, (0.41, 0.93))
    want = scenes.scene(s)  # the engine's runs, an independent reference
    key = "k" if "k" in view else "alpha"
    drawn, _ = explore_chart.drawn_settings(s)
    for _, opt, a in sliders.followers(drawn, key):  # the families the chart's slider sends
        lo, hi = sliders._span(s, key)
        at = a if key == "k" else 0.0
        family_cache.family_of(
            request=family_cache.FamilyKey(sliders._base(s, key), key, opt, at, (lo, hi))
        )
    _no_engine(monkeypatch)
    _assert_same(explore_chart.scene_for(s), want)


@pytest.mark.parametrize("view", ENGINE_VIEWS.values(), ids=ENGINE_VIEWS)
def test_a_view_without_members_runs_the_engine_as_before(view, monkeypatch):
    s = _settings(view, (0.37, 0.97))
    assert explore_chart._from_families(s) is None
    _assert_same(explore_chart.scene_for(s), scenes.scene(s))


def test_the_chart_of_a_new_start_computes_each_family_once(monkeypatch) -> None:
    """A start move's chart: the scene takes the k families, then the sliders pack the
    same cached families (no second run of any)."""
    s = _settings(FAMILY_VIEWS["race, k"], (0.29, 1.03))
    real, computed = sliders.family.family, []

    def counted(*args, **kwargs):
        computed.append((args[1], args[2], kwargs["alpha"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(sliders.family, "family", counted)
    explore_chart.compute_chart(s)
    assert len(computed) == len(set(computed))  # the scene's requests are the sliders'
    drawn, _ = explore_chart.drawn_settings(s)
    ks = {("sgd", "k", a) for _, _, a in sliders.followers(drawn, "k")}
    assert set(computed) == {("sgd", "alpha", 0.0)} | ks


def test_a_class_worth_of_other_charts_leaves_a_shared_view_cached(monkeypatch) -> None:
    """The view a surface move lands on is every student's: it stays cached while a class
    of 30 makes 5 s of other moves (15 new charts a second)."""
    computed: list = []

    def compute(s, three_d=False):
        computed.append(s)
        return {"kind": "map", "figure": {"data": [{"x": list(s.start)}], "layout": {}}}

    monkeypatch.setattr(explore_chart, "compute_chart", compute)
    explore_chart.chart_for.clear()
    shared = _settings({"surface": "staircase"}, (0.3, 1.0))
    explore_chart.chart_for(shared)
    for i in range(75):  # the class's other moves before the next student lands on it
        explore_chart.chart_for(_settings({}, (0.5 + 0.01 * i, 0.5)))
    assert len(computed) == 76
    explore_chart.chart_for(shared)
    assert len(computed) == 76


def test_two_runs_with_one_family_share_one_packing(monkeypatch) -> None:
    """At "good"'s rate, "good" and "my α" have one k family: its arrays are packed once
    (``family_cache.arrays``), and each run's family is what packing it for that run alone
    gives (``chart_sliders.family_chart``), but for its ``key``: the same JSON (the cache
    keeps its lists as tuples, ``family_cache.untracked``)."""
    from optiviz.figures import chart_sliders

    s = _settings({"schedule": "exponential", "k": KS[7]}, (0.33, 0.99))
    drawn, _ = explore_chart.drawn_settings(s)
    good = drawn.presets.index("good")
    mine = drawn.presets.index(MY_ALPHA)
    surface = scenes.resolve_surface(s.surface)
    assert surface.lr_presets["good"] == s.alpha  # the default α is "good"'s
    real, packed = chart_sliders.family_arrays, []
    monkeypatch.setattr(chart_sliders, "family_arrays", lambda *a: packed.append(a[0]) or real(*a))
    data = explore_chart.compute_chart(s)
    (k,) = [slider for slider in data["sliders"] if slider["key"] == "k"]
    assert len(packed) == len({id(f) for f in packed}) == 4  # α, and k for 3 rates
    lo, hi = sliders._span(drawn, "k")
    for run in (good, mine):
        (got,) = [f for f in k["families"] if f["run"] == run]
        _, opt, a = sliders.followers(drawn, "k")[run]
        fam = family_cache.family_of(
            family_cache.FamilyKey(sliders._base(drawn, "k"), "k", opt, a, (lo, hi))
        )
        names = [f"{run_name}" for run_name in [got["names"][0]] * len(fam)]
        alone = chart_sliders.family_chart(fam, run, names, surface, got["box"])
        assert first_screen.normal(got) == first_screen.normal(alone | {"key": got["key"]})
    assert [f["names"][0] for f in k["families"] if f["run"] in (good, mine)] == [
        explore.run_names(drawn)[good],
        explore.run_names(drawn)[mine],
    ]


def test_a_cached_chart_holds_no_list_and_sends_the_same_json() -> None:
    """``chart_for`` keeps the chart with tuples where ``compute_chart`` made lists
    (``family_cache.untracked``), so the collector does not walk the ~200 lists of its
    sliders in every pass; the JSON the browser gets is the engine's."""
    s = _settings({"schedule": "exponential", "k": KS[7]}, (0.41, 0.77))
    explore_chart.chart_for.clear()
    cached = explore_chart.chart_for(s)

    def lists(value) -> int:
        if isinstance(value, dict):
            return sum(lists(v) for v in value.values())
        if isinstance(value, list | tuple):
            return isinstance(value, list) + sum(lists(v) for v in value)
        return 0

    computed = explore_chart.compute_chart(s)
    assert lists(computed) > 150 and lists(cached) == 0
    token = {chart_component.TOKEN: cached[chart_component.TOKEN]}
    assert first_screen.normal(cached) == first_screen.normal(computed | token)
