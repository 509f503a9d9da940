"""Shorter waits: JAX's persistent compilation cache, the first screen compiled at server
start (:func:`boot`), and, once the first page is drawn, a background compile of every
program the lessons, views and surfaces run.

The default page's chart is shipped (``optiviz.ui.first_screen``, proven equal to the
engine's), so the first visitor of a new server waits for no compile. ``optiviz app``
and ``optiviz serve``'s replicas call :func:`boot` before Streamlit's server starts, so
the first screen's programs compile while the server comes up and the first browser
loads the page, and the compiled data is checked against the shipped one; without a
snapshot the first page run waits for that compile
(:func:`configure_compilation_cache`) instead of compiling the same programs beside it.
A bare ``streamlit run app.py`` compiles them in the background after its first page.

The plan (:func:`plan`) is derived from the lessons (``assets/lessons.toml``) and the
surface registry, in the order a visitor is likely to need it: the first screen itself,
the default page's neighbours (its 3-D view and its other views), then each lesson in
the Lessons page's order, then each surface's explore page (top view, 3-D view) and lab.
A visit makes the calls its page makes (``scenes.scene``, the chart's grids, the fit
scene, through the pages' own cached functions' bodies), so each program those compile is
compiled here first, and the persistent cache keeps it across restarts. A lab visit calls
the lab's cached functions themselves (landscape, searches, range test) with the settings
the lab page opens with (:func:`lab_settings_for`), so their results, seconds of
computing per surface, stay in the page's caches.

The worker gives way to visitors: it starts a visit only while no page run is in flight
(the app reports each run's start and end through :func:`configure_compilation_cache`
and :func:`start_background_compile`), at a lower OS priority. At interpreter exit
(``optiviz.ui.shutdown``) it stops between calls, and the exit waits for it and for the
page runs in flight, so no XLA call is still running while Python tears down.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jax
import streamlit as st
from streamlit.runtime import Runtime

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.core.optimizers import DEFAULT_EPS
from optiviz.core.schedules import USES_K
from optiviz.scenes import lessons, params
from optiviz.scenes.params import PARAMS
from optiviz.scenes.settings import Settings
from optiviz.ui import container, explore_chart, fit, lab_results, shutdown
from optiviz.ui import first_screen as snapshot
from optiviz.ui import options as opt

log = logging.getLogger("optiviz")
CACHE_DIR = Path(os.environ.get("OPTIVIZ_JAX_CACHE", Path(tempfile.gettempdir()) / "optiviz-jax"))
FREEZE = os.environ.get("OPTIVIZ_GC_FREEZE", "1") != "0"
"""Freeze the warmed-up heap (``freeze_heap``); ``OPTIVIZ_GC_FREEZE=0`` keeps it collectable,
for ``bench.load protocol``'s comparison."""
ENABLED = os.environ.get("OPTIVIZ_WARMUP", "1") != "0"
"""``OPTIVIZ_WARMUP=0`` switches the background compile off (the cache stays on)."""

DEFAULT_SURFACE, DEFAULT_FORMULA = params.DEFAULT_SURFACE, params.DEFAULT_FORMULA
LAB_SIDE, LAB_BUDGET, LAB_SEED = (PARAMS[k].default for k in ("lab_side", "lab_budget", "lab_seed"))
LAB_ALPHA, LAB_K, LAB_DECAY = (PARAMS[k].default for k in ("lab_alpha", "lab_k", "lab_decay"))
"""The lab's defaults (from the controls' table): landscape side, search budget and seed,
the α, k and λ ranges."""

NICE = 10
"""How much lower the worker's OS priority is than the server's (Linux, per thread)."""
BOOT_WAIT_S = 300.0
"""The longest a page run waits for the boot compile."""
RUN_TIMEOUT_S = 30.0
"""A run reported started but not ended holds the worker back at most this long."""
START_DELAY_S = 3.0
"""Pause after the first page's run, so its browser loads plotly.js and draws the shipped
first screen before the first compile takes a core (and the GIL, while it traces)."""
TABLE_DEFAULTS = ("mode", "optimizer", "schedule", "drop", "every", "staircase", "eps")
BASE = {
    **{key: PARAMS[key].default for key in (*TABLE_DEFAULTS, "momentum", "rho", "beta1", "beta2")},
    "compare_optimizers": params.DEFAULT_OPTIMIZERS,
    "alpha": 0.1,
    "k": 0.0,
    "start": None,
}
"""Settings the compiled programs do not depend on (every number is traced): the controls'
table defaults, with a stand-in α and no decay."""


