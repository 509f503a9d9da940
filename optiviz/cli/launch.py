"""How ``optiviz app`` starts Streamlit: on the app script shipped in the package, with the
project's ``.streamlit/config.toml`` passed as flags, so no checkout is needed."""

from __future__ import annotations

import logging
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Sequence

from optiviz import resources


def app_command(extra: Sequence[str]) -> None:
    """``optiviz app``: ``streamlit run`` on the app shipped in the package, with the
    settings of the project's ``.streamlit/config.toml`` as flags (``extra`` override
    them: for a repeated option the last one counts). A thread (:func:`boot`) sees the
    page's modules (JAX with them) imported and starts the first screen's boot
    (``optiviz.ui.warmup.boot``). Exits with Streamlit's status."""
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=boot, name="optiviz-import", daemon=True).start()
    streamlit_cli.main(args=streamlit_argv(extra), prog_name="streamlit")


SERVER_START_S = 60.0
"""The longest the import thread waits for Streamlit's server before going on."""
IDLE_S = 5.0
"""With no browser connected this long after the server has started, the import thread
imports the page's modules itself."""
FIRST_RUN_S = 30.0
"""The longest the import thread waits for a connected browser's page run to begin its
imports before importing anyway."""


def server_started() -> bool:
    """Whether Streamlit's runtime has started: its server is then about to answer."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def visitor() -> bool:
    """Whether a browser is connected to Streamlit's runtime."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and (
        Runtime.instance().state == RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED
    )


def page_importing() -> bool:
    """Whether a page run has begun importing the page's modules (``app.py`` does so
    right after it has sent its preload)."""
    return "optiviz.ui" in sys.modules


def boot() -> None:
    """Once Streamlit's server has started, see the page's modules imported, then start
    ``warmup.boot``. A server with no browser for ``IDLE_S`` (a replica behind nginx, a
    server woken by its health check) imports them here, so its first visitor finds them
    loaded. Where a browser is already connected, its page run imports them, after it
    has sent the preload, and this thread waits for that import: JAX's import holds the
    interpreter's lock for most of a second or more, and beside the server's start, the
    session's start or the preload, it would delay the browser's loading of the page and
    of plotly.js, which otherwise runs beside the page's imports."""
    _wait(server_started, SERVER_START_S)
    if _wait(visitor, IDLE_S):
        _wait(page_importing, FIRST_RUN_S)
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)  # the page's modules, imported before the runtime exists
    try:
        from optiviz.ui import warmup
    finally:
        caching.setLevel(level)
    warmup.boot()


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` every 20 ms for up to ``timeout`` s; whether it came true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


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
