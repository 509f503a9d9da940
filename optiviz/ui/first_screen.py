"""The first screen, shipped: the chart's data of the default page, so the first visitor of
a new server sees the paths, verdicts and chips before any XLA program has compiled.

``scripts/first_screen.py`` writes ``assets/first_screen.json`` from the engine's own output
(``explore_chart.compute_chart`` for the settings the default page asks for), and
``tests/test_first_screen.py`` recomputes it and compares the two exactly. The server
checks it once more on its own machine: the boot compile computes the same data
(:func:`verify`) and drops the snapshot if one number differs. It is served only for
the exact settings it was made from (:func:`lookup`): any other settings, or a moved
slider, go to the engine as before.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import threading
from dataclasses import dataclass

from optiviz import resources
from optiviz.scenes.settings import Settings

NAME = "first_screen.json"
"""The snapshot's file in ``assets/`` (``optiviz.resources.asset_path``)."""
ENABLED = os.environ.get("OPTIVIZ_SNAPSHOT", "1") != "0"
"""``OPTIVIZ_SNAPSHOT=0`` computes the first screen like any other page."""

log = logging.getLogger("optiviz")


@dataclass(frozen=True)
class Snapshot:
    """The chart's ``data`` (as JSON reads it back) for ``settings`` and ``three_d``."""

    settings: Settings
    three_d: bool
    data: dict


def normal(data: dict) -> dict:
    """``data`` as the browser receives it: through strict JSON (tuples become lists)."""
    return json.loads(json.dumps(data, allow_nan=False))


def encode(settings: Settings, three_d: bool, data: dict) -> str:
    """The snapshot file's text: the settings' fields, the view and the chart's data."""
    snapshot = {"settings": dataclasses.asdict(settings), "three_d": three_d, "data": data}
    return json.dumps(snapshot, allow_nan=False, separators=(",", ":"), sort_keys=True) + "\n"


def decode(text: str) -> Snapshot:
    """The :class:`Snapshot` a file's ``text`` holds (lists back to the settings' tuples)."""
    raw = json.loads(text)
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in raw["settings"].items()}
    return Snapshot(Settings(**fields), bool(raw["three_d"]), raw["data"])


@functools.cache
def load() -> Snapshot | None:
    """The shipped snapshot, or None when the package has none."""
    try:
        return decode(resources.read_asset(NAME))
    except FileNotFoundError:
        return None


_DROPPED = threading.Event()
"""Set once :func:`verify` found the engine disagreeing with the snapshot."""


def shipped() -> Snapshot | None:
    """The snapshot the page may serve: None when there is none, it is switched off
    (``OPTIVIZ_SNAPSHOT=0``) or it was dropped (:func:`verify`)."""
    return load() if ENABLED and not _DROPPED.is_set() else None


def _requested(snapshot: Snapshot | None, s: Settings, three_d: bool) -> bool:
    """Whether ``(s, three_d)`` is exactly the snapshot's request (``repr`` spells every
    field)."""
    return (
        snapshot is not None
        and snapshot.three_d == three_d
        and (repr(snapshot.settings) == repr(s))
    )


def matches(s: Settings, three_d: bool) -> bool:
    """Whether :func:`lookup` serves ``(s, three_d)``, without reading the data out."""
    return _requested(shipped(), s, three_d)


def lookup(s: Settings, three_d: bool) -> dict | None:
    """The shipped chart data when ``(s, three_d)`` is exactly the snapshot's request,
    else None."""
    snapshot = shipped()
    return normal(snapshot.data) if _requested(snapshot, s, three_d) else None


def verify(data: dict) -> bool:
    """Whether ``data``, the engine's chart data for the snapshot's request, equals the
    snapshot exactly; if not, the snapshot is dropped for the rest of the process."""
    snapshot = load()
    same = snapshot is not None and normal(data) == snapshot.data
    if snapshot is not None and not same:
        _DROPPED.set()
        log.error("the shipped first screen differs from the engine's here: dropped")
    return same
