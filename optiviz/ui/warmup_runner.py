"""The warm-up's runner: a visit's calls (:func:`warm`) and the plan's visits made one
after another (:func:`run_plan`), giving way to visitors.

A visit makes the calls its page makes (``scenes.scene``, the chart's grids, the fit
scene, through the pages' own cached functions), so each program those compile is
compiled here first, and the persistent cache keeps it across restarts. A lab visit calls
the lab's cached functions themselves (landscape, searches, range test) with the settings
the lab page opens with (``warmup_visits.lab_settings_for``), so their results, seconds of
computing per surface, stay in the page's caches.

The runner starts a visit only while no page run is in flight (:data:`RUNS`, which the
app's run hooks in ``optiviz.ui.warmup`` keep), and stops once the process's memory has
passed its limit. At interpreter exit (``optiviz.ui.shutdown``) it stops between calls
(:func:`stop`), and the exit waits for it, so no XLA call is still running while Python
tears down.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from functools import partial

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.scenes import params
from optiviz.scenes.settings import Settings
from optiviz.ui import container, explore_chart, fit, lab_results, shutdown
from optiviz.ui import first_screen as snapshot
from optiviz.ui.warmup_visits import LAB_ALPHA, LAB_DECAY, LAB_K, LAB_SEED, LAB_SIDE, Visit

log = logging.getLogger("optiviz")

NICE = 10
"""How much lower the worker's OS priority is than the server's (Linux, per thread)."""
RUN_TIMEOUT_S = 30.0
"""A run reported started but not ended holds the worker back at most this long."""
DRAW_GRACE_S = 2.0
"""After a page run ends, its browser still decodes and draws what the run sent (a
lesson's chart, 0.5-0.8 MB, took seconds on a loaded 2-core machine): the worker starts no
visit until this long after the last run ended, so its compiles do not take a core from
that drawing. A lesson link opened on a new server spent 0.4 s more server CPU beside its
drawing with the worker (its first visits) than without."""


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
    """Page runs in flight: started (by thread) and not yet ended; and when the last
    ended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, float] = {}
        self._ended = -float("inf")

    def start(self) -> None:
        shutdown.track()
        with self._lock:
            self._open[threading.get_ident()] = time.monotonic()

    def end(self) -> None:
        with self._lock:
            if self._open.pop(threading.get_ident(), None) is not None:
                self._ended = time.monotonic()

    def busy(self) -> bool:
        """Whether a run started less than ``RUN_TIMEOUT_S`` ago has not ended, or the last
        run ended less than ``DRAW_GRACE_S`` ago (its browser is drawing)."""
        now = time.monotonic()
        with self._lock:
            drawing = now - self._ended < DRAW_GRACE_S
            return drawing or any(now - t < RUN_TIMEOUT_S for t in self._open.values())


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


def stop(thread: threading.Thread | None = None, timeout: float = 120.0) -> bool:
    """Ask the worker to stop after its current call, and wait up to ``timeout`` s for
    ``thread`` to end (registered at exit); returns whether it has ended."""
    _STOP.set()
    if thread is not None and thread.is_alive():
        thread.join(timeout)
    return thread is None or not thread.is_alive()
