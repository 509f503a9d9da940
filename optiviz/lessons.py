"""Ready lessons, read from ``assets/lessons.toml`` (data, not code)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from optiviz.surfaces import ASSETS


@dataclass(frozen=True)
class Lesson:
    """One lesson: its id, title, two or three sentences, what to watch for, the
    TEACHING.md claims it shows, and the widget values that set it up."""

    id: str
    title: str
    summary: str
    watch: str
    claims: tuple[str, ...]
    settings: Mapping[str, object]


@cache
def load() -> dict[str, Lesson]:
    """Every lesson, in file order, keyed by id."""
    with open(ASSETS / "lessons.toml", "rb") as fh:
        raw = tomllib.load(fh)["lessons"]
    return {
        key: Lesson(
            key, v["title"], v["summary"], v["watch"], tuple(v["claims"]), dict(v["settings"])
        )
        for key, v in raw.items()
    }
