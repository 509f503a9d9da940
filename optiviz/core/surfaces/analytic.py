"""Analytic test functions in one and two variables, by formula."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from optiviz.core.surfaces.base import Loss


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


FORMULAS: dict[str, Loss] = {
    "parabola": parabola,
    "double_well": double_well,
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
    "beale": beale,
    "saddle": saddle,
    "rastrigin": rastrigin,
}
"""Registry of analytic surfaces: name to loss function."""
