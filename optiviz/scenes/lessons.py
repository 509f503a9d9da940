"""Ready lessons, read from ``assets/lessons.toml`` (data, not code)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from optiviz.resources import read_asset

DEFAULT_BASE_URL = "http://localhost:8501"
"""Where ``streamlit run`` and ``optiviz app`` serve the app by default."""


@dataclass(frozen=True)
class Lesson:
    """One lesson: its id, title, two or three sentences, what to watch for, the claims
    of ``docs/teaching.md`` it shows (phrases quoted from there), and the widget values
    that set it up."""

    id: str
    title: str
    summary: str
    watch: str
    claims: tuple[str, ...]
    settings: Mapping[str, object]


@cache
def load() -> dict[str, Lesson]:
    """Every lesson, in file order, keyed by id."""
    raw = tomllib.loads(read_asset("lessons.toml"))["lessons"]
    return {
        key: Lesson(
            key, v["title"], v["summary"], v["watch"], tuple(v["claims"]), dict(v["settings"])
        )
        for key, v in raw.items()
    }


def url_text(value: object) -> str:
    """A setting as the app writes it in its address, which is the only spelling its
    widgets accept: floats in their shortest form (0.0 as "0", 100.0 as "100"),
    booleans in lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, float) else str(value)


def query(lesson: Lesson) -> str:
    """The app's query string that opens ``lesson``: its settings plus ``lesson=<id>``."""
    pairs = [
        (key, url_text(v))
        for key, value in lesson.settings.items()
        for v in (value if isinstance(value, list) else [value])
    ]
    return "?" + urlencode([*pairs, ("lesson", lesson.id)])


def link(lesson: Lesson, base_url: str = DEFAULT_BASE_URL) -> str:
    """The address that opens ``lesson`` in the app served at ``base_url``."""
    return base_url.rstrip("/") + "/" + query(lesson)
