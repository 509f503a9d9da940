"""How ``optiviz app`` starts Streamlit: on the app script shipped in the package, with the
project's ``.streamlit/config.toml`` passed as flags, so no checkout is needed."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Sequence

from optiviz import resources


def app_command(extra: Sequence[str]) -> None:
    """``optiviz app``: ``streamlit run`` on the app shipped in the package, with the
    settings of the project's ``.streamlit/config.toml`` as flags (``extra`` override
    them: for a repeated option the last one counts). The first screen starts compiling
    before the server does (``optiviz.ui.warmup.boot``). Exits with Streamlit's status."""
    from streamlit.web import cli as streamlit_cli

    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)  # the page's modules, imported before the runtime exists
    try:
        from optiviz.ui import warmup
    finally:
        caching.setLevel(level)
    warmup.boot()
    streamlit_cli.main(args=streamlit_argv(extra), prog_name="streamlit")


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
