"""A chart slider let go at a stop its families drew: the answer that keeps the payload.

The browser already draws the member the thumb was let go at, which is what a new payload
would draw. What went stale are the other slider's families, computed at this slider's old
value (a k family at the old α, an α family at the old k): :func:`answer` sends those
alone, with a keep of the payload (``chart_component.kept``); nothing else is computed (no
scene, no figure, no other family), and the message is one family where the payload is
~225 kB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from optiviz import scenes
from optiviz.figures import chart_data
from optiviz.scenes import params
from optiviz.scenes.explore import run_names
from optiviz.scenes.settings import Settings
from optiviz.ui import chart_component, sliders
from optiviz.ui.explore_chart import drawn_settings
from optiviz.ui.family_cache import untracked


def holds(data: dict, before: Settings, now: Settings, key: str, value: float) -> bool:
    """Whether chart ``data``, drawn for ``before``, draws ``now`` once the browser has
    swapped in the member the thumb was let go at: ``now`` is ``before`` with slider
    ``key`` (α or k) at ``value`` as the chart draws them (``drawn_settings``: "my α"
    among the race, latent before α moves), a stop of its own grid inside its families'
    window (which also holds the payload's own run, where that lies between two stops)."""
    if key not in sliders.KEYS or value != _value(now, key):
        return False
    (was, _), (drawn, _) = drawn_settings(before), drawn_settings(now)
    if repr(replace(drawn, **{key: _value(was, key)})) != repr(was):
        return False  # the first α move's "my α" joins the race: it was drawn already
    shown = {slider["key"]: slider for slider in data.get("sliders", [])}
    moved = shown.get(key)
    if moved is None or not moved["families"] or value not in _options(key):
        return False
    # Its stops are the grid's, and the payload's own value where that lies between two.
    return moved["first"] <= moved["stops"].index(value) < moved["first"] + moved["count"]


def answer(
    data: dict, before: Settings, now: Settings, key: str, value: float, sent: Callable
) -> dict | None:
    """What the chart is sent for slider ``key`` let go at ``value`` where payload ``data``
    (drawn for ``before``; ``now`` after the release) holds it (:func:`holds`), or None
    where it does not (the view is then sent anew). A view whose other slider has no
    families gets the keep alone; else the keep with that slider at ``now``
    (``sliders.slider`` over the same stops, its families the browser was sent before by
    reference: ``sent``, ``state.sent_before``); the same, with no slider, where "my α"
    joins the race (the first α move: the chart drew its latent run, the payload it then
    holds draws it as a run of the race) or the payload's slider holds its own value
    between two stops (the payload then held is no longer at that value). Where the other
    slider stands between two stops, its families hold the view's own runs there, which
    are this slider's members at ``value`` (``_runs``). The sliders sent are kept in the
    session's record of the payload, their lists as tuples (``family_cache.untracked``)."""
    if not holds(data, before, now, key, value):
        return None
    stale = [s for s in data["sliders"] if s["key"] != key and s["families"]]
    joins = drawn_settings(before)[1] is not None and drawn_settings(now)[1] is None
    grid = list(next(s for s in data["sliders"] if s["key"] == key)["stops"]) == _options(key)
    if not stale and not joins and grid:
        return chart_component.kept(data, key, value)
    drawn, _ = drawn_settings(now)
    surface = scenes.resolve_surface(now.surface, now.formula, now.degree)
    box = chart_data.map_box(data["figure"]["layout"])
    names = run_names(drawn)
    fresh = []
    for other in (s["key"] for s in stale):
        exact = None
        if _value(now, other) not in _options(other):  # its families hold the view's runs
            exact = _runs(drawn, key, other, len(names))
            if exact is None:
                return None
        fresh.append(untracked(sliders.slider(drawn, other, box, "", surface, names, exact)))
    update = sliders.by_reference({"sliders": fresh}, sent)["sliders"]
    return chart_component.kept(data, key, value, update)


def _options(key: str) -> list[float]:
    return params.PARAMS[key].options()


def _value(s: Settings, key: str) -> float:
    return s.alpha if key == "alpha" else s.k


def _runs(drawn: Settings, key: str, other: str, count: int) -> list | None:
    """The view's runs that slider ``other`` follows, at index, as slider ``key``'s family
    members at ``drawn``'s stop (``sliders.members_at``; None elsewhere), or None where a
    run follows ``other`` but not ``key``."""
    members = sliders.members_at(drawn, key)
    if not {run for run, _, _ in sliders.followers(drawn, other)} <= set(members):
        return None
    return [members.get(i) for i in range(count)]