@dataclass(frozen=True)
class Visit:
    """A page a visitor may open next: ``page`` "explore" (the top view, or the 3-D view
    with ``three_d``) or "lab" (with its search ``budget``), run with ``settings``."""

    label: str
    page: str
    settings: Settings
    three_d: bool = False
    budget: int = LAB_BUDGET

    @property
    def key(self) -> tuple:
        """Visits with equal keys make the same calls."""
        return (self.page, repr(self.settings), self.three_d, self.budget)


def _surface(values: Mapping[str, object]) -> surfaces.Surface:
    name = str(values.get("surface", DEFAULT_SURFACE))
    return scenes.resolve_surface(
        name, str(values.get("formula", DEFAULT_FORMULA)), values.get("degree")
    )


def settings_for(values: Mapping[str, object]) -> Settings:
    """The settings a page opens with for ``values`` (a lesson's settings, or a surface and
    a mode): what shapes the programs (surface, degree, mode, optimizers, steps, number of
    runs) as the page has it; the numbers, which are traced, stand in."""
    surface = _surface(values)
    out = BASE | {
        "surface": str(values.get("surface", DEFAULT_SURFACE)),
        "presets": tuple(params.default_presets(surface)),
        "steps": surface.default_steps,
        "formula": DEFAULT_FORMULA if values.get("surface") == "custom" else "",
        "degree": surface.extras.get("degree", Settings.degree),
        "batch_size": surface.n_samples,
    }
    fields = {f.name for f in dataclasses.fields(Settings)}
    out |= {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in fields}
    if out["mode"] != "optimizers":
        out["compare_optimizers"] = (out["optimizer"],)
    return Settings(**out)


def _explore_visits(label: str, s: Settings) -> list[Visit]:
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    visits = [Visit(label, "explore", s)]
    if surface.dim == 2 and not fit.shows(surface):
        visits.append(Visit(f"{label}, 3-D view", "explore", s, three_d=True))
    return visits


def lab_shows(surface: surfaces.Surface) -> bool:
    """Whether the lab searches ``surface``: the 2-D registry surfaces and the polynomial."""
    return fit.shows(surface) or (surface.dim == 2 and surface.name in opt.SURFACE_NAMES)


def lab_settings_for(values: Mapping[str, object]) -> Settings:
    """The settings the lab page opens with for ``values`` (a lab lesson's settings, or a
    surface), as ``controls.lab_shared_controls`` reads them in a session that set nothing
    else: :func:`settings_for`'s, with the surface's start (``params.surface_defaults``),
    the table's k where the schedule reads it, and the optimizer's own eps. The lab's
    results for them are kept (``lab_results.lab_settings`` is the key), so these are exact."""
    s, surface = settings_for(values | {"mode": "single"}), _surface(values)
    k = float(values.get("k", PARAMS["k"].default)) if s.schedule in USES_K else 0.0
    return dataclasses.replace(
        s,
        start=_opening_start(params.surface_defaults(surface), surface),
        k=k,
        eps=float(values.get("eps", DEFAULT_EPS.get(s.optimizer, BASE["eps"]))),
    )


def lesson_visits(lesson: lessons.Lesson) -> list[Visit]:
    """The pages a lesson opens: its explore view (and 3-D view), or its lab."""
    values = dict(lesson.settings)
    if values.get("page") == "lab":
        s = lab_settings_for(values)
        return [Visit(lesson.id, "lab", s, budget=int(values.get("lab_budget", LAB_BUDGET)))]
    return _explore_visits(lesson.id, settings_for(values))


def picked(name: str) -> dict[str, object]:
    """The values a registered surface's explore page opens with when it is picked in the
    sidebar (``params.surface_defaults``, as ``state.apply_surface_defaults`` sets them):
    its α and its start, which key the page's cached scene and families, so the visit
    leaves the results the click asks for, not only the programs."""
    if name == "custom":
        return {}
    surface = surfaces.get(name)
    values = params.surface_defaults(surface)
    return {"alpha": values["alpha"], "start": _opening_start(values, surface)}


