"""The figure builders never import the Streamlit layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODE = """
import importlib, pkgutil, sys
import optiviz.figures as figures
names = [m.name for m in pkgutil.iter_modules(figures.__path__, "optiviz.figures.")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(sorted(m for m in sys.modules if m.split(".")[0] == "streamlit"))
"""


def test_figure_builders_import_no_streamlit() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    count, loaded = out.stdout.strip().splitlines()
    assert int(count) >= 7, "the figures package lost its modules"
    assert loaded == "[]"
