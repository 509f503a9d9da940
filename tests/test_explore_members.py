"""The chart draws the scene's runs, not their families' members (``explore_chart.compute_chart``):
that is right only while each run that follows a slider is its family's member at the
slider's value bit for bit, in every view that has families (a race's "my α" from
``simulate_many``, each optimizer, the single run; α and k)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from optiviz.devtools.examples import staircase_settings
from optiviz.figures.chart_sliders import nearest_index
from optiviz.scenes import params
from optiviz.scenes.params import MY_ALPHA
from optiviz.ui import explore_chart, family_cache, sliders

FIELDS = ("positions", "losses", "lrs", "grads", "step_lengths")
K = params.k_options()[nearest_index(params.k_options(), 0.05)]
VIEWS = [
    {"mode": "compare", "presets": ("too small", "good", MY_ALPHA), "alpha": 0.87},
    {"mode": "single", "alpha": 1.2, "schedule": "exponential", "k": K},
    {"mode": "optimizers", "compare_optimizers": ("sgd", "momentum", "adam"), "alpha": 0.1},
    {
        "mode": "compare",
        "presets": ("good", MY_ALPHA),
        "alpha": 0.01,
        "schedule": "inverse_time",
        "k": K,
    },
]


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # cached functions called outside a running app
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v['mode']}-{v.get('schedule', '')}")
def test_each_follower_is_its_familys_member_bit_for_bit(view: dict) -> None:
    s = staircase_settings(**view)
    scene = explore_chart.scene_for(s)
    keys = ["alpha", "k"] if "schedule" in view else ["alpha"]
    checked = 0
    for key in keys:
        stops = params.PARAMS[key].options()
        value = s.alpha if key == "alpha" else s.k
        assert value in stops
        lo, hi = sliders._span(s, key)
        for run, optimizer, alpha in sliders.followers(s, key):
            at = alpha if key == "k" else 0.0
            fam = family_cache.family_of(
                family_cache.FamilyKey(sliders._base(s, key), key, optimizer, at, (lo, hi))
            )
            member = fam.member(nearest_index(stops, value) - lo)
            drawn = scene.runs[run].trajectory
            for name in FIELDS:
                np.testing.assert_array_equal(
                    getattr(member, name), getattr(drawn, name), strict=True
                )
            assert member.label == drawn.label
            checked += 1
    assert checked >= len(keys)


def test_the_views_are_on_their_stops() -> None:
    # The test above compares at stops: a value between two stops has no member.
    for view in VIEWS:
        s = staircase_settings(**view)
        assert s.alpha in params.alpha_options() and s.k in params.k_options()
