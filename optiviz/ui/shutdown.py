"""A clean exit: before Python finalizes, wait for the threads that may be inside XLA.

Streamlit runs each page in a daemon thread, and the warm-up compiles in one. A daemon
thread still inside an XLA call when the interpreter finalizes is unwound through C++
frames as it retakes the GIL, and the process aborts with status 134 (``terminate called
after throwing an instance of ''``, ``FATAL: exception not rethrown``): at the end of a
process that ran the app in AppTest, or when a server is stopped with Ctrl-C during a page
run or a warm-up compile.

So the Streamlit layer imports this module before anything runs JAX, and it registers
:func:`at_exit` among ``threading``'s exit hooks. Those run as soon as the main thread has
ended, before ``concurrent.futures`` stops its pools (so a sweep in flight finishes rather
than failing to schedule its blocks) and before finalization. ``at_exit`` asks each worker
to stop (:func:`on_exit`), then waits for every thread :func:`track` named that is still
alive. Streamlit has by then asked its page runs to stop, which they do at their next
``st`` call.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable

WAIT_S = 120.0
"""The longest wait at exit, for all threads together; a thread still alive after it is
left to the interpreter."""

_THREADS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_STOPS: list[Callable[[], object]] = []


def track(thread: threading.Thread | None = None) -> None:
    """Wait at exit for ``thread`` (the calling thread by default) if it is still alive."""
    _THREADS.add(thread or threading.current_thread())


def on_exit(stop: Callable[[], object]) -> None:
    """Call ``stop`` at exit, before the wait: how a background worker is asked to end."""
    _STOPS.append(stop)


def at_exit(timeout: float = WAIT_S) -> bool:
    """Call every ``on_exit`` callback, then wait up to ``timeout`` s in all for each
    tracked thread; returns whether all of them have ended."""
    for stop in _STOPS:
        stop()
    deadline = time.monotonic() + timeout
    others = [t for t in list(_THREADS) if t is not threading.current_thread()]
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in others)


# ``threading._register_atexit`` is CPython's hook for exactly this (``concurrent.futures``
# registers its pools' shutdown with it); ``atexit`` runs later, after the pools are shut.
getattr(threading, "_register_atexit", atexit.register)(at_exit)
track()  # the thread importing the app: the first page run's
