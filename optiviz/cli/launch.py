"""How ``optiviz app`` starts Streamlit: on the app script shipped in the package, with the
project's ``.streamlit/config.toml`` passed as flags, so no checkout is needed."""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Sequence

from optiviz import resources


def app_command(extra: Sequence[str]) -> None:
    """``optiviz app``: ``streamlit run`` on the app shipped in the package, with the
    settings of the project's ``.streamlit/config.toml`` as flags (``extra`` override
    them: for a repeated option the last one counts). The page's modules are imported,
    and the first screen's boot (``optiviz.ui.warmup.boot``) started, in a thread beside
    the server's own start (:func:`boot`), so the server answers sooner and the first
    visitor's page loads meanwhile (JAX itself is imported before, with the ``optiviz``
    package). Exits with Streamlit's status."""
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=boot, name="optiviz-import", daemon=True).start()
    streamlit_cli.main(args=streamlit_argv(extra), prog_name="streamlit")


def boot() -> None:
    """Import the page's modules (the first page run then finds them imported, or waits
    on Python's import lock for the rest) and start ``warmup.boot``."""
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
