"""The explore view's scenes and chart data, cached for every session on the server.

``scene_for`` is the scene of a ``Settings`` (a race's "my α" from a scene of its own),
``chart_for`` the chart component's data for it (``compute_chart``, or the shipped first
screen), both keyed by ``settings_key``; ``PLOT_CONFIG`` is the Plotly config every chart
of the app is drawn with."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from optiviz import scenes
from optiviz.core import schedules
from optiviz.figures import chart_data
from optiviz.scenes import grids, params
from optiviz.scenes.params import MY_ALPHA
from optiviz.scenes.settings import Settings
from optiviz.ui import chart_component, first_screen, sliders
from optiviz.ui.family_cache import untracked

PLOT_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "filename": "optiviz"},
}


def settings_key(s: Settings) -> str:
    """The cache key of ``s``: its ``repr``, which spells every field exactly (floats
    round-trip, strings quoted, True apart from 1), so two different settings never
    share a cache entry. Streamlit's own hashing walks the dataclass field by field,
    about 1.5 ms a call, four calls a run."""
    return repr(s)


HASH_FUNCS = {Settings: settings_key}
"""``hash_funcs`` of every cached function that takes ``Settings``."""


SCENES = 384
"""Scenes kept: three for each of a class of 100 on one server (a race's other rates, its
"my α", the race), so that an α move finds the rates that do not depend on it."""


@st.cache_resource(max_entries=SCENES, show_spinner=False, hash_funcs=HASH_FUNCS)
def scene_for(s: Settings) -> scenes.Scene:
    """The scene for the settings (bounded cache: moving back to a value costs nothing).
    Where every run follows a slider that has families, its runs are those families'
    members (``_from_families``: the engine runs nothing of its own); else a race with
    "my α" and other rates is put together from two cached scenes (``_race_scene``), so
    that releasing α runs "my α" alone."""
    return _from_families(s) or _race_scene(s) or scenes.scene(s)


def _from_families(s: Settings) -> scenes.Scene | None:
    """``scenes.scene(s)`` with each run taken from the family the chart's slider sends
    for it (``sliders``' cached families, the same requests, so the chart then finds
    them): the k family of each run where the schedule reads k, else the α family where
    every run follows α (a single run, each optimizer, a race of "my α" alone). A member
    is ``simulate``'s run bit for bit (``optiviz.scenes.family``), so the scene is
    ``scenes.scene(s)``'s. None where a run follows no slider with families, the value
    lies between two stops (it has no member), or in Many seeds and on data surfaces
    (no families in the top view)."""
    if s.mode == "seeds":
        return None
    key = "k" if s.schedule in schedules.USES_K else "alpha"
    drawn, latent = drawn_settings(s)  # a race without "my α": the drawn race's other runs
    followers = [f for f in sliders.followers(drawn, key) if f[0] != latent]
    if len(followers) != len(scenes.run_names(s)):
        return None
    stops, value = params.PARAMS[key].options(), s.k if key == "k" else s.alpha
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    if value not in stops or surface.n_samples is not None:
        return None
    members = [m for run, m in sliders.members_at(drawn, key).items() if run != latent]
    return scenes.scene_of(s, members)


def _race_scene(s: Settings) -> scenes.Scene | None:
    """Compare learning rates with "my α" among other rates: the scene of the others
    (which do not depend on α, so it is cached at α = 0 for every α) with "my α"'s run
    from a scene of its own, in the race's order. The runs are ``scenes.scene(s)``'s: a
    run of ``simulate_many`` is ``simulate``'s wherever it sits, and each run's line and
    data are its own. None for any other view."""
    if s.mode != "compare" or MY_ALPHA not in s.presets or len(s.presets) < 2:
        return None
    others = tuple(p for p in s.presets if p != MY_ALPHA)
    fixed = scene_for(replace(s, presets=others, alpha=0.0))
    (mine,) = scene_for(replace(s, presets=(MY_ALPHA,))).runs
    rest = iter(fixed.runs)
    return replace(fixed, runs=tuple(mine if p == MY_ALPHA else next(rest) for p in s.presets))


def drawn_settings(s: Settings) -> tuple[Settings, int | None]:
    """The settings the chart draws, and the index of its latent run: in Compare learning
    rates "my α" always has its traces (hidden until α's slider moves, when it starts to
    race), so the thumb has a run to move."""
    if s.mode == "compare" and MY_ALPHA not in s.presets:
        return replace(s, presets=(*s.presets, MY_ALPHA)), len(s.presets)
    return s, None


CHARTS = 192
"""Charts kept (about 110 kB each beyond the packed families they share with
``sliders``' cache): a class of 30 on one server makes about 15 new charts a second, and
the view a surface move lands on (that surface at its defaults) is every student's; with
48 it had left the cache after 3 s, and each student's move built it again (about 45 ms
of server CPU)."""


@st.cache_resource(max_entries=CHARTS, show_spinner=False, hash_funcs=HASH_FUNCS)
def chart_for(s: Settings, three_d: bool = False) -> dict:
    """The chart component's data for the settings (:func:`compute_chart`); the default
    page's is shipped (``first_screen``, proven equal), so a new server draws it at once.
    Checked once to be strict JSON, with its digest as its ``chart_component.TOKEN``
    (``chart_component.digest``), and shared by every session as it is (a resource: a hit
    is not unpickled again), so nothing downstream may change it: ``sliders.by_reference``
    and ``chart_component.chart`` build new dicts. Its lists are tuples
    (``family_cache.untracked``: the same JSON, which the collector does not walk; a
    chart holds about 200 lists beyond its families, most of them a stop's verdict and
    loss)."""
    data = first_screen.lookup(s, three_d) or compute_chart(s, three_d)
    return untracked(data | {chart_component.TOKEN: chart_component.digest(data)})


def compute_chart(s: Settings, three_d: bool = False) -> dict:
    """The chart component's data for the settings, from the engine: the top view, or the
    3-D view, with the sliders of α and k (``sliders.sliders``). The runs drawn are the
    scene's, which are their families' members at α and k bit for bit (the same compiled
    program, ``optiviz.scenes.family``), so the view a drag lands on and the view the page
    then sends are the same numbers, and no family is needed to draw the view."""
    drawn, latent = drawn_settings(s)
    scene = scene_for(drawn)
    if three_d:  # the box is the 3-D axes': the surface's bounds
        data = chart_data.surface_chart(scene, grids.surface_grid(scene.surface, 61), latent)
        box = [list(b) for b in scene.surface.bounds]
        return data | {"sliders": sliders.sliders(drawn, scene, box, three_d=True)}
    follows = tuple(i for i, _, _ in sliders.followers(drawn, "alpha"))
    grid = grids.surface_grid(scene.surface, 161)
    data = chart_data.map_chart(scene, grid, follows=follows, latent=latent)
    box = chart_data.map_box(data["figure"]["layout"])
    return data | {"sliders": sliders.sliders(drawn, scene, box)}
