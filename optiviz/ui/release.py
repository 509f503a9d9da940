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


def holds(data: dict, before: Settings, now: Settings, key: str, value: float) -> bool:
    """Whether chart ``data``, drawn for ``before``, draws ``now`` once the browser has
    swapped in the member the thumb was let go at: ``now`` is ``before`` with slider
    ``key`` (α or k) at ``value``, a stop of its own grid (no run between two stops among
    them) inside its families' window."""
    field = "alpha" if key == "alpha" else "k"
    if key not in sliders.KEYS or value != getattr(now, field):
        return False
    if repr(replace(now, **{field: getattr(before, field)})) != repr(before):
        return False
    shown = {slider["key"]: slider for slider in data.get("sliders", [])}
    moved, stops = shown.get(key), params.PARAMS[key].options()
    if moved is None or not moved["families"] or moved["stops"] != stops or value not in stops:
        return False
    return moved["first"] <= stops.index(value) < moved["first"] + moved["count"]


def answer(
    data: dict, before: Settings, now: Settings, key: str, value: float, sent: Callable
) -> dict | None:
    """What the chart is sent for slider ``key`` let go at ``value`` where payload ``data``
    (drawn for ``before``; ``now`` after the release) holds it (:func:`holds`), or None
    where it does not (the view is then sent anew). A view whose other slider has no
    families gets the keep alone; else the keep with that slider at ``now``
    (``sliders.slider`` over the same stops, its families the browser was sent before by
    reference: ``sent``, ``state.sent_before``). None too where that slider stands between
    two stops (its families hold the view's run, which a scene would have to give) or the
    race has a latent run."""
    if not holds(data, before, now, key, value):
        return None
    stale = [s for s in data["sliders"] if s["key"] != key and s["families"]]
    if not stale:
        return chart_component.kept(data, key, value)
    drawn, latent = drawn_settings(now)
    if latent is not None or any(s["stops"] != params.PARAMS[s["key"]].options() for s in stale):
        return None
    surface = scenes.resolve_surface(now.surface, now.formula, now.degree)
    box = chart_data.map_box(data["figure"]["layout"])
    names = run_names(drawn)
    fresh = [sliders.slider(drawn, s["key"], box, "", surface, names) for s in stale]
    update = sliders.by_reference({"sliders": fresh}, sent)["sliders"]
    return chart_component.kept(data, key, value, update)
