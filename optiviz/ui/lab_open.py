"""A lab run opened on the explore page: a click on the landscape (its point's
``customdata``) or the range test's button sets the explore page's α, the second
hyperparameter and the schedule, snapped to what its controls take."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from optiviz.scenes.params import PARAMS
from optiviz.ui import options as opt
from optiviz.ui import state
from optiviz.ui.figure import clicked
from optiviz.ui.lab_controls import Axis


def explore_alpha(alpha: float) -> float:
    """The α the explore page opens for a run of the lab: ``alpha`` to three significant
    digits, which its α slider takes exactly (between two stops, ``Param.between``)."""
    lo, hi = PARAMS["alpha"].span()
    return float(np.clip(float(f"{alpha:.3g}"), lo, hi))


def open_in_explore(alpha: float, axis: Axis | None, value: float | None, schedule: str) -> None:
    """Send a run to the explore page as a single run: α to three digits
    (``explore_alpha``), the second hyperparameter where ``axis`` names one snapped to its
    control's stops; the schedule too, where ``schedule`` is not empty."""
    values = {"page": "explore", "mode": "single", "alpha": explore_alpha(alpha)}
    if schedule:
        values["schedule"] = schedule
    if axis is not None and value is not None:
        values[axis.setting] = opt.nearest(PARAMS[axis.range_key].options(), value)
    state.set_values(values)


def customdata_pair(custom: object) -> tuple[float, float] | None:
    """The first two entries of a clicked point's ``customdata`` as positive floats, or None.

    The figure component (``optiviz.ui.figure``) sends a typed-array row as a list; a
    typed-array row written as JSON as it is turns into an object ``{"0": α, "1": k, ...}``
    (plotly.py sends NumPy arrays as typed arrays), which is read the same.
    """
    if isinstance(custom, Mapping):
        custom = [custom.get(str(i), custom.get(i)) for i in range(2)]
    if isinstance(custom, str) or not isinstance(custom, Sequence) or len(custom) < 2:
        return None
    try:
        pair = float(custom[0]), float(custom[1])
    except (TypeError, ValueError):
        return None
    return pair if all(math.isfinite(v) and v > 0 for v in pair) else None


def _on_click(axis: Axis, schedule: str) -> None:
    point = clicked("landscape_chart") or {}
    run = customdata_pair(point.get("customdata"))
    if run is not None:
        open_in_explore(run[0], axis, run[1], schedule)
