"""A visit of the warm-up: a page a visitor may open next, and the settings the pages open
with, so that a visit makes exactly the calls its page makes.

:func:`settings_for` is the settings an explore page opens with for a lesson's settings or
a surface and a mode (the numbers, which are traced, stand in); :func:`lab_settings_for`
the lab page's, exact, since the lab's results for them are kept; :func:`picked` the
values a registered surface's page opens with when it is picked in the sidebar.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.core.optimizers import DEFAULT_EPS
from optiviz.core.schedules import USES_K
from optiviz.scenes import params
from optiviz.scenes.params import PARAMS
from optiviz.scenes.settings import Settings

DEFAULT_SURFACE, DEFAULT_FORMULA = params.DEFAULT_SURFACE, params.DEFAULT_FORMULA
LAB_SIDE, LAB_BUDGET, LAB_SEED = (PARAMS[k].default for k in ("lab_side", "lab_budget", "lab_seed"))
LAB_ALPHA, LAB_K, LAB_DECAY = (PARAMS[k].default for k in ("lab_alpha", "lab_k", "lab_decay"))
"""The lab's defaults (from the controls' table): landscape side, search budget and seed,
the α, k and λ ranges."""

TABLE_DEFAULTS = ("mode", "optimizer", "schedule", "drop", "every", "staircase", "eps")
BASE = {
    **{key: PARAMS[key].default for key in (*TABLE_DEFAULTS, "momentum", "rho", "beta1", "beta2")},
    "compare_optimizers": params.DEFAULT_OPTIMIZERS,
    "alpha": 0.1,
    "k": 0.0,
    "start": None,
}
"""Settings the compiled programs do not depend on (every number is traced): the controls'
table defaults, with a stand-in α and no decay."""


@dataclass(frozen=True)
class Visit:
    """A page a visitor may open next: ``page`` "explore" (the top view, or the 3-D view
    with ``three_d``) or "lab" (with its search ``budget``), run with ``settings``."""

    label: str
    page: str
    settings: Settings
    three_d: bool = False
    budget: int = LAB_BUDGET

    @property
    def key(self) -> tuple:
        """Visits with equal keys make the same calls."""
        return (self.page, repr(self.settings), self.three_d, self.budget)


def _surface(values: Mapping[str, object]) -> surfaces.Surface:
    name = str(values.get("surface", DEFAULT_SURFACE))
    return scenes.resolve_surface(
        name, str(values.get("formula", DEFAULT_FORMULA)), values.get("degree")
    )


def settings_for(values: Mapping[str, object]) -> Settings:
    """The settings a page opens with for ``values`` (a lesson's settings, or a surface and
    a mode): what shapes the programs (surface, degree, mode, optimizers, steps, number of
    runs) as the page has it; the numbers, which are traced, stand in."""
    surface = _surface(values)
    out = BASE | {
        "surface": str(values.get("surface", DEFAULT_SURFACE)),
        "presets": tuple(params.default_presets(surface)),
        "steps": surface.default_steps,
        "formula": DEFAULT_FORMULA if values.get("surface") == "custom" else "",
        "degree": surface.extras.get("degree", Settings.degree),
        "batch_size": surface.n_samples,
    }
    fields = {f.name for f in dataclasses.fields(Settings)}
    out |= {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in fields}
    if out["mode"] != "optimizers":
        out["compare_optimizers"] = (out["optimizer"],)
    return Settings(**out)


def lab_settings_for(values: Mapping[str, object]) -> Settings:
    """The settings the lab page opens with for ``values`` (a lab lesson's settings, or a
    surface), as ``controls.lab_shared_controls`` reads them in a session that set nothing
    else: :func:`settings_for`'s, with the surface's start (``params.surface_defaults``),
    the table's k where the schedule reads it, and the optimizer's own eps. The lab's
    results for them are kept (``lab_results.lab_settings`` is the key), so these are exact."""
    s, surface = settings_for(values | {"mode": "single"}), _surface(values)
    k = float(values.get("k", PARAMS["k"].default)) if s.schedule in USES_K else 0.0
    return dataclasses.replace(
        s,
        start=_opening_start(params.surface_defaults(surface), surface),
        k=k,
        eps=float(values.get("eps", DEFAULT_EPS.get(s.optimizer, BASE["eps"]))),
    )


def picked(name: str) -> dict[str, object]:
    """The values a registered surface's explore page opens with when it is picked in the
    sidebar (``params.surface_defaults``, as ``state.apply_surface_defaults`` sets them):
    its α and its start, which key the page's cached scene and families, so the visit
    leaves the results the click asks for, not only the programs."""
    if name == "custom":
        return {}
    surface = surfaces.get(name)
    values = params.surface_defaults(surface)
    return {"alpha": values["alpha"], "start": _opening_start(values, surface)}


def _opening_start(values: Mapping[str, object], surface: surfaces.Surface):
    """The start a page reads from ``params.surface_defaults``' values, as
    ``controls.run_length_controls`` does: (x) or (x, y), None past two parameters."""
    return None if surface.dim > 2 else (values["start_x"], values["start_y"])[: surface.dim]
