"""Optiviz: see how optimizers move. A pure JAX/NumPy core, usable from a notebook.

>>> import optiviz
>>> run = optiviz.simulate("staircase", "sgd", alpha=0.8)
>>> run.verdict
'converged'
"""

import sys

from optiviz.analysis.range_test import RangeTest, lr_range_test
from optiviz.analysis.search import SearchResult, Trial, search
from optiviz.core import surfaces
from optiviz.core.dynamics import Trajectory, compare_optimizers, simulate, simulate_many
from optiviz.core.landscape import landscape, sweep
from optiviz.core.stability import critical_alpha, sharpness

# ``optiviz.surfaces`` and its modules keep their names from before they moved into core/.
for _name, _module in list(sys.modules.items()):
    if _name.startswith("optiviz.core.surfaces"):
        sys.modules["optiviz." + _name.removeprefix("optiviz.core.")] = _module

__all__ = [
    "RangeTest",
    "SearchResult",
    "Trajectory",
    "Trial",
    "compare_optimizers",
    "critical_alpha",
    "landscape",
    "lr_range_test",
    "simulate",
    "simulate_many",
    "search",
    "sharpness",
    "surfaces",
    "sweep",
]
