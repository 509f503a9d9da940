"""The chart's α and k sliders: which runs follow each, and their families, packed.

A settled view sends, per slider, the runs that follow it at every stop it can reach
(``optiviz.scenes.family``), so the browser swaps them in while the thumb moves and sends the
value only when it is let go. The families are cached apart from α (and the k family
apart from k): releasing the thumb at a new α reuses the α family it was drawn from
(``ui.family_cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import optiviz
from optiviz import scenes
from optiviz.core import schedules
from optiviz.core.dynamics import Trajectory
from optiviz.figures import chart_sliders
from optiviz.scenes import family, params
from optiviz.scenes.params import MY_ALPHA
from optiviz.scenes.settings import Settings
from optiviz.ui.family_cache import FamilyKey, PackedKey, family_of, packed

KEYS = ("alpha", "k")
"""The chart's sliders, by their keys (and URL names) in ``params.PARAMS``."""

SEEDS_NOTE = (
    "In Many seeds the paths follow when you let go: a family would cost every seed's "
    "run at every stop."
)
DATA_NOTE = (
    "On a data surface the paths follow when you let go: every stop's model curves would "
    "not fit in the page."
)
WINDOW_NOTE = (
    "At {steps} steps the paths follow the thumb over the {count} stops around the value "
    "shown; beyond them, when you let go."
)
FULL_NOTE = "The paths follow the thumb; the page catches up when you let go."


def followers(s: Settings, key: str) -> list[tuple[int, str, float]]:
    """(run index, optimizer, α) of each run that follows slider ``key`` in the drawn
    settings ``s`` ("my α" in Compare learning rates, which every race run follows for
    k; each optimizer; the single run); none in Many seeds."""
    if s.mode == "compare":
        mine = s.presets.index(MY_ALPHA)
        if key == "alpha":
            return [(mine, s.optimizer, s.alpha)]
        surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
        rates = [s.alpha if p == MY_ALPHA else surface.lr_presets[p] for p in s.presets]
        return [(i, s.optimizer, a) for i, a in enumerate(rates)]
    if s.mode == "optimizers":
        return [(i, name, s.alpha) for i, name in enumerate(s.compare_optimizers)]
    if s.mode == "single":
        return [(0, s.optimizer, s.alpha)]
    return []


def _why_not(s: Settings, surface, three_d: bool) -> str:
    """Why a view gets no family (empty: it gets one); the 3-D view draws no model
    curves, so a data surface's gets one."""
    if s.mode == "seeds":
        return SEEDS_NOTE
    if surface.n_samples is not None and not three_d:
        return DATA_NOTE
    return ""


def _naming(s: Settings, names: list[str], key: str, run: int) -> str:
    """How the members of run ``run``'s family are named: "my α=" and "α=" are followed
    by each stop's α (``family_cache.member_names``); any other name is every member's
    (the run's own, of the view's ``names``)."""
    if key == "alpha" and s.mode == "compare":
        return f"{MY_ALPHA}="
    if key == "alpha" and s.mode == "single":
        return "α="
    return names[run]


def by_reference(data: dict, sent: Callable[[str], bool]) -> dict:
    """The chart's ``data`` with each family the browser was sent before in this session
    (``sent(key)`` is true) as ``{"ref": key, "run": ...}``: an α released at a new stop
    sends its view again, but not the α family it was drawn from (the chart keeps the
    families it unpacked, by key)."""
    out = []
    for slider in data.get("sliders", []):
        families = [
            {"ref": f["key"], "run": f["run"]} if sent(f["key"]) else f for f in slider["families"]
        ]
        out.append(slider | {"families": families})
    return data | {"sliders": out}


def members_at(s: Settings, key: str) -> dict[int, Trajectory]:
    """Each run of ``s`` that follows slider ``key``, by run index, as its ``key``
    family's member at ``s``'s own stop of ``key`` (a family's members are the scene's
    runs bit for bit: the same compiled program), from the cached families."""
    lo, hi = _span(s, key)
    j = params.PARAMS[key].options().index(s.alpha if key == "alpha" else s.k) - lo
    return {
        run: family_of(
            request=FamilyKey(_base(s, key), key, opt, a if key == "k" else 0.0, (lo, hi))
        ).member(j)
        for run, opt, a in followers(s, key)
    }


