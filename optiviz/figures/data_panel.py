"""The data panel of a data-defined surface: the samples and each run's model, per frame."""

from __future__ import annotations

import numpy as np

from optiviz.core.surfaces import Surface
from optiviz.figures.layout import DATA
from optiviz.figures.runs import Run, compact

TRAIN, VALIDATION = "#334155", "#94a3b8"


def data_traces(surface: Surface) -> list[dict]:
    """Training samples (dark) and held-out validation samples (light), static."""
    ex = surface.extras
    common = {"type": "scatter", **DATA, "mode": "markers", "hoverinfo": "skip"}
    return [
        {
            **common,
            "x": np.asarray(ex["x"], np.float32),
            "y": np.asarray(ex["y"], np.float32),
            "marker": {"color": TRAIN, "size": 5},
            "name": "training data",
        },
        {
            **common,
            "x": np.asarray(ex["x_val"], np.float32),
            "y": np.asarray(ex["y_val"], np.float32),
            "marker": {"color": VALIDATION, "size": 5, "symbol": "x"},
            "name": "validation data",
        },
    ]


def model_template(run: Run) -> dict:
    """The animated model curve of one run (a fitted line or a sigmoid)."""
    return {
        "type": "scatter",
        **DATA,
        "mode": "lines",
        "showlegend": False,
        "line": {"color": run.colour, "width": 3},
        "hoverinfo": "skip",
    }


def model_frame(run: Run, model_x: np.ndarray, t: int) -> dict:
    """The model curve of ``run`` at step t."""
    return {"x": compact(model_x), "y": compact(run.model[t])}
