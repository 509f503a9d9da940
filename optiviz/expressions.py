"""Typed loss functions: a formula in x (and y) parsed safely into a JAX Surface.

The text is never evaluated as Python. ``ast.parse`` only builds a syntax tree;
a whitelist walker admits numbers, the names x, y, pi, e, the operators
+ - * / ** (``^`` means power), unary signs and calls of :data:`FUNCTIONS`, and
compiles them to a tree of ``jax.numpy`` closures. Constant parts are folded
in float64 NumPy as the tree is built, so a constant exponent is known before the
power that uses it: an exponent beyond ``limits.MAX_EXPONENT`` (``9^9^9``)
is rejected without computing the huge power. Length and nesting are bounded
by ``limits`` too. Positions in messages count characters from 1, in the text
with runs of whitespace collapsed to one space.
"""

from __future__ import annotations

import ast
import itertools
import math
import string
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple, NoReturn

import jax
import jax.numpy as jnp
import numpy as np

from optiviz import limits
from optiviz.surfaces import PRESET_KEYS, Loss, Surface


class Op(NamedTuple):
    """One operation twice: on JAX arrays, and on float64 NumPy scalars for folding."""

    jax: Callable
    numpy: Callable


def _np_sigmoid(v):
    return 1 / (1 + np.exp(-v))


_SHARED = ("sin", "cos", "tan", "exp", "log", "log2", "log10", "sqrt", "abs", "tanh", "sinh")
_SHARED += ("cosh", "arctan", "arcsin", "arccos")
FUNCTIONS: dict[str, Op] = {name: Op(getattr(jnp, name), getattr(np, name)) for name in _SHARED}
FUNCTIONS |= {"ln": Op(jnp.log, np.log), "sigmoid": Op(jax.nn.sigmoid, _np_sigmoid)}
"""The functions a formula may call, each with one argument."""

CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = {"x": lambda x, y: x, "y": lambda x, y: y}
OPERATORS = {
    ast.Add: Op(jnp.add, np.add),
    ast.Sub: Op(jnp.subtract, np.subtract),
    ast.Mult: Op(jnp.multiply, np.multiply),
    ast.Div: Op(jnp.divide, np.divide),
    ast.Pow: Op(jnp.power, np.power),
    ast.UAdd: Op(jnp.positive, np.positive),
    ast.USub: Op(jnp.negative, np.negative),
}
ALLOWED_CHARACTERS = frozenset(string.ascii_letters + string.digits + " _.,+-*/^()")
HELP = "use numbers, x, y, pi, e, + - * / ^, parentheses and functions such as sin(x)"

DEFAULT_BOUNDS = (-3.0, 3.0)
DEFAULT_STEPS = 100
GRID_SIDE = {1: 201, 2: 61}
"""Grid points per axis where the start and the minimum are found."""
CURVATURE_SIDE = {1: 101, 2: 21}
"""Grid points per axis where the Hessian is evaluated for the presets."""
PRESET_FACTORS = {"too small": 0.02, "good": 0.5, "too large": 1.9, "diverging": 3.0}
"""Plain-GD learning rates as multiples of 1/L, L the largest curvature in reach."""
ALPHA_RANGE = (1e-5, 300.0)

Fn = Callable[[jax.Array, jax.Array | None], jax.Array]


class Formula(NamedTuple):
    """A parsed formula: normalized ``text``, loss ``f`` of a length-``dim`` array."""

    text: str
    f: Loss
    dim: int


