"""The layers of the package import one way, and the lower ones never load Streamlit or Plotly.

Every module under ``optiviz/`` is walked, by its source (no arrow up) and by importing it in
a fresh interpreter (what it pulls in at run time).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "optiviz"

# Lower ranks are lower layers; a module may import its own layer and those below it.
# ``devtools`` (the tests' and benchmarks' harness) sits above the app: nothing imports it.
RANK = {
    "resources": 0,
    "core": 1,
    "analysis": 2,
    "scenes": 3,
    "rooms": 3,
    "figures": 4,
    "ui": 5,
    "cli": 6,
    "__main__": 7,
    "devtools": 8,
}
# What a layer never loads, even indirectly.
FORBIDDEN = {
    "core": ("streamlit", "plotly"),
    "analysis": ("streamlit", "plotly"),
    "scenes": ("streamlit", "plotly"),
    "rooms": ("streamlit", "plotly"),
    "figures": ("streamlit",),
    "devtools": ("streamlit", "plotly", "playwright", "psutil", "websockets"),
}

CODE = """
import importlib, json, sys
names = json.loads(sys.argv[1])
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    """The layer of ``optiviz.<layer>...``; None for the package's own ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


MODULES = sorted(_module_name(p) for p in PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "optiviz":
                found |= {f"optiviz.{a.name}" for a in node.names}
            elif node.module.startswith("optiviz."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("optiviz.")}
    return found


def test_every_module_belongs_to_a_layer() -> None:
    layers = {_layer(m) for m in MODULES} - {None}
    assert layers == set(RANK), f"a folder without a rank: {layers ^ set(RANK)}"
    assert len(MODULES) > 60


@pytest.mark.parametrize("module", [m for m in MODULES if _layer(m)])
def test_no_import_points_up(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    own = RANK[_layer(module)]
    up = {
        target for target in _imports(path) if _layer(target) in RANK and RANK[_layer(target)] > own
    }
    assert not up, f"{module} imports a higher layer: {sorted(up)}"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_load_no_ui_library(layer: str) -> None:
    names = [m for m in MODULES if _layer(m) == layer]
    out = subprocess.run(
        [sys.executable, "-c", CODE, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=ROOT,
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert names, layer
    assert not loaded & set(FORBIDDEN[layer]), f"{layer} loads {loaded & set(FORBIDDEN[layer])}"


def _roots(path: Path) -> set[str]:
    """The top-level packages ``path`` imports by absolute name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
    return found


@pytest.mark.parametrize(("folder", "other"), [("bench", "tests"), ("tests", "bench")])
def test_tests_and_benchmarks_import_nothing_from_each_other(folder: str, other: str) -> None:
    """Their shared harness is ``optiviz.devtools``."""
    files = sorted((ROOT / folder).rglob("*.py"))
    offenders = [str(p.relative_to(ROOT)) for p in files if other in _roots(p)]
    assert files and not offenders, f"{folder}/ imports {other}/: {offenders}"
