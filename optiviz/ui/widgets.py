"""Draw a control from its row of ``optiviz.scenes.params.PARAMS``: its label, help, stops or
bounds and default come from the table, so the widget shows exactly what a link may hold."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optiviz.core import surfaces
from optiviz.scenes import params
from optiviz.scenes.params import PARAMS
from optiviz.ui import state


def draw(
    key: str,
    where: DeltaGenerator | None = None,
    *,
    surface: surfaces.Surface | None = None,
    options: Sequence[Any] | None = None,
    format_func: Callable[[Any], str] | None = None,
    **extra: Any,
) -> Any:
    """Draw control ``key`` in ``where`` (the sidebar by default) and return its value.
    ``options`` overrides the table's stops (a subset, such as the surfaces by dimension);
    ``surface`` picks a surface-dependent control's stops; ``extra`` goes to the widget
    (``on_change``, ``horizontal``, ``max_selections``...)."""
    row = PARAMS[key]
    label = extra.pop("label", row.label)
    where = where if where is not None else st.sidebar
    if row.kind == "range":
        extra.setdefault("value", tuple(row.default))  # Streamlit draws two handles from it
    elif row.default is not None and not row.per_surface:
        state.default(key)
    args: dict[str, Any] = {"key": key, "help": row.help, **state.BIND, **extra}
    if row.kind == "number":
        lo, hi = row.bounds
        kind = int if row.integer else float
        args |= {"min_value": kind(lo), "max_value": kind(hi)}
        if row.step is not None:
            args["step"] = row.step
        return getattr(where, row.widget)(label, **args)
    if row.kind in ("flag", "text"):
        return getattr(where, row.widget)(label, **args)
    if options is not None:
        stops = list(options)
    elif row.between:  # a value between its stops (a lesson's, a preset's) is one more
        stops = row.shown_stops(state.get(key, row.default))
    else:
        stops = row.options(surface)
    if format_func is None and stops and isinstance(stops[0], float):
        format_func = params.fmt
    if format_func is not None:
        args["format_func"] = format_func
    return getattr(where, row.widget)(label, stops, **args)
