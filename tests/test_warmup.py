"""The warm-up's heap freeze: old objects leave the collector's walk, new garbage is still freed."""

from __future__ import annotations

import gc
import weakref

from optiviz.ui import warmup


class _Node:
    pass


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_freeze_heap_freezes_survivors_and_collects_later_cycles():
    survivor = _Node()
    try:
        frozen = warmup.freeze_heap()
        assert frozen == gc.get_freeze_count() > 1000
        assert not any(o is survivor for o in gc.get_objects(generation=2))
        garbage = _cycle()
        assert garbage() is not None
        gc.collect()
        assert garbage() is None, "a cycle made after the freeze must still be collected"
    finally:
        gc.unfreeze()


def test_freeze_heap_first_collects_what_is_already_garbage():
    gc.disable()
    try:
        garbage = _cycle()
        warmup.freeze_heap()
        assert garbage() is None, "garbage frozen before a collection would leak for good"
    finally:
        gc.unfreeze()
        gc.enable()


def test_warm_up_freezes_only_when_switched_on(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "NEXT", ())
    monkeypatch.setattr(warmup, "freeze_heap", lambda: calls.append(1) or 0)
    monkeypatch.setattr(warmup, "FREEZE", True)
    warmup._compile_next()
    assert calls == [1]
    monkeypatch.setattr(warmup, "FREEZE", False)
    warmup._compile_next()
    assert calls == [1]
