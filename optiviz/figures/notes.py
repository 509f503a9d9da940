"""The words under a chart: each run's verdict, and what its first step does.

The chart component draws them as HTML under its graph, so one message brings an α
move's paths and words together (``chart_data``).
"""

from __future__ import annotations

import numpy as np

from optiviz.core import optimizers
from optiviz.core.surfaces import Surface
from optiviz.figures.runs import Exit, map_exit
from optiviz.figures.style import VERDICT_COLOURS
from optiviz.scenes import Run

STEPS_TITLE = "What one step does"
NOT_DEFINED = ": the loss is not defined at the start point; move the start."


def verdict(run: Run, surface: Surface | None = None) -> dict:
    """A run's verdict line: its name and colour, the verdict's label and colour, and
    its final loss (the last finite one), e.g. "good α=0.8: converged · final loss 0";
    with ``surface``, where its path leaves the map ("· leaves the map at step 8")."""
    tr = run.trajectory
    finite = tr.losses[np.isfinite(tr.losses)]
    where = map_exit(tr, surface) if surface is not None else None
    return {
        "name": run.name,
        "colour": run.colour,
        "label": tr.label,
        "label_colour": VERDICT_COLOURS[tr.verdict],
        "final": final_text(finite[-1] if finite.size else None, where),
    }


def final_text(final: float | None, where: Exit | None) -> str:
    """ "final loss 0.0123" (None: "undefined at the start"), and where the path leaves
    the map ("· leaves the map at step 8")."""
    text = f"final loss {final:.4g}" if final is not None else "undefined at the start"
    return text if where is None else f"{text} · leaves the map at step {where.step}"


def first_step(run: Run) -> dict:
    """The arithmetic of step 0 after the run's name: gradient × learning rate = step,
    |∇f(x₀)| · α₀ for gradient descent; other rules say which step they turn it into."""
    tr = run.trajectory
    if not np.isfinite(tr.losses[0]):
        return {"name": run.name, "text": NOT_DEFINED}
    g, lr, step = float(np.linalg.norm(tr.grads[0])), float(tr.lrs[0]), float(tr.step_lengths[0])
    return {"name": run.name, "text": step_text(tr.optimizer, g, lr, step)}


def step_text(optimizer: str, grad: float, lr: float, step: float) -> str:
    """Step 0's arithmetic after a run's name: ", step 0: gradient 0.632 × learning rate
    0.8 = a step of 0.506" (other rules: which step they turn it into)."""
    text = f", step 0: gradient {grad:.3g} × learning rate {lr:.3g}"
    if optimizer == "sgd":
        return f"{text} = a step of {step:.3g}"
    return f"{text}; the {optimizers.LABELS[optimizer]} rule turns it into a step of {step:.3g}"


def notes(runs: list[Run], surface: Surface | None = None) -> dict:
    """What the component writes under the graph: ``verdicts`` (``verdict`` per run, which
    says where a path leaves ``surface``'s map) and, under ``steps_title``, ``first_steps``
    (``first_step`` per run)."""
    return {
        "verdicts": [verdict(r, surface) for r in runs],
        "steps_title": STEPS_TITLE,
        "first_steps": [first_step(r) for r in runs],
    }
