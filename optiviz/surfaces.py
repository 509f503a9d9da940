"""Loss surfaces: a registry of named curves (dim 1) and surfaces (dim 2).

``get(name)`` returns a :class:`Surface`. The formulas live here; their
presentation (bounds, start, presets, descriptions) lives in
``assets/surfaces.toml`` and is read by :func:`_load_specs`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import jax
import jax.numpy as jnp

from optiviz.resources import read_asset

PRESET_KEYS = ("too small", "good", "too large", "diverging")

Loss = Callable[[jax.Array], jax.Array]


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface. ``f`` maps a length-``dim`` array to a scalar loss.

    Data-defined surfaces also carry ``n_samples`` and ``sample_losses``
    (params, weights over samples) -> weighted loss, so that a mini-batch
    gradient is the gradient of a weighted mean; ``f`` is its full-batch mean.
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
    n_samples: int | None = None
    weighted_loss: Callable[[jax.Array, jax.Array], jax.Array] | None = None
    extras: Mapping[str, object] = field(default_factory=dict)

    def batch_loss(self, x: jax.Array, weights: jax.Array) -> jax.Array:
        """Loss on the mini-batch described by ``weights`` (ignored when analytic)."""
        if self.weighted_loss is None:
            return self.f(x)
        return self.weighted_loss(x, weights)

    @property
    def scale(self) -> float:
        """Diagonal of the plot box, the unit for step-length tolerances."""
        return float(sum((hi - lo) ** 2 for lo, hi in self.bounds) ** 0.5)


def parabola(p: jax.Array) -> jax.Array:
    """f(x) = x^2."""
    return p[0] ** 2


def double_well(p: jax.Array) -> jax.Array:
    """f(x) = x^4 - 3x^2 + x: a local minimum near x = 1.13, the global one near -1.30."""
    x = p[0]
    return x**4 - 3 * x**2 + x


def quadratic(p: jax.Array) -> jax.Array:
    """f(x, y) = (x^2 + 20 y^2) / 2: curvatures 1 and 20, a narrow valley along x."""
    return 0.5 * (p[0] ** 2 + 20.0 * p[1] ** 2)


def rosenbrock(p: jax.Array) -> jax.Array:
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def himmelblau(p: jax.Array) -> jax.Array:
    """f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2."""
    x, y = p[0], p[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def beale(p: jax.Array) -> jax.Array:
    """f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2."""
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def saddle(p: jax.Array) -> jax.Array:
    """f(x, y) = x^2 + y^4/4 - y^2/2: a saddle at the origin, minima at (0, +-1)."""
    x, y = p[0], p[1]
    return x**2 + y**4 / 4 - y**2 / 2


def rastrigin(p: jax.Array) -> jax.Array:
    """f(x, y) = 20 + sum(x_i^2 - 10 cos(2 pi x_i)): a grid of local minima, global at 0."""
    return 20.0 + jnp.sum(p**2 - 10.0 * jnp.cos(2 * jnp.pi * p))


STAIR_RISERS = (1.0, 2.0, 3.0, 4.0)
STAIR_HEIGHT = 1.0
STAIR_HALF_WIDTH = 0.15
STAIR_TILT = 0.2
STAIR_BOTTOM = 5.0
STAIR_ROUNDING = 0.15
STAIR_WALL = 0.3


def _smoothstep(u: jax.Array) -> jax.Array:
    """0 for u <= -1, 1 for u >= 1, 3v^2 - 2v^3 (v = (u + 1)/2) between: a C^1 riser."""
    v = jnp.clip((u + 1) / 2, 0.0, 1.0)
    return v * v * (3 - 2 * v)


def staircase(p: jax.Array) -> jax.Array:
    """The ball-down-a-staircase valley.

    f(x, y) = H sum_i S((r_i - x) / w) + s (sqrt(d^2 + (x - 5)^2) - d) + c y^2,
    with S the smoothstep riser, risers r_i = 1, 2, 3, 4 of height H = 1 and
    half-width w = 0.15, a gentle tilt s = 0.2 along the exactly flat treads,
    a rounded bottom at x = 5 of curvature s/d = 4/3, and walls c y^2, c = 0.3.
    Plain GD settles at the bottom for alpha < 2d/s = 1.5, bounces across it
    above that (the tilt keeps every step bounded), and escapes between the
    walls (curvature 2c) for alpha > 1/c = 3.33.
    """
    x, y = p[0], p[1]
    # A Python sum over the four risers: XLA fuses it, where a reduction over a
    # constant array inside a vmapped scan ran ten times slower on CPU.
    steps = STAIR_HEIGHT * sum(_smoothstep((r - x) / STAIR_HALF_WIDTH) for r in STAIR_RISERS)
    d = STAIR_ROUNDING
    tilt = STAIR_TILT * (jnp.sqrt(d**2 + (x - STAIR_BOTTOM) ** 2) - d)
    return steps + tilt + STAIR_WALL * y**2


FORMULAS: dict[str, Loss] = {
    "parabola": parabola,
    "double_well": double_well,
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
    "beale": beale,
    "saddle": saddle,
    "rastrigin": rastrigin,
    "staircase": staircase,
}
"""Registry of analytic surfaces: name to loss function."""


def _tuple2(rows: list) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in rows)


def _from_spec(name: str, f: Loss, spec: dict) -> Surface:
    presets = {key: float(spec["lr_presets"][key]) for key in PRESET_KEYS}
    return Surface(
        name=name,
        f=f,
        dim=len(spec["bounds"]),
        bounds=_tuple2(spec["bounds"]),
        start=tuple(float(v) for v in spec["start"]),
        default_steps=int(spec["default_steps"]),
        minima=_tuple2(spec["minima"]),
        description=spec["description"],
        lr_presets=presets,
        label=spec["label"],
    )


@cache
def _load_specs() -> dict[str, dict]:
    return tomllib.loads(read_asset("surfaces.toml"))


@cache
def _registry() -> dict[str, Surface]:
    from optiviz import datasets

    specs = _load_specs()
    found = {name: _from_spec(name, f, specs[name]) for name, f in FORMULAS.items()}
    for surface in datasets.build(specs):
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
    arguments return the same Surface object. See :mod:`optiviz.typed_surfaces`.
    """
    from optiviz import typed_surfaces

    return typed_surfaces.from_expression(text, bounds=bounds, start=start)
