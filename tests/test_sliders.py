"""``optiviz.ui.sliders``: what a settled view's sliders leave for the next move."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import streamlit as st

from optiviz.devtools.examples import staircase_settings
from optiviz.scenes import family, params
from optiviz.ui import explore_chart, sliders


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # cached functions called outside a running app
    _clear()
    yield
    logging.disable(logging.NOTSET)


def _clear() -> None:
    """Every cache a family can come from: the families, their shared and packed arrays,
    and the charts and scenes (whose runs are the families' members)."""
    st.cache_resource.clear()
    st.cache_data.clear()


def _sliders(s) -> list[dict]:
    drawn, _ = explore_chart.drawn_settings(s)
    scene = explore_chart.scene_for(drawn)
    return sliders.sliders(drawn, scene, [list(b) for b in scene.surface.bounds])


def _computed(monkeypatch) -> list[str]:
    """The parameters of the families computed from now on, in order."""
    computed: list[str] = []
    real = family.family
    monkeypatch.setattr(family, "family", lambda *a, **k: computed.append(a[2]) or real(*a, **k))
    return computed


def test_a_move_computes_only_the_family_it_changes(monkeypatch) -> None:
    """The families' caches are keyed by what each family depends on (``FamilyKey``): α's
    family holds every α, so an α move computes only the k family at the new α; the k
    family holds every k, so a k move computes only the α family at the new k; the view
    drawn again computes nothing, and each family sent is the one packed from scratch."""
    alphas, ks = params.alpha_options(), params.k_options()
    s = staircase_settings(mode="single", alpha=alphas[70], schedule="exponential", k=ks[10])
    _sliders(s)
    computed = _computed(monkeypatch)
    _sliders(s)
    assert computed == []
    moved_alpha = _sliders(replace(s, alpha=alphas[71]))
    assert computed == ["k"]
    _sliders(replace(s, k=ks[11]))
    assert computed == ["k", "alpha"]
    _clear()
    assert _sliders(replace(s, alpha=alphas[71])) == moved_alpha
