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
import math
import string
from collections.abc import Callable
from typing import NamedTuple, NoReturn

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import limits
from optiviz.core.surfaces.base import Loss


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