def parse(text: str) -> Formula:
    """Parse ``text`` into a JAX loss; ``ValueError`` with a student-readable message.

    dim is 2 when y appears, else 1 (a constant formula has dim 1).
    """
    text = _normalized(text)
    source, origin = _python_source(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise ValueError(_syntax_message(err, text, origin)) from None
    body = _Builder(text, origin).build(tree.body, 1)
    dim = 2 if any(isinstance(n, ast.Name) and n.id == "y" for n in ast.walk(tree)) else 1
    return Formula(text, _as_loss(body, dim, text), dim)


def _normalized(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"a formula is a string, got {type(text).__name__}")
    if len(text) > limits.MAX_FORMULA_LENGTH:
        raise ValueError(
            f"the formula is too long: {len(text)} characters, at most {limits.MAX_FORMULA_LENGTH}"
        )
    text = " ".join(text.split())
    if not text:
        raise ValueError("type a formula in x (and y), for example x^2 + y^2")
    return text


def _python_source(text: str) -> tuple[str, list[int]]:
    """``text`` with ``^`` as ``**``, and for each source column its 1-based position."""
    for i, ch in enumerate(text, 1):
        if ch not in ALLOWED_CHARACTERS:
            why = "type only the formula: x^2 + y^2, not f = x^2 + y^2" if ch == "=" else HELP
            raise ValueError(f"the character {ch!r} at position {i} is not allowed: {why}")
    _check_parentheses(text)
    source, origin = [], []
    for i, ch in enumerate(text, 1):
        piece = "**" if ch == "^" else ch
        source.append(piece)
        origin.extend([i] * len(piece))
    return "".join(source), origin + [len(text) + 1]


def _check_parentheses(text: str) -> None:
    opened: list[int] = []
    for i, ch in enumerate(text, 1):
        if ch == "(":
            opened.append(i)
        elif ch == ")" and not opened:
            raise ValueError(f"unexpected ')' at position {i}: there is no '(' for it to close")
        elif ch == ")":
            opened.pop()
    if opened:
        raise ValueError(
            f"missing closing parenthesis at position {len(text) + 1}: "
            f"the '(' at position {opened[-1]} is never closed"
        )


def _syntax_message(err: SyntaxError, text: str, origin: list[int]) -> str:
    offset = err.offset or 0
    if not 1 <= offset <= len(origin) - 1:
        return f"the formula ends too early: something is missing after {text!r}"
    pos = origin[offset - 1]
    if "decimal literal" in (err.msg or ""):
        return f"missing '*' after the number at position {pos}: write a product as 2*x"
    ch = text[pos - 1]
    hint = ": is an operator such as * missing?" if ch.isalnum() or ch == "(" else ""
    return f"unexpected {ch!r} at position {pos}{hint}"


class _Builder:
    """Compiles a whitelisted syntax tree; a node becomes a float (constant) or an Fn."""

    def __init__(self, text: str, origin: list[int]):
        self.text, self.origin = text, origin
        self.rules = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.BinOp: self._binary,
            ast.UnaryOp: self._unary,
            ast.Call: self._call,
        }

    def build(self, node: ast.AST, depth: int) -> float | Fn:
        if depth > limits.MAX_FORMULA_DEPTH:
            raise ValueError(
                f"the formula is nested too deeply: at most {limits.MAX_FORMULA_DEPTH} levels"
            )
        rule = self.rules.get(type(node))
        if rule is None:
            self._reject(node)
        return rule(node, depth)

    def _snippet(self, node: ast.AST) -> str:
        start = self.origin[node.col_offset] - 1
        end = self.origin[node.end_col_offset - 1]
        return self.text[start:end]

    def _reject(self, node: ast.AST, why: str = HELP) -> NoReturn:
        raise ValueError(
            f"{self._snippet(node)!r} at position {self.origin[node.col_offset]} "
            f"is not allowed in a formula: {why}"
        )

    def _constant(self, node: ast.Constant, depth: int) -> float:
        if type(node.value) not in (int, float):
            self._reject(node)
        value = float(node.value) if abs(node.value) < 1e300 else math.inf
        if not math.isfinite(value):
            self._reject(node, "the number is too large")
        return value

    def _name(self, node: ast.Name, depth: int) -> float | Fn:
        found = CONSTANTS.get(node.id) or VARIABLES.get(node.id)
        if found is not None:
            return found
        if node.id in FUNCTIONS:
            raise ValueError(f"{node.id!r} is a function: write {node.id}(x)")
        raise ValueError(f"unknown name {node.id!r}: use x and y, or the constants pi and e")

    def _binary(self, node: ast.BinOp, depth: int) -> float | Fn:
        if type(node.op) not in OPERATORS:
            self._reject(node, "the only operators are + - * / ^")
        if isinstance(node.op, ast.Pow):
            return self._power(node, depth)
        # A flat sum or product is a left-leaning chain in Python's tree; it does not count
        # as nesting (its length is bounded by MAX_FORMULA_LENGTH).
        chained = isinstance(node.left, ast.BinOp) and type(node.left.op) is type(node.op)
        left = self.build(node.left, depth if chained else depth + 1)
        return _apply(OPERATORS[type(node.op)], left, self.build(node.right, depth + 1))

    def _power(self, node: ast.BinOp, depth: int) -> float | Fn:
        exponent = self.build(node.right, depth + 1)
        if isinstance(exponent, float) and not abs(exponent) <= limits.MAX_EXPONENT:
            self._reject(
                node,
                f"exponents must lie between -{limits.MAX_EXPONENT} and "
                f"{limits.MAX_EXPONENT}, this one is {exponent:.3g}",
            )
        base = self.build(node.left, depth + 1)
        if isinstance(exponent, float) and exponent.is_integer():
            n = int(exponent)
            return _apply(Op(lambda b: jnp.power(b, n), lambda b: np.power(b, n)), base)
        return _apply(OPERATORS[ast.Pow], base, exponent)

    def _unary(self, node: ast.UnaryOp, depth: int) -> float | Fn:
        if type(node.op) not in OPERATORS:
            self._reject(node)
        return _apply(OPERATORS[type(node.op)], self.build(node.operand, depth + 1))

    def _call(self, node: ast.Call, depth: int) -> float | Fn:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name is None:
            self._reject(node.func)
        if name in VARIABLES or name in CONSTANTS:
            raise ValueError(f"{name!r} is not a function: write a product as {name}*(...)")
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ValueError(f"unknown function {name!r}: use one of {known}")
        if len(node.args) != 1 or node.keywords:
            self._reject(node, f"{name} takes exactly one argument, as in {name}(x)")
        return _apply(FUNCTIONS[name], self.build(node.args[0], depth + 1))


