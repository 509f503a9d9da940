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

__all__ = [
    "Trajectory",
    "compare_optimizers",
    "landscape",
    "simulate",
    "simulate_many",
    "surfaces",
    "sweep",
]