def _opening_start(values: Mapping[str, object], surface: surfaces.Surface):
    """The start a page reads from ``params.surface_defaults``' values, as
    ``controls.run_length_controls`` does: (x) or (x, y), None past two parameters."""
    return None if surface.dim > 2 else (values["start_x"], values["start_y"])[: surface.dim]


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


def warm(visit: Visit) -> None:
    """Make the calls ``visit``'s page makes, so their programs are compiled. The shipped
    first screen's request is checked against the engine's data on the way
    (``first_screen.verify``)."""
    s = visit.settings
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    if visit.page == "lab":
        _warm_lab(s, surface, visit.budget)
    elif fit.shows(surface):
        fit.scene_for(s)  # the page's cached scene itself, for the settings it opens with
    else:
        if s.mode == "seeds" and surface.n_samples is None:
            params.seeds_noise(surface)  # the view's default noise, cached per surface
        data = explore_chart.compute_chart(s, visit.three_d)  # the scene, families and grids
        if snapshot.matches(s, visit.three_d):
            snapshot.verify(data)


def _warm_lab(s: Settings, surface: surfaces.Surface, budget: int) -> None:
    """The lab page's calls of its cached functions, with its default controls: their
    results stay in the page's caches, so the page computes nothing on its first visit.
    Between calls (seconds each) the worker gives way to a page run in flight."""
    space = "weight_decay" if fit.shows(surface) else "k"
    key = lab_results.lab_settings(s, space)
    controls = {
        "alpha_range": LAB_ALPHA,
        "second_range": LAB_DECAY if space == "weight_decay" else LAB_K,
        "side": LAB_SIDE,
        "budget": budget,
        "seed": LAB_SEED,
    }
    calls = [partial(lab_results.cached_range_test, key, *lab_results.RANGE_TEST)]
    for call in calls + lab_results.score_calls(key, space, controls):
        if not _give_way():
            return
        call()