def _base(s: Settings, key: str) -> Settings:
    """``s`` as its ``key`` family's cache sees it: without α, the race (and k)."""
    return replace(s, alpha=0.0, presets=(), **({"k": 0.0} if key == "k" else {}))


def _span(s: Settings, key: str) -> tuple[int, int]:
    stops = params.PARAMS[key].options()
    value = s.alpha if key == "alpha" else s.k
    at = family.window(len(stops), chart_sliders.nearest_index(stops, value), s.steps)
    return at.start, at.stop


def critical(s: Settings) -> float | None:
    """``optiviz.critical_alpha`` of the settings' optimizer at the surface's minimum
    (None where it has none, or the rule has no such line)."""
    return _critical(line=(s.surface, s.formula, s.degree, s.optimizer, s.momentum, s.weight_decay))


@lru_cache(maxsize=64)
def _critical(line: tuple) -> float | None:
    """``critical`` for ``line``: what the line depends on, not the whole settings (a
    start or α of its own for every student would miss). A float of a few immutable
    values: an ``lru_cache`` hit costs nothing, where ``st.cache_data`` hashed the line
    and unpickled the float on every α slider the server built."""
    name, formula, degree, optimizer, momentum, weight_decay = line
    surface = scenes.resolve_surface(name, formula, degree)
    try:
        return optiviz.critical_alpha(
            surface, optimizer, momentum=momentum, weight_decay=weight_decay
        )
    except ValueError:
        return None


def _slider(s: Settings, scene: scenes.Scene, key: str, box, note: str) -> dict:
    names = [run.name for run in scene.runs]
    exact = [run.trajectory for run in scene.runs]
    return slider(s, key, box, note, scene.surface, names, exact)


def slider(
    s: Settings,
    key: str,
    box,
    note: str,
    surface,
    names: list[str],
    exact: list[Trajectory] | None = None,
) -> dict:
    """Slider ``key`` of the chart drawn for ``s`` (its view's ``box``, ``surface`` and
    run ``names``), with its families (none, and ``note`` saying why, where ``note`` is
    given); ``exact``: the view's runs, which an α or k between two stops inserts among
    the members (``PackedKey.exact``), needed only then. α's carries ``critical_alpha``
    where the surface has one."""
    out = _track(s, key, box, note, surface, names, exact)
    line = critical(s) if key == "alpha" else None
    return out | ({"critical_alpha": line} if line is not None else {})


def _track(s: Settings, key: str, box, note: str, surface, names, exact) -> dict:
    row = params.PARAMS[key]
    value = s.alpha if key == "alpha" else s.k
    stops = row.shown_stops(value)  # an α between two stops is the slider's value exactly
    off_grid = len(stops) > len(row.options())
    if off_grid and exact is None:
        raise ValueError(f"{key} = {value:g} lies between two stops: pass the view's runs")
    marks = surface.lr_presets if key == "alpha" else None
    if note:
        return chart_sliders.slider_chart(key, stops, value, [], marks=marks, note=note)
    lo, hi = _span(s, key)
    base, frozen = _base(s, key), tuple(tuple(b) for b in box)
    families = [
        packed(  # a keyword: Streamlit then reads no signature to name the argument
            request=PackedKey(
                FamilyKey(base, key, opt, a if key == "k" else 0.0, (lo, hi)),  # α's: every α
                run,
                _naming(s, names, key, run),
                frozen,
                exact[run] if off_grid else None,
            )
        )
        for run, opt, a in followers(s, key)
    ]
    count = hi - lo
    whole = count == len(row.options())
    note = FULL_NOTE if whole else WINDOW_NOTE.format(steps=s.steps, count=count)
    return chart_sliders.slider_chart(key, stops, value, families, lo, marks, note)


def sliders(s: Settings, scene: scenes.Scene, box, three_d: bool = False) -> list[dict]:
    """The chart's sliders for the drawn settings ``s``: "Learning rate α", and "Decay
    rate k" where the schedule reads it, each with the families that follow it (none,
    and the help saying why, in the 3-D view, Many seeds and on data surfaces); α's
    carries ``critical_alpha`` (drawn as the "2/λ_max" mark) where the surface has one."""
    note = _why_not(s, scene.surface, three_d)
    keys = ["alpha", "k"] if s.schedule in schedules.USES_K else ["alpha"]
    return [_slider(s, scene, key, box, note) for key in keys]
