"""The α and k families the chart's sliders send, computed and packed once per server.

``family_of`` runs a family (``optiviz.scenes.family``) for a ``FamilyKey``; ``packed``
is its members packed for one run of the view (``chart_sliders.for_run``) under a
``PackedKey``, whose digest is the browser's key for it; ``arrays`` is the packing that
runs with one family share. The caches are resources: every session's chart shares an
entry as it is (no copy per hit), and nothing changes it. Which runs follow a slider, and
at which stops, is ``ui.sliders``'.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import streamlit as st

from optiviz import scenes
from optiviz.core.dynamics import Trajectory
from optiviz.figures import chart_sliders
from optiviz.scenes import family, params
from optiviz.scenes.settings import Settings


def member_names(naming: str, stops: list[float]) -> list[str]:
    """Each member's run name: "my α=0.87" and "α=0.87" follow α; other names stay."""
    if naming.endswith("="):
        return [f"{naming}{v:g}" for v in stops]
    return [naming] * len(stops)


@dataclass(frozen=True)
class FamilyKey:
    """What a family depends on: the settings as its cache sees them (``sliders._base``), the
    slider ``key``, the run's optimizer and α, and the stops ``at`` (a slice's start and
    stop). Its cache hashes ``digest``, one short string, rather than walking the fields."""

    s: Settings
    key: str
    optimizer: str
    alpha: float
    at: tuple[int, int]

    @cached_property
    def digest(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class PackedKey:
    """What a packed family depends on: its ``FamilyKey``, the view's run ``run`` it
    follows, how its members are named, the view's ``box`` and ``exact`` (the view's own
    run at an α between two stops, or None), which its α names (``exact.alpha``: the
    view's settings and that α make that run)."""

    family: FamilyKey
    run: int
    naming: str
    box: tuple
    exact: Trajectory | None = field(default=None, compare=False)

    @cached_property
    def digest(self) -> str:
        """The browser's key for this family: the same for the same members only."""
        f, value = self.family, None if self.exact is None else self.exact.alpha
        fields = (f.s, f.key, f.optimizer, f.alpha, self.run, self.naming, self.box, f.at, value)
        return hashlib.sha1(repr(fields).encode()).hexdigest()[:20]


def _digest(key: FamilyKey | PackedKey) -> str:
    return key.digest


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={FamilyKey: _digest})
def family_of(request: FamilyKey) -> family.Family:
    """The family of ``request.s`` (its α, k and race normalised by the caller:
    ``sliders._base``) over the stops ``request.at`` of slider ``request.key``, at
    ``request.alpha``."""
    s, key, at = request.s, request.key, request.at
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    stops = params.PARAMS[key].options()[at[0] : at[1]]
    kwargs = s.run_kwargs(request.optimizer)
    if key == "k":
        kwargs.pop("k")
    return family.family(
        surface, request.optimizer, key, stops, alpha=request.alpha, first=at[0], **kwargs
    )


PACKED_ENTRIES = 640
"""Packed families kept (about 30-150 kB each): a class of 100 on one server, each
settled view holding its α family and a k family per race run, so that a student's next
move finds them; with fewer, every move of a full class packed them again."""


@st.cache_resource(max_entries=PACKED_ENTRIES, show_spinner=False, hash_funcs={PackedKey: _digest})
def packed(request: PackedKey) -> dict:
    """``family_of``'s members packed for run ``request.run``
    (``chart_sliders.family_chart``), with ``key``: ``request.digest``, by which a
    browser that holds it already is sent a reference instead (``sliders.by_reference``).
    ``request.exact``: the view's own run at an α between two stops, inserted among the
    members in its place (``shown_stops``), so the member at the slider's current value is
    that run, exactly. A resource: every chart that holds it shares it as it is (no copy
    per hit), and nothing changes it. The arrays are :func:`arrays`', shared by the runs
    that have the same family; the names a tuple (``untracked``)."""
    stops, _ = _stops(request)
    shared = arrays(request=replace(request, run=0, naming=""))
    names = tuple(member_names(request.naming, stops))
    return chart_sliders.for_run(shared, request.run, names) | {"key": request.digest}


def _stops(request: PackedKey) -> tuple[list[float], int | None]:
    """The stops ``request``'s members stand for, and where ``request.exact`` is
    inserted among them (None: not)."""
    key, at, exact = request.family.key, request.family.at, request.exact
    stops = params.PARAMS[key].options()[at[0] : at[1]]
    if exact is None:
        return stops, None
    i = int(np.searchsorted(stops, exact.alpha))
    return [*stops[:i], exact.alpha, *stops[i:]], i


@st.cache_resource(max_entries=PACKED_ENTRIES, show_spinner=False, hash_funcs={PackedKey: _digest})
def arrays(request: PackedKey) -> dict:
    """``chart_sliders.family_arrays`` of ``request``'s family (``request.exact``
    inserted), for every run that has that family: at "good"'s rate, "good" and "my α"
    have one k family, which was packed twice (a fifth of a start move's packing). The
    caller passes run 0 and no naming, which the arrays do not read. Its lists are
    tuples (``untracked``)."""
    s, exact = request.family.s, request.exact
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    fam = family_of(request=request.family)
    _, i = _stops(request)
    if exact is not None:
        fam = fam.inserted(i, exact.alpha, exact)
    return untracked(chart_sliders.family_arrays(fam, surface, [list(b) for b in request.box]))


def untracked(value):
    """``value`` with each list a tuple: the same JSON, and out of the garbage collector's
    way. CPython stops tracking a tuple (and a dict) that holds only atoms, where a list
    is walked in every collection that reaches its generation; a packed family has about
    60 lists of 1,200 items, kept for minutes, and a full collection of a server holding
    30 students' families walked some 125,000 list items (37 ms, once every few dozen
    moves). A tuple is taken as it is (one made here: a cached family inside a chart)."""
    if isinstance(value, list):
        return tuple(untracked(v) for v in value)
    if isinstance(value, dict):
        return {k: untracked(v) for k, v in value.items()}
    return value
