"""Optiviz: see how optimizers move. A pure JAX/NumPy core, usable from a notebook.

>>> import optiviz
>>> run = optiviz.simulate("staircase", "sgd", alpha=0.8)
>>> run.verdict
'converged'

The public names below are loaded on first use (PEP 562), so ``import optiviz`` alone
imports neither JAX nor NumPy: ``optiviz app`` starts its server before JAX is loaded.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optiviz.analysis.range_test import RangeTest, lr_range_test
    from optiviz.analysis.search import SearchResult, Trial, search
    from optiviz.core import surfaces
    from optiviz.core.dynamics import Trajectory, compare_optimizers, simulate, simulate_many
    from optiviz.core.landscape import landscape, sweep
    from optiviz.core.stability import critical_alpha, sharpness

_PUBLIC = {
    "RangeTest": "optiviz.analysis.range_test",
    "lr_range_test": "optiviz.analysis.range_test",
    "SearchResult": "optiviz.analysis.search",
    "Trial": "optiviz.analysis.search",
    "search": "optiviz.analysis.search",
    "Trajectory": "optiviz.core.dynamics",
    "compare_optimizers": "optiviz.core.dynamics",
    "landscape": "optiviz.core.landscape",
    "simulate": "optiviz.core.dynamics",
    "simulate_many": "optiviz.core.dynamics",
    "sweep": "optiviz.core.landscape",
    "critical_alpha": "optiviz.core.stability",
    "sharpness": "optiviz.core.stability",
}
"""Each public name and the module that defines it."""

__all__ = [
    "RangeTest",
    "SearchResult",
    "Trajectory",
    "Trial",
    "compare_optimizers",
    "critical_alpha",
    "landscape",
    "lr_range_test",
    "search",
    "sharpness",
    "simulate",
    "simulate_many",
    "surfaces",
    "sweep",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first access and kept in the package."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif name == "surfaces":
        value = importlib.import_module("optiviz.core.surfaces")
    else:
        raise AttributeError(f"module 'optiviz' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _SurfacesAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``optiviz.surfaces`` and its modules keep their names from before they moved into
    core/: ``import optiviz.surfaces.datasets`` is ``optiviz.core.surfaces.datasets``, the
    same module object, whenever it is first imported."""

    OLD, NEW = "optiviz.surfaces", "optiviz.core.surfaces"

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        if fullname != self.OLD and not fullname.startswith(self.OLD + "."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        module = importlib.import_module(self.NEW + spec.name.removeprefix(self.OLD))
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: Any) -> None:
        """The module is the moved one, already executed: it only gets back its own
        ``__spec__``, which the import system has just set to the alias's."""
        module.__spec__ = module.__spec__.loader_state


if not any(isinstance(finder, _SurfacesAlias) for finder in sys.meta_path):
    sys.meta_path.insert(0, _SurfacesAlias())
