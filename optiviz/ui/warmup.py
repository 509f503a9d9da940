"""Shorter waits: JAX's persistent compilation cache, the first screen compiled at server
start (:func:`boot`), and, once the first page is drawn, a background compile of every
program the lessons, views and surfaces run.

The default page's chart is shipped (``optiviz.ui.first_screen``, proven equal to the
engine's), so the first visitor of a new server waits for no compile, and the background
compile after the first page compiles the first screen first and checks the shipped data
against it. ``optiviz app`` (each ``optiviz serve`` replica too) calls :func:`boot` on a
server that no browser has opened within a few seconds (``optiviz.cli.launch``), so a
replica woken by its health check has the page's modules loaded and the first screen
compiled before its first visitor; without a snapshot a page run that comes during that
compile waits for it (:func:`configure_compilation_cache`) instead of compiling the same
programs beside it.

This module holds when the warm-up runs: the compilation cache (:func:`enable_cache`), the
boot, the app's hooks at the start and end of every page run
(:func:`configure_compilation_cache`, :func:`start_background_compile`, which note the run
in flight for the runner to give way to), and the worker thread, started after the first
page at a lower OS priority, whose warmed-up heap is frozen (:func:`freeze_heap`). What it
visits is ``optiviz.ui.warmup_plan``, with the settings of ``optiviz.ui.warmup_visits``;
``optiviz.ui.warmup_runner`` makes the visits.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import jax
import streamlit as st

from optiviz.ui import container, shutdown
from optiviz.ui import first_screen as snapshot
from optiviz.ui.warmup_plan import first_screen, plan_for
from optiviz.ui.warmup_runner import _STOP, DONE, RUNS, _lower_priority, run_plan, warm

log = logging.getLogger("optiviz")
CACHE_DIR = Path(os.environ.get("OPTIVIZ_JAX_CACHE", Path(tempfile.gettempdir()) / "optiviz-jax"))
FREEZE = os.environ.get("OPTIVIZ_GC_FREEZE", "1") != "0"
"""Freeze the warmed-up heap (``freeze_heap``); ``OPTIVIZ_GC_FREEZE=0`` keeps it collectable,
for ``bench.load protocol``'s comparison."""
ENABLED = os.environ.get("OPTIVIZ_WARMUP", "1") != "0"
"""``OPTIVIZ_WARMUP=0`` switches the background compile off (the cache stays on)."""

BOOT_WAIT_S = 300.0
"""The longest a page run waits for the boot compile."""
START_DELAY_S = 3.0
"""Pause after the first page's run, so its browser loads plotly.js and draws the shipped
first screen before the first compile takes a core (and the GIL, while it traces)."""


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
    """On a server that no browser has opened yet (``optiviz.cli.launch.boot``): compile
    :func:`first_screen`'s programs in a thread (None when ``OPTIVIZ_WARMUP=0``); with
    the first screen shipped, only once ``BOOT_IDLE_S`` more have passed with no visitor."""
    if not ENABLED:
        return None
    _BOOTING.set()
    thread = threading.Thread(target=_boot_work, name="optiviz-boot", daemon=True)
    thread.start()
    shutdown.track(thread)
    return thread


PRELOAD = ("streamlit.emojis",)
"""What the first page run would import on its way: the page icon is checked against
Streamlit's emoji table. The boot imports it before the first visitor.
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
        if _STOP.is_set():
            return  # the server is stopping: nothing is left to compile for
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
    while not st.runtime.exists():
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
