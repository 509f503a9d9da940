"""``optiviz.ui.family_cache``: the packed families, kept out of the garbage collector's way."""

from __future__ import annotations

import gc
import json
import logging

import pytest

from optiviz.devtools.examples import staircase_settings
from optiviz.scenes import params
from optiviz.ui import explore_chart, family_cache, sliders


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # cached functions called outside a running app
    yield
    logging.disable(logging.NOTSET)


def _containers(value) -> list:
    """Every list, tuple and dict in ``value``, ``value`` included."""
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list | tuple):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def test_a_packed_family_holds_no_list_and_nothing_the_collector_walks() -> None:
    """A cached family (its α family at a k of exponential decay, whose members leave the
    map and diverge, so its exits and notes are full) has tuples where the packing made
    lists, so after a full collection CPython tracks none of its containers but the few
    dicts that hold them; its JSON is the packing's."""
    alphas, ks = params.alpha_options(), params.k_options()
    s = staircase_settings(mode="single", alpha=alphas[70], schedule="exponential", k=ks[10])
    drawn, _ = explore_chart.drawn_settings(s)
    scene = explore_chart.scene_for(drawn)
    box = [list(b) for b in scene.surface.bounds]
    (alpha, _k) = sliders.sliders(drawn, scene, box)
    (fam,) = alpha["families"]
    inside = _containers(fam)
    assert len(inside) > 50 and not [c for c in inside if isinstance(c, list)]
    assert any(e is not None for e in fam["exit"]) and len(fam["label"]) == len(alphas)
    gc.collect()
    gc.collect()
    tracked = [c for c in inside if gc.is_tracked(c)]
    assert all(isinstance(c, dict) for c in tracked) and len(tracked) <= 8, tracked[:3]
    plain = family_cache.member_names("α=", alphas)
    assert json.loads(json.dumps(fam))["names"] == plain


def test_untracked_keeps_the_json() -> None:
    """``untracked`` turns lists into tuples, at every depth, and nothing else; a tuple
    (one it made) is kept as it is, not walked again."""
    made = (5, (6,))
    value = {"a": [1, [2.5, None, "x"], {"b": [True]}], "c": made}
    out = family_cache.untracked(value)
    assert out == {"a": (1, (2.5, None, "x"), {"b": (True,)}), "c": (5, (6,))}
    assert out["c"] is made and json.dumps(out) == json.dumps(value)
