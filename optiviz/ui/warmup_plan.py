"""The warm-up's plan (:func:`plan`): every page a visitor may open, first needed first.

It is derived from the lessons (``assets/lessons.toml``) and the surface registry, in the
order a visitor is likely to need it: the first screen itself, the default page's
neighbours (its 3-D view and its other views), then each lesson in the Lessons page's
order, then each surface's explore page (top view, 3-D view) and lab. On one core the plan
is the first screen's neighbours only (:func:`plan_for`).
"""

from __future__ import annotations

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.scenes import lessons
from optiviz.scenes.settings import Settings
from optiviz.ui import first_screen as snapshot
from optiviz.ui import fit
from optiviz.ui import options as opt
from optiviz.ui.warmup_visits import (
    DEFAULT_SURFACE,
    LAB_BUDGET,
    Visit,
    _surface,
    lab_settings_for,
    picked,
    settings_for,
)


def _explore_visits(label: str, s: Settings) -> list[Visit]:
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    visits = [Visit(label, "explore", s)]
    if surface.dim == 2 and not fit.shows(surface):
        visits.append(Visit(f"{label}, 3-D view", "explore", s, three_d=True))
    return visits


def lab_shows(surface: surfaces.Surface) -> bool:
    """Whether the lab searches ``surface``: the 2-D registry surfaces and the polynomial."""
    return fit.shows(surface) or (surface.dim == 2 and surface.name in opt.SURFACE_NAMES)


def lesson_visits(lesson: lessons.Lesson) -> list[Visit]:
    """The pages a lesson opens: its explore view (and 3-D view), or its lab."""
    values = dict(lesson.settings)
    if values.get("page") == "lab":
        s = lab_settings_for(values)
        return [Visit(lesson.id, "lab", s, budget=int(values.get("lab_budget", LAB_BUDGET)))]
    return _explore_visits(lesson.id, settings_for(values))


def surface_visits(name: str) -> list[Visit]:
    """A surface picked in the sidebar: its explore page (top and 3-D) and its lab."""
    s = settings_for({"surface": name, **picked(name)})
    visits = _explore_visits(name, s)
    if name != "custom" and lab_shows(_surface({"surface": name})):
        visits.append(Visit(f"{name}, lab", "lab", lab_settings_for({"surface": name})))
    return visits


def first_screen() -> Visit:
    """The page a visitor without a link opens: the explore page's defaults, as the
    shipped snapshot holds them (``optiviz.ui.first_screen``) when there is one."""
    shipped = snapshot.shipped()
    if shipped is not None:
        return Visit("default page", "explore", shipped.settings, three_d=shipped.three_d)
    return Visit("default page", "explore", settings_for({}))


def neighbours() -> list[Visit]:
    """The first screen's next pages: its 3-D view, its other views and its lab."""
    opened = picked(DEFAULT_SURFACE)
    home = settings_for(opened)
    visits = [Visit("default page, 3-D view", "explore", home, three_d=True)]
    visits += [
        Visit(f"default page, {mode}", "explore", settings_for({"mode": mode, **opened}))
        for mode in opt.MODES
        if mode != "compare"
    ]
    visits.append(Visit("default surface, lab", "lab", lab_settings_for({})))
    return visits


def plan_for(cores: int) -> list[Visit]:
    """The background compile on a server with ``cores`` cores: the whole :func:`plan`,
    or on one core only the first screen's :func:`neighbours`. The whole plan's
    programs and caches held about 0.9 GiB more (1.4 GiB against 0.5 GiB after 100
    sessions on one core, docs/benchmarks.md), and its compiles take the one core's idle
    time; a lesson or surface opened there compiles on its first visit instead."""
    return plan() if cores > 1 else [first_screen(), *neighbours()]


def plan() -> list[Visit]:
    """Every visit of the background compile, first needed first, each once: the default
    page's 3-D view and other views, each lesson, then each surface."""
    visits = [first_screen(), *neighbours()]
    for lesson in lessons.load().values():
        visits += lesson_visits(lesson)
    names = sorted(opt.SURFACE_NAMES, key=lambda n: surfaces.get(n).dim)
    for name in [*names, "custom"]:
        visits += surface_visits(name)
    unique = {v.key: v for v in reversed(visits)}
    return sorted(unique.values(), key=visits.index)