def _apply(op: Op, *args: float | Fn) -> float | Fn:
    """``op`` of the arguments: folded to a float (in float64) when all are constant."""
    if all(isinstance(a, float) for a in args):
        with np.errstate(all="ignore"):
            return float(op.numpy(*(np.float64(a) for a in args)))

    def fn(x, y):
        return op.jax(*(a if isinstance(a, float) else a(x, y) for a in args))

    return fn


def _as_loss(body: float | Fn, dim: int, text: str) -> Loss:
    def f(p: jax.Array) -> jax.Array:
        x, y = p[0], p[1] if dim == 2 else None
        return jnp.full_like(x, body) if isinstance(body, float) else body(x, y)

    f.__doc__ = f"f = {text}"
    return f


def from_expression(
    text: str,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    start: Sequence[float] | None = None,
) -> Surface:
    """The Surface of a typed formula; equal arguments give the same object (an LRU).

    Default plot box [-3, 3] per variable; default start halfway from the
    lowest grid point to the farthest corner. ``lr_presets`` are 0.02/L, 0.5/L,
    1.9/L, 3/L for L the largest Hessian eigenvalue at grid points with
    f <= f(start), the region plain GD stays in while it descends. ``minima``
    holds the lowest grid point when :func:`minimum_in_view`, else nothing.
    """
    text = _normalized(text)
    if bounds is not None:
        bounds = tuple(tuple(float(v) for v in row) for row in bounds)
    if start is not None:
        start = tuple(float(v) for v in np.ravel(start))
    return _cached_surface(text, bounds, start)


@lru_cache(maxsize=32)
def _cached_surface(text: str, bounds, start) -> Surface:
    formula = parse(text)
    dim, variables = formula.dim, "x, y" if formula.dim == 2 else "x"
    bounds = _checked_bounds(bounds, dim)
    points = _grid(bounds, GRID_SIDE[dim])
    values = _values(formula.f, points)
    if not np.isfinite(values).any():
        raise ValueError(f"f = {text} is not defined anywhere in the plot box {bounds}")
    start = _checked_start(start, dim) or _auto_start(points, values, bounds)
    curvature = _curvature(formula.f, bounds, start)
    best = _lowest_inside(values, points, GRID_SIDE[dim])
    return Surface(
        name=text,
        f=formula.f,
        dim=dim,
        bounds=bounds,
        start=start,
        default_steps=DEFAULT_STEPS,
        minima=() if best is None else (best,),
        description=(
            f"f({variables}) = {text}, as typed. The largest curvature where the run starts "
            f"is L ≈ {curvature:.3g}, so plain GD is stable for α < 2/L ≈ {2 / curvature:.3g}."
        ),
        lr_presets=_presets(curvature),
        label=f"f({variables}) = {text}",
        extras={"formula": text},
    )


