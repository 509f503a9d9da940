"""The choices the controls offer: the names of ``optiviz.scenes.params``, where the table of
controls defines them, under the names the UI modules import."""

from __future__ import annotations

from optiviz.scenes.params import (
    LAB_PICTURES,
    MODES,
    OPTIMIZER_NAMES,
    PAGES,
    PICTURES,
    SCHEDULE_NAMES,
    STEP_RANGE,
    SURFACE_NAMES,
    alpha_options,
    available_presets,
    batch_options,
    decay_options,
    default_alpha,
    eps_options,
    fmt,
    k_options,
    nearest,
)

__all__ = [
    "LAB_PICTURES",
    "MODES",
    "OPTIMIZER_NAMES",
    "PAGES",
    "PICTURES",
    "SCHEDULE_NAMES",
    "STEP_RANGE",
    "SURFACE_NAMES",
    "alpha_options",
    "available_presets",
    "batch_options",
    "decay_options",
    "default_alpha",
    "eps_options",
    "fmt",
    "k_options",
    "nearest",
]
