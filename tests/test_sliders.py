"""``optiviz.ui.sliders``: what a settled view's sliders leave for the next move."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from optiviz.devtools.examples import staircase_settings
from optiviz.figures.chart_sliders import nearest_index
from optiviz.scenes import family, params
from optiviz.ui import explore_chart, sliders


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # cached functions called outside a running app
    sliders._family.clear()
    sliders._packed.clear()
    yield
    logging.disable(logging.NOTSET)


def _sliders(s) -> list[dict]:
    drawn, _ = explore_chart.drawn_settings(s)
    scene = explore_chart.scene_for(drawn)
    return sliders.sliders(drawn, scene, [list(b) for b in scene.surface.bounds])


def test_alphas_first_move_to_a_stop_finds_its_family_packed(monkeypatch) -> None:
    """A view at an α between two stops packs its α family with that run inserted, and
    the family without it too: α's first move lands on a stop and sends that one, which a
    class's moves have long pushed out of the families' cache, with no run computed
    again, and the same family as one packed from scratch."""
    stops = params.alpha_options()
    s = staircase_settings(mode="single", alpha=0.8)
    assert s.alpha not in stops
    _sliders(s)
    sliders._family.clear()  # a class of 100 holds more families than the cache
    computed = []
    real = family.family
    monkeypatch.setattr(family, "family", lambda *a, **k: computed.append(a[2]) or real(*a, **k))
    moved = replace(s, alpha=stops[nearest_index(stops, s.alpha) + 1])
    (alpha,) = _sliders(moved)
    assert computed == []
    sliders._family.clear()
    sliders._packed.clear()
    (fresh,) = _sliders(moved)
    assert computed == ["alpha"]
    assert alpha["families"] == fresh["families"]
