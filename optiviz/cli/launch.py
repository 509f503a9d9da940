"""How ``optiviz app`` starts Streamlit: on the app script shipped in the package, with the
project's ``.streamlit/config.toml`` passed as flags, so no checkout is needed."""

from __future__ import annotations

import importlib.abc
import logging
import sys
import threading
import tomllib
from collections.abc import Sequence

from optiviz import resources


def app_command(extra: Sequence[str]) -> None:
    """``optiviz app``: ``streamlit run`` on the app shipped in the package, with the
    settings of the project's ``.streamlit/config.toml`` as flags (``extra`` override
    them: for a repeated option the last one counts), through Streamlit's own command
    line. The page's first run is ``streamlit run app.py``'s; beside it a thread
    (:func:`boot`) only acts on a server that no browser has opened. Exits with
    Streamlit's status."""
    from streamlit.web import cli as streamlit_cli

    watch_page_import()
    threading.Thread(target=boot, name="optiviz-import", daemon=True).start()
    streamlit_cli.main(args=streamlit_argv(extra), prog_name="streamlit")


IDLE_S = 5.0
"""With no page run begun this long after ``optiviz app`` started, :func:`boot` imports
the page's modules and starts the first screen's boot itself."""
PAGE = "optiviz.ui"
"""The page's modules, which ``app.py`` imports right after it has sent its preload."""
PAGE_IMPORT = threading.Event()
"""Set when the process first looks for :data:`PAGE` (a page run, or :func:`boot`)."""


class _PageImport(importlib.abc.MetaPathFinder):
    """Sets :data:`PAGE_IMPORT` when :data:`PAGE` is first imported, and finds nothing
    itself: the import goes on as it would without it."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == PAGE:
            PAGE_IMPORT.set()


def watch_page_import() -> None:
    """Put the :class:`_PageImport` hook first in ``sys.meta_path`` (once), unless the page's
    modules are imported already."""
    if PAGE in sys.modules:
        PAGE_IMPORT.set()
    elif not any(isinstance(finder, _PageImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PageImport())


def boot() -> None:
    """Wait up to ``IDLE_S`` for a page run to import the page's modules. Once one has,
    do nothing: the page's run and its hooks (``optiviz.ui.warmup``) are then exactly
    ``streamlit run app.py``'s, and importing JAX beside the browser's loading of the
    page or plotly.js would delay both (it holds the interpreter's lock for most of a
    second). A server with none by then (a replica behind nginx, a server woken by its
    health check) imports them here and starts ``warmup.boot``, so its first visitor
    finds them loaded and the first screen compiled."""
    if PAGE_IMPORT.wait(IDLE_S):
        return
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)  # a server slow to start: its runtime may not exist yet
    try:
        from optiviz.ui import warmup
    finally:
        caching.setLevel(level)
    warmup.boot()


def streamlit_argv(extra: Sequence[str]) -> list[str]:
    """The arguments of ``streamlit`` that ``optiviz app EXTRA...`` runs."""
    return ["run", str(resources.toplevel_path("app.py")), *config_flags(), *extra]


def config_flags() -> list[str]:
    """``--section.option=value`` for every setting of ``.streamlit/config.toml``."""
    config = tomllib.loads(resources.toplevel_path(".streamlit/config.toml").read_text("utf-8"))
    return [f"--{key}={value}" for key, value in _flatten(config, "")]


def _flatten(table: dict, prefix: str) -> list[tuple[str, str]]:
    out = []
    for key, value in table.items():
        if isinstance(value, dict):
            out += _flatten(value, f"{prefix}{key}.")
        else:
            out.append((prefix + key, str(value).lower() if isinstance(value, bool) else value))
    return out