def _checked_bounds(bounds, dim: int) -> tuple[tuple[float, float], ...]:
    if bounds is None:
        return (DEFAULT_BOUNDS,) * dim
    ok = len(bounds) == dim and all(len(b) == 2 and b[0] < b[1] for b in bounds)
    if not ok or not np.all(np.isfinite(bounds)):
        raise ValueError(f"bounds must be {dim} finite pair(s) (lo, hi) with lo < hi")
    return bounds


def _checked_start(start, dim: int) -> tuple[float, ...] | None:
    if start is not None and (len(start) != dim or not np.all(np.isfinite(start))):
        raise ValueError(f"start must be {dim} finite number(s)")
    return start


def _grid(bounds, side: int) -> np.ndarray:
    """Grid points (side^dim, dim) over ``bounds``, the first axis varying slowest."""
    axes = [np.linspace(lo, hi, side) for lo, hi in bounds]
    return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)


def _values(f: Loss, points: np.ndarray) -> np.ndarray:
    """f at each point, in float64 NumPy (NaN where f is undefined)."""
    return np.asarray(jax.jit(jax.vmap(f))(jnp.asarray(points, jnp.float32)), np.float64)


def _lowest_inside(values: np.ndarray, points: np.ndarray, side: int) -> tuple | None:
    """The lowest grid point if no edge point is as low and its grid neighbours are finite."""
    dim = points.shape[1]
    core = (slice(1, -1),) * dim
    ok = np.pad(np.isfinite(values).reshape((side,) * dim), 1, constant_values=False)
    inner = ok[core].copy()
    for axis, shift in itertools.product(range(dim), (1, -1)):
        inner &= np.roll(ok, shift, axis)[core]
    inner = inner.ravel()
    if not inner.any() or values[inner].min() > np.nanmin(values):
        return None
    return _rounded(points[np.flatnonzero(inner)[np.argmin(values[inner])]])


def _rounded(point) -> tuple[float, ...]:
    return tuple(round(float(v), 6) for v in point)


def _auto_start(points: np.ndarray, values: np.ndarray, bounds) -> tuple[float, ...]:
    """The grid point halfway from the lowest one to the farthest corner with a higher f."""
    low = int(np.nanargmin(values))
    corners = sorted(itertools.product(*bounds), key=lambda c: -np.linalg.norm(c - points[low]))
    for corner in corners:
        i = int(np.argmin(np.linalg.norm(points - (points[low] + corner) / 2, axis=1)))
        if values[i] > values[low]:
            return _rounded(points[i])
    return _rounded(points[low])


def _curvature(f: Loss, bounds, start: tuple[float, ...]) -> float:
    """Largest Hessian eigenvalue over the grid points with f <= f(start), and start."""
    points = np.concatenate([_grid(bounds, CURVATURE_SIDE[len(bounds)]), [start]])
    values, hessians = jax.jit(jax.vmap(lambda p: (f(p), jax.hessian(f)(p))))(
        jnp.asarray(points, jnp.float32)
    )
    values, hessians = np.asarray(values, np.float64), np.asarray(hessians, np.float64)
    keep = (values <= values[-1]) & np.all(np.isfinite(hessians), axis=(1, 2))
    top = np.linalg.eigvalsh(hessians[keep])[:, -1].max() if keep.any() else math.nan
    return float(top) if math.isfinite(top) and top > 0 else 1.0


def _presets(curvature: float) -> dict[str, float]:
    return {
        key: float(f"{np.clip(PRESET_FACTORS[key] / curvature, *ALPHA_RANGE):.3g}")
        for key in PRESET_KEYS
    }


@lru_cache(maxsize=64)
def minimum_in_view(surface: Surface) -> bool:
    """Whether f's lowest value on a grid over the plot box is reached inside the box.

    False when it lies on the edge or next to where f is undefined (NaN): the
    function keeps falling out of view, and gradient descent runs away.
    """
    points = _grid(surface.bounds, GRID_SIDE[surface.dim])
    values = _values(surface.f, points)
    return (
        np.isfinite(values).any()
        and _lowest_inside(values, points, GRID_SIDE[surface.dim]) is not None
    )


def view_warning(surface: Surface) -> str | None:
    """A sentence for the page when :func:`minimum_in_view` is False, else None."""
    if minimum_in_view(surface):
        return None
    return (
        "This function has no minimum inside the plot: it keeps decreasing towards the edge "
        "(or where it is undefined), so gradient descent will run off and diverge."
    )