class _Runs:
    """Page runs in flight: started (by thread) and not yet ended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, float] = {}

    def start(self) -> None:
        shutdown.track()
        with self._lock:
            self._open[threading.get_ident()] = time.monotonic()

    def end(self) -> None:
        with self._lock:
            self._open.pop(threading.get_ident(), None)

    def busy(self) -> bool:
        """Whether a run started less than ``RUN_TIMEOUT_S`` ago has not ended."""
        now = time.monotonic()
        with self._lock:
            return any(now - t < RUN_TIMEOUT_S for t in self._open.values())


RUNS = _Runs()
DONE: set[tuple] = set()
"""Keys of the visits already made in this process."""
_STOP = threading.Event()
shutdown.on_exit(_STOP.set)


def _give_way() -> bool:
    """Wait while a page run is in flight; False once asked to stop."""
    while RUNS.busy() and not _STOP.is_set():
        _STOP.wait(0.05)
    return not _STOP.is_set()


def run_plan(visits: list[Visit], limit: int | None = None) -> int:
    """Make each visit not yet made, giving way to page runs; stop early once asked to, or
    once the process's resident memory (``container.rss``) has passed ``limit`` bytes.
    Returns how many were made."""
    made = 0
    for visit in visits:
        if visit.key in DONE:
            continue
        if not _give_way():
            break
        used = container.rss() if limit is not None else None
        if used is not None and used > limit:
            log.info("warm-up stopped at %d MiB (limit %d MiB)", used >> 20, limit >> 20)
            break
        try:
            warm(visit)
        except Exception:  # noqa: BLE001 - warm-up is best effort, never a failure
            log.exception("warm-up of %s failed", visit.label)
        DONE.add(visit.key)
        made += 1
    return made


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


def _work() -> None:
    _lower_priority()
    if _STOP.wait(START_DELAY_S):
        return
    if _BOOTING.is_set():
        _BOOTED.wait(BOOT_WAIT_S)  # a boot compile under way first: its visit is then done
    started = time.perf_counter()
    made = run_plan(plan_for(container.cores()), container.warm_up_limit())
    log.info("warm-up: %d visits in %.1f s", made, time.perf_counter() - started)
    if FREEZE and not _STOP.is_set():
        freeze_heap()


def freeze_heap() -> int:
    """Collect once, then move every surviving object into the permanent generation
    (``gc.freeze``); returns how many. Later collections, Streamlit's full one after each
    run included, no longer walk the modules, compiled programs and caches that the
    warm-up left; objects made afterwards are collected as before."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def enable_cache() -> Path:
    """Keep compiled XLA programs in ``CACHE_DIR``, so a restarted server loads them."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return CACHE_DIR


@st.cache_resource(max_entries=1)
def _configure() -> Path:
    return enable_cache()


_BOOTED = threading.Event()
"""Set once the boot compile has ended; never waited on if :func:`boot` was not called."""
_BOOTING = threading.Event()
_VISITED = threading.Event()
"""Set at the start of the first page run."""
BOOT_IDLE_S = 10.0
"""With the first screen shipped, the boot compiles it only if no visitor has come this
long after the server started: a visitor's first page needs no program, and the
background compile after it makes the first screen's first, so nothing compiles while
the first browser draws (under load, a browser opened at the health answer takes
seconds to start its first run)."""


def boot() -> threading.Thread | None:
    """At server start, before the first visitor: compile :func:`first_screen`'s programs
    in a thread (None when ``OPTIVIZ_WARMUP=0``); with the first screen shipped, only
    once ``BOOT_IDLE_S`` have passed with no visitor."""
    if not ENABLED:
        return None
    _BOOTING.set()
    thread = threading.Thread(target=_boot_work, name="optiviz-boot", daemon=True)
    thread.start()
    shutdown.track(thread)
    return thread


PRELOAD = ("streamlit.emojis",)
"""What the first page run would import on its way: the page icon is checked against
Streamlit's emoji table. The boot imports it while the first browser loads the page.
(pandas and pyarrow are no longer on the way: the charts' data goes as a list, which
Streamlit does not scan for data frames, ``chart_component.sent``.)"""


def _boot_work() -> None:
    started, visit = time.perf_counter(), first_screen()
    try:
        for name in PRELOAD:
            importlib.import_module(name)
        snapshot.load()
        enable_cache()
        _runtime_started()
        if snapshot.shipped() is not None and _visitor_within(BOOT_IDLE_S):
            return  # its page is drawn from the snapshot; the background compile follows
        warm(visit)
        DONE.add(visit.key)
        log.info("boot: the first screen compiled in %.1f s", time.perf_counter() - started)
    except Exception:  # noqa: BLE001 - best effort: the page compiles what is missing
        log.exception("boot compile of the first screen failed")
    finally:
        _BOOTED.set()


def _visitor_within(timeout: float) -> bool:
    """Whether a first page run starts within ``timeout`` s (False once asked to stop)."""
    deadline = time.monotonic() + timeout
    while not _VISITED.is_set() and time.monotonic() < deadline:
        if _STOP.wait(0.05):
            return False
    return _VISITED.is_set()


def _runtime_started(timeout: float = 10.0) -> bool:
    """Wait for Streamlit's runtime (the server has started), so the boot's calls of the
    page's cached functions fill the runtime's caches, not a stand-in store."""
    deadline = time.monotonic() + timeout
    while not Runtime.exists():
        if time.monotonic() > deadline or _STOP.wait(0.05):
            return False
    return True


def configure_compilation_cache() -> Path:
    """At the start of every run: note the run in flight (the warm-up waits for it), wait
    for the boot compile if one is under way and no first screen is shipped (the
    shipped one needs no program), and, once per process, keep compiled XLA programs on
    disk, so a restarted server loads instead of compiling."""
    RUNS.start()
    _VISITED.set()
    if _BOOTING.is_set() and snapshot.shipped() is None:
        _BOOTED.wait(BOOT_WAIT_S)
    return _configure()


def start_background_compile() -> threading.Thread | None:
    """At the end of every run: note the run ended, and once per process start the
    background compile of :func:`plan` (None when ``OPTIVIZ_WARMUP=0``)."""
    RUNS.end()
    return _start() if ENABLED else None


@st.cache_resource(max_entries=1)
def _start() -> threading.Thread:
    thread = threading.Thread(target=_work, name="optiviz-warmup", daemon=True)
    thread.start()
    shutdown.track(thread)
    return thread


def stop(thread: threading.Thread | None = None, timeout: float = 120.0) -> bool:
    """Ask the worker to stop after its current call, and wait up to ``timeout`` s for
    ``thread`` to end (registered at exit); returns whether it has ended."""
    _STOP.set()
    if thread is not None and thread.is_alive():
        thread.join(timeout)
    return thread is None or not thread.is_alive()
