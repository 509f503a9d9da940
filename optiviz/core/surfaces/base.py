"""What every kind of surface shares: the :class:`Surface` record and its presentation.

The formulas live in the kind modules; their presentation (bounds, start,
presets, descriptions) lives in ``assets/surfaces.toml`` and is read by
:func:`load_specs`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import jax

from optiviz.resources import read_asset

PRESET_KEYS = ("too small", "good", "too large", "diverging")

Loss = Callable[[jax.Array], jax.Array]


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface. ``f`` maps a length-``dim`` array to a scalar loss.

    Data-defined surfaces also carry ``n_samples`` and ``sample_losses``
    (params, weights over samples) -> weighted loss, so that a mini-batch
    gradient is the gradient of a weighted mean; ``f`` is its full-batch mean.
    ``equal_axes``: the parameters share units, so the map draws x and y at one scale.
    ``lr_presets`` maps the labels of PRESET_KEYS that the surface can honestly
    show, in that order, to plain-GD learning rates.
    Surfaces compare by identity, so they can key caches of compiled code.
    """

    name: str
    f: Loss
    dim: int
    bounds: tuple[tuple[float, float], ...]
    start: tuple[float, ...]
    default_steps: int
    minima: tuple[tuple[float, ...], ...]
    description: str
    lr_presets: Mapping[str, float]
    label: str = ""
    equal_axes: bool = False
    n_samples: int | None = None
    weighted_loss: Callable[[jax.Array, jax.Array], jax.Array] | None = None
    extras: Mapping[str, object] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        """Diagonal of the plot box, the unit for step-length tolerances."""
        return float(sum((hi - lo) ** 2 for lo, hi in self.bounds) ** 0.5)


def tuple2(rows: list) -> tuple[tuple[float, ...], ...]:
    """Rows of numbers as a tuple of float tuples (bounds, minima)."""
    return tuple(tuple(float(v) for v in row) for row in rows)


def presets(spec: dict) -> dict[str, float]:
    """The spec's ``lr_presets`` in PRESET_KEYS order; a label a surface cannot honestly
    show is left out of the TOML, and "too small" must be there. ValueError otherwise."""
    given = spec["lr_presets"]
    unknown = set(given) - set(PRESET_KEYS)
    if unknown or "too small" not in given:
        raise ValueError(f"lr_presets must name 'too small' and only {PRESET_KEYS}: {given}")
    return {key: float(given[key]) for key in PRESET_KEYS if key in given}


def from_spec(name: str, f: Loss, spec: dict) -> Surface:
    """An analytic Surface: the loss ``f`` with the presentation in ``spec``."""
    return Surface(
        name=name,
        f=f,
        dim=len(spec["bounds"]),
        bounds=tuple2(spec["bounds"]),
        start=tuple(float(v) for v in spec["start"]),
        default_steps=int(spec["default_steps"]),
        minima=tuple2(spec["minima"]),
        description=spec["description"],
        lr_presets=presets(spec),
        label=spec["label"],
        equal_axes=bool(spec.get("equal_axes", False)),
    )


@cache
def load_specs() -> dict[str, dict]:
    """``assets/surfaces.toml``: every registered surface's presentation, by name."""
    return tomllib.loads(read_asset("surfaces.toml"))
