"""Files that live at the repository's top level, found in a checkout and in a wheel alike.

The presets and lessons (``assets/*.toml``), the app's entry script (``app.py``) and its
Streamlit settings (``.streamlit/config.toml``) stay at the top of the repository, as the
project's layout asks. The wheel copies each of them to ``optiviz/_toplevel/<same path>``
(see ``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``), so an
installed package reads its own copy and a checkout reads the original.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED = "_toplevel"
"""The folder inside the installed package that mirrors the repository's top level."""

CHECKOUT = Path(__file__).resolve().parent.parent
"""The repository root when the package is imported from a checkout."""


def toplevel_path(relative: str) -> Path:
    """The file at ``relative`` (a path from the repository root, such as ``"app.py"``):
    the installed package's copy when there is one, else the checkout's; FileNotFoundError
    when neither exists."""
    shipped = Path(str(files("optiviz").joinpath(SHIPPED, *relative.split("/"))))
    for candidate in (shipped, CHECKOUT / relative):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{relative} is neither in the installed package nor in {CHECKOUT}")


def asset_path(name: str) -> Path:
    """The path of ``assets/<name>``, such as ``asset_path("surfaces.toml")``."""
    return toplevel_path(f"assets/{name}")


def read_asset(name: str) -> str:
    """The text (UTF-8) of ``assets/<name>``."""
    return asset_path(name).read_text(encoding="utf-8")
