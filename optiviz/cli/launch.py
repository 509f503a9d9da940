"""How ``optiviz app`` starts Streamlit: on the app script shipped in the package, with the
project's ``.streamlit/config.toml`` passed as flags, so no checkout is needed."""

from __future__ import annotations

import logging
import threading
import time
import tomllib
from collections.abc import Sequence

from optiviz import resources


def app_command(extra: Sequence[str]) -> None:
    """``optiviz app``: ``streamlit run`` on the app shipped in the package, with the
    settings of the project's ``.streamlit/config.toml`` as flags (``extra`` override
    them: for a repeated option the last one counts). The page's modules (JAX with them)
    are imported, and the first screen's boot (``optiviz.ui.warmup.boot``) started, in a
    thread once Streamlit's server has started (:func:`boot`), so the server answers as
    soon as a bare ``streamlit run``'s and the first browser loads the page meanwhile.
    Exits with Streamlit's status."""
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=boot, name="optiviz-import", daemon=True).start()
    streamlit_cli.main(args=streamlit_argv(extra), prog_name="streamlit")


SERVER_START_S = 60.0
"""The longest the import thread waits for Streamlit's server before importing anyway."""


def server_started() -> bool:
    """Whether Streamlit's runtime has started: its server is then about to answer."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def boot() -> None:
    """Once Streamlit's server has started (:func:`server_started`), import the page's
    modules (the first page run then finds them imported, or waits on Python's import
    lock for the rest) and start ``warmup.boot``. Importing JAX beside the server's own
    start would hold the interpreter's lock for most of it: the server would answer
    later, and the first browser would start loading the page later."""
    deadline = time.monotonic() + SERVER_START_S
    while not server_started() and time.monotonic() < deadline:
        time.sleep(0.02)
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)  # the page's modules, imported before the runtime exists
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
