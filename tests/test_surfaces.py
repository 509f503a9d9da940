"""The surface registry: documented fields, formulas against NumPy, minima."""

from __future__ import annotations

import ast
from pathlib import Path

import jax
import numpy as np
import pytest

from optiviz.core import limits, surfaces
from optiviz.core.surfaces import staircase

NAMES = surfaces.names()
REQUIRED = {"parabola", "quadratic", "rosenbrock", "himmelblau", "beale", "staircase"}
POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [-1.5, 2.0], [0.3, -0.7], [2.5, 0.4], [-3.0, -2.0]])


def test_required_surfaces_are_registered() -> None:
    assert REQUIRED.issubset(NAMES)
    assert len(surfaces.names(dim=1)) >= 2
    assert len(surfaces.names(dim=2)) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_documented_fields(name: str) -> None:
    s = surfaces.get(name)
    assert s.name == name
    assert s.dim in (1, 2) or s.dim == s.extras["degree"] + 1
    assert len(s.bounds) == s.dim
    assert all(lo < hi for lo, hi in s.bounds)
    assert len(s.start) == s.dim
    assert all(lo <= x <= hi for x, (lo, hi) in zip(s.start, s.bounds, strict=True))
    assert 1 <= s.default_steps <= limits.MAX_STEPS
    assert all(len(m) == s.dim for m in s.minima)
    assert isinstance(s.description, str) and len(s.description) > 20
    loss = s.f(np.asarray(s.start, np.float32))
    assert loss.shape == () and np.isfinite(loss)
    assert surfaces.get(s) is s


MINIMA = [(name, m) for name in NAMES for m in surfaces.get(name).minima]


@pytest.mark.parametrize(("name", "minimum"), MINIMA)
def test_listed_minima_are_stationary_and_lowest_nearby(name: str, minimum: tuple) -> None:
    s = surfaces.get(name)
    x = np.asarray(minimum, np.float32)
    assert np.linalg.norm(jax.grad(s.f)(x)) < 5e-3
    offsets = 1e-2 * np.concatenate([np.eye(s.dim), -np.eye(s.dim)])
    assert all(s.f(x + d) > s.f(x) for d in offsets.astype(np.float32))


def test_every_data_surface_lists_its_minimum() -> None:
    for name in NAMES:
        s = surfaces.get(name)
        if s.n_samples is not None:
            assert len(s.minima) == 1


@pytest.mark.parametrize("minimum", surfaces.get("himmelblau").minima)
def test_himmelblau_minima_are_zero(minimum: tuple) -> None:
    assert float(surfaces.get("himmelblau").f(np.asarray(minimum, np.float32))) < 1e-6


REFERENCES = {
    "parabola": lambda x, y: x**2,
    "quadratic": lambda x, y: 0.5 * (x**2 + 20 * y**2),
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
}


@pytest.mark.parametrize("name", list(REFERENCES))
def test_formulas_against_numpy(name: str) -> None:
    s = surfaces.get(name)
    got = np.array([float(s.f(p[: s.dim].astype(np.float32))) for p in POINTS])
    want = REFERENCES[name](POINTS[:, 0], POINTS[:, 1])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_rosenbrock_and_beale_known_values() -> None:
    assert float(surfaces.get("rosenbrock").f(np.float32([1.0, 1.0]))) == 0.0
    assert float(surfaces.get("beale").f(np.float32([3.0, 0.5]))) == 0.0
    assert float(surfaces.get("rosenbrock").f(np.float32([0.0, 0.0]))) == 1.0


def test_staircase_has_flat_treads_and_steep_risers() -> None:
    s = surfaces.get("staircase")
    slope = jax.vmap(jax.grad(s.f))
    treads = np.float32([[0.5, 0.0], [1.5, 0.0], [2.5, 0.0], [3.5, 0.0]])
    risers = np.float32([[r, 0.0] for r in staircase.STAIR_RISERS])
    tread_slope = -np.asarray(slope(treads))[:, 0]
    riser_slope = -np.asarray(slope(risers))[:, 0]
    np.testing.assert_allclose(tread_slope, staircase.STAIR_TILT, rtol=0.05)
    assert np.all(riser_slope > 20 * tread_slope)


def test_unknown_surface_raises() -> None:
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get("moebius")


KINDS = ("analytic", "base", "datasets", "expressions", "polynomial", "probe", "staircase", "typed")


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_imports_the_registry_back(kind: str) -> None:
    path = Path(surfaces.__file__).parent / f"{kind}.py"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "optiviz.core.surfaces":
            assert all(a.name in KINDS for a in node.names), f"{kind} imports the registry"
        if isinstance(node, ast.ImportFrom) and node.module == "optiviz":
            assert "surfaces" not in [a.name for a in node.names], f"{kind} imports the registry"
        if isinstance(node, ast.Import):
            assert "optiviz.core.surfaces" not in [a.name for a in node.names], kind
