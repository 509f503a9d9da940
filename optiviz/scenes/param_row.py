"""One row of the table of controls (``optiviz.scenes.params``): a control's key, kind,
stops or bounds, default, label and help, and how a link's text is read for it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from optiviz.core import limits, surfaces
from optiviz.scenes import lessons

SURFACE_NAMES = surfaces.names()
"""The registry's surfaces, whose own stops a surface-dependent control accepts."""


@dataclass(frozen=True)
class Param:
    """One control. ``kind``: "choice" (a picker of ``stops``), "choices" (several of
    them), "range" (two of them), "number" (within ``bounds``, an integer when ``integer``),
    "flag" (true or false) or "text". ``stops`` is a tuple, or a function that returns them
    (computed from the registries, or, with ``per_surface``, for a surface). A "choice"
    with ``between`` also takes any number from its first stop to its last: the control
    shows it as its current value among its stops (``shown_stops``), which stay as they
    are."""

    key: str
    kind: str
    label: str
    help: str
    default: Any = None
    stops: Sequence[Any] | Callable[..., Sequence[Any]] | None = None
    bounds: tuple[float, float] | None = None
    step: float | None = None
    integer: bool = False
    per_surface: bool = False
    widget: str = ""
    """The Streamlit widget that shows it ("slider", "radio", ...); empty: none of its own."""
    between: bool = False

    def options(self, surface: surfaces.Surface | None = None) -> list[Any]:
        """The stops (for a surface-dependent control, ``surface``'s own)."""
        if callable(self.stops):
            return list(self.stops(surface) if self.per_surface else self.stops())
        return list(self.stops or ())

    def span(self) -> tuple[float, float]:
        """The lowest and highest value it takes: its ``bounds``, or its first and last
        stop."""
        if self.bounds is not None:
            return self.bounds
        stops = self.options()
        return stops[0], stops[-1]

    def shown_stops(self, value: float) -> list[float]:
        """The stops the control draws with ``value`` current: its stops, with ``value``
        in its place among them where it lies between two (``between``)."""
        stops = self.options()
        if value in stops or not self.between:
            return stops
        return sorted([*stops, float(value)])

    def parse(self, texts: Sequence[str]) -> Any:
        """The value a link's texts spell for this control; ``ValueError`` if they spell
        none it can show. Surface-dependent stops are checked against every surface's."""
        if self.kind in ("choices", "range"):
            values = [self._one(t) for t in texts]
            if self.kind == "range" and (len(values) != 2 or values[0] > values[1]):
                raise ValueError(f"{self.key} needs two values, low then high")
            return tuple(values) if self.kind == "range" else values
        if len(texts) != 1:
            raise ValueError(f"{self.key} takes one value")
        return self._one(texts[0])

    def _one(self, text: str) -> Any:
        if self.kind == "flag":
            return {"true": True, "false": False}[text]
        if self.kind == "text":
            if not 0 < len(text) <= limits.MAX_FORMULA_LENGTH:
                raise ValueError(f"{self.key} is empty or too long")
            return text
        if self.kind == "number":
            return self._number(text)
        for value in self._all_stops():
            if lessons.url_text(value) == text:
                return value
        if self.between:
            return self._between(text)
        raise ValueError(f"{self.key} cannot show {text[:40]}")

    def _between(self, text: str) -> float:
        lo, hi = self.span()
        value = float(text)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{self.key} must be between {lo:g} and {hi:g}")
        return value

    def _number(self, text: str) -> float | int:
        value = float(text)
        lo, hi = self.bounds or (-math.inf, math.inf)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{self.key} must be between {lo:g} and {hi:g}")
        if self.integer:
            if value != int(value):
                raise ValueError(f"{self.key} must be a whole number")
            return int(value)
        return value

    def _all_stops(self) -> list[Any]:
        if not self.per_surface:
            return self.options()
        return [v for n in SURFACE_NAMES for v in self.options(surfaces.get(n))]

    def accepts(self, text: str) -> bool:
        """Whether one value of a link's text is one this control can show."""
        try:
            self._one(text)
        except (ValueError, KeyError):
            return False
        return True
