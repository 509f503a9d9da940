"""Loss surfaces: a registry of named curves (dim 1), surfaces (dim 2) and models.

``get(name)`` returns a :class:`Surface`. Each kind lives in its own module and
never imports this registry: :mod:`.analytic` and :mod:`.staircase` (formulas),
:mod:`.datasets` and :mod:`.polynomial` (losses that are means over samples,
the latter of any degree via :func:`polynomial_regression`) and :mod:`.typed`
(formulas a student types, parsed by :mod:`.expressions`). Their presentation
lives in ``assets/surfaces.toml`` (see :mod:`.base`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from optiviz.core.surfaces import analytic, datasets, polynomial, staircase, typed
from optiviz.core.surfaces.base import PRESET_KEYS, Loss, Surface, from_spec, load_specs
from optiviz.core.surfaces.polynomial import polynomial_regression

__all__ = [
    "PRESET_KEYS",
    "Loss",
    "Surface",
    "from_expression",
    "get",
    "names",
    "polynomial_regression",
]

FORMULAS: dict[str, Loss] = analytic.FORMULAS | {"staircase": staircase.staircase}
"""Registry of formula surfaces: name to loss function."""


@cache
def _registry() -> dict[str, Surface]:
    specs = load_specs()
    found = {name: from_spec(name, f, specs[name]) for name, f in FORMULAS.items()}
    for surface in [*datasets.build(specs), *polynomial.build(specs)]:
        found[surface.name] = surface
    return found


def names(dim: int | None = None) -> list[str]:
    """Registry names, optionally only those of dimension ``dim``."""
    return [n for n, s in _registry().items() if dim is None or s.dim == dim]


def get(name: str | Surface) -> Surface:
    """The registered surface ``name`` (a Surface passes through unchanged)."""
    if isinstance(name, Surface):
        return name
    registry = _registry()
    if name not in registry:
        raise ValueError(f"unknown surface {name!r}: choose one of {', '.join(registry)}")
    return registry[name]


def from_expression(
    text: str,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    start: Sequence[float] | None = None,
) -> Surface:
    """The Surface of a typed formula in x (and y), such as ``"x^2 + 10*y^2"``.

    The text is parsed against a whitelist, never evaluated as Python; bad
    input raises ``ValueError`` with a message for the student. The same
    arguments return the same Surface object. See :mod:`optiviz.core.surfaces.typed`.
    """
    return typed.from_expression(text, bounds=bounds, start=start)
