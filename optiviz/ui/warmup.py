"""Shorter waits after a restart: JAX's persistent compilation cache, and a background
compile of what a visitor touches next once the first page is drawn."""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import threading
from pathlib import Path

import jax
import streamlit as st

from optiviz import simulate, simulate_many, surfaces

log = logging.getLogger("optiviz")
CACHE_DIR = Path(os.environ.get("OPTIVIZ_JAX_CACHE", Path(tempfile.gettempdir()) / "optiviz-jax"))
FREEZE = os.environ.get("OPTIVIZ_GC_FREEZE", "1") != "0"
"""Freeze the warmed-up heap (``freeze_heap``); ``OPTIVIZ_GC_FREEZE=0`` keeps it collectable,
for ``bench.bench_protocol``'s comparison."""
NEXT = (
    ("staircase", "sgd", 1),
    ("staircase", "momentum", 1),
    ("staircase", "adam", 1),
    ("staircase", "sgd", 4),
)
"""(surface, optimizer, runs) compiled in the background: the next views most visitors open."""


@st.cache_resource(max_entries=1)
def configure_compilation_cache() -> Path:
    """Keep compiled XLA programs on disk, so a restarted server loads instead of compiling."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return CACHE_DIR


def _compile_next() -> None:
    for name, optimizer, runs in NEXT:
        surface = surfaces.get(name)
        try:
            if runs == 1:
                simulate(surface, optimizer, alpha=0.1)
            else:
                simulate_many(surface, optimizer, alphas=[0.1] * runs)
        except Exception:  # noqa: BLE001 - warm-up is best effort, never a failure
            log.exception("warm-up of %s/%s failed", name, optimizer)
    if FREEZE:
        freeze_heap()


def freeze_heap() -> int:
    """Collect once, then move every surviving object into the permanent generation
    (``gc.freeze``); returns how many. Later collections, Streamlit's full one after each
    run included, no longer walk the modules, compiled programs and caches that the
    warm-up left; objects made afterwards are collected as before."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@st.cache_resource(max_entries=1)
def start_background_compile() -> threading.Thread:
    """Once per process, after the first page: compile the likely next views."""
    thread = threading.Thread(target=_compile_next, name="optiviz-warmup", daemon=True)
    thread.start()
    return thread
