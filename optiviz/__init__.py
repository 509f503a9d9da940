"""Optiviz: see how optimizers move. A pure JAX/NumPy core, usable from a notebook.

>>> import optiviz
>>> run = optiviz.simulate("staircase", "sgd", alpha=0.8)
>>> run.verdict
'converged'
"""

from optiviz import surfaces
from optiviz.dynamics import (
    Trajectory,
    compare_optimizers,
    landscape,
    simulate,
    simulate_many,
    sweep,
)
from optiviz.range_test import RangeTest, lr_range_test
from optiviz.search import SearchResult, Trial, search
from optiviz.stability import critical_alpha, sharpness

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
