"""The class-question store: a presenter opens a question, students answer it, the
presenter closes it and reads the answers.

```python
store = open_store(url=None)  # None: data_dir()/rooms.sqlite3; "sqlite:///path"; "redis://h:p/db"
code = store.create(question)  # {"kind": "where", "surface": name} or {"kind": "which", ...}
store.answer(code, voter, answer)  # {"x": 1.2, "y": 0.1} or {"choice": "good"}; replaces theirs
store.answers(code)  # [{"voter": ..., **answer}, ...], one per voter, in voter order
store.close(code)  # no more answers; they stay readable
```

Every refusal raises :class:`RoomError` and stores nothing. A room is open for
``LIFE_S`` (3 h) after it is created, holds at most ``MAX_VOTERS`` voters; a store holds
at most ``MAX_OPEN`` open rooms; a voter answers at most ``RATE`` times in any
``RATE_WINDOW_S``. Only the ``owner`` given to ``create`` may close its room, and
``owns(code, owner)`` tells whether a secret is that owner (a reloaded presenter's page
takes its room back with it). The clock
is injectable (``open_store(url, clock=...)``) so that tests can age rooms.

SQLite (one server, several processes) takes each write in a ``BEGIN IMMEDIATE``
transaction, in WAL mode with a busy timeout; Redis (several replicas) checks and writes
in one Lua script, so every limit holds under concurrent writers on either backend.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

LIFE_S = 3 * 3600.0
"""How long a room takes answers after it is created."""
KEEP_S = 24 * 3600.0
"""How long a room and its answers are kept before they are purged."""
MAX_VOTERS = 500
MAX_OPEN = 200
RATE = 5
RATE_WINDOW_S = 1.0
"""A voter's answers: at most ``RATE`` in any ``RATE_WINDOW_S`` seconds."""

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Code characters: capitals and digits without the look-alikes 0/O, 1/I/L."""
CODE_LEN = 6
"""31^6 ≈ 8.9e8 codes, about 29.7 bits."""

ENV = "OPTIVIZ_ROOMS_URL"
"""The app's store: unset for the SQLite file in :func:`data_dir`, else a URL."""
DB_NAME = "rooms.sqlite3"

NO_ROOM = "No open question with this code"
KINDS = ("where", "which")
MAX_CHOICES = 12
MAX_LABEL = 80
AXES = ("x", "y")
"""A where answer's fields, one per parameter of the map."""

Clock = Callable[[], float]


class RoomError(ValueError):
    """A refused request; its message is written for the person who made it."""


class Store(Protocol):
    """What both backends offer (see the module docstring)."""

    def create(self, question: Mapping[str, Any], owner: str | None = None) -> str: ...
    def question(self, code: str) -> dict[str, Any]: ...
    def answer(self, code: str, voter: str, answer: Mapping[str, Any]) -> None: ...
    def answers(self, code: str) -> list[dict[str, Any]]: ...
    def close(self, code: str, owner: str | None = None) -> None: ...
    def owns(self, code: str, owner: str) -> bool: ...
    def is_open(self, code: str) -> bool: ...


def data_dir() -> Path:
    """The app's data folder: ``$OPTIVIZ_DATA``, else ``$XDG_DATA_HOME/optiviz``, else
    ``~/.local/share/optiviz``."""
    if os.environ.get("OPTIVIZ_DATA"):
        return Path(os.environ["OPTIVIZ_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "optiviz"


def open_store(url: str | None = None, *, clock: Clock = time.time) -> Store:
    """The store at ``url``: None for ``data_dir()/rooms.sqlite3``, ``sqlite:///path``
    (an absolute path after the third slash) or ``redis://host:port/db``."""
    from optiviz.rooms.sqlite_store import SqliteStore

    if url is None:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return SqliteStore(folder / DB_NAME, clock)
    if url.startswith("sqlite:///"):
        return SqliteStore(Path(url.removeprefix("sqlite://")), clock)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from optiviz.rooms.redis_store import RedisStore

        return RedisStore(url, clock)
    raise ValueError(f"unknown rooms URL {url!r}: use sqlite:///path or redis://host:port/db")


def normal_code(code: str) -> str:
    """``code`` as stored (capitals, no spaces); RoomError if it cannot be a code."""
    text = "".join(str(code).split()).upper()
    if len(text) != CODE_LEN or any(c not in ALPHABET for c in text):
        raise RoomError(NO_ROOM)
    return text


def new_code() -> str:
    """A random code (``secrets``: not guessable from the codes already handed out)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))


def checked_question(question: Mapping[str, Any]) -> dict[str, Any]:
    """``question`` as stored, with the bounds of a "where" surface; RoomError if a
    student could not answer it."""
    if not isinstance(question, Mapping) or question.get("kind") not in KINDS:
        raise RoomError('A question needs "kind": "where" or "which".')
    q = dict(question)
    if q["kind"] == "where":
        from optiviz.core import surfaces

        name = str(q.get("surface"))
        if name not in surfaces.names():
            raise RoomError(f"A where question needs a registered surface; {name!r} is not one.")
        surface = surfaces.get(name)
        if surface.dim > len(AXES):
            raise RoomError("A where question needs a surface drawn as a map (x, or x and y).")
        q["bounds"] = [list(b) for b in surface.bounds]
    else:
        choices = q.get("choices")
        if (
            not isinstance(choices, list | tuple)
            or not 2 <= len(choices) <= MAX_CHOICES
            or not all(isinstance(c, str) and 0 < len(c) <= MAX_LABEL for c in choices)
            or len(set(choices)) != len(choices)
        ):
            raise RoomError(
                f"A which question needs 2 to {MAX_CHOICES} different labels as its choices."
            )
        q["choices"] = list(choices)
    try:
        json.dumps(q, allow_nan=False)
    except (TypeError, ValueError):
        raise RoomError("A question holds only plain, finite values.") from None
    return q


def checked_answer(question: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """``answer`` as stored: finite numbers inside the question's bounds, one per axis,
    or one of its choices; RoomError for anything else."""
    if not isinstance(answer, Mapping):
        raise RoomError("An answer is a point on the map or one of the choices.")
    if question["kind"] == "which":
        choice = answer.get("choice")
        if set(answer) != {"choice"} or choice not in question["choices"]:
            raise RoomError("Pick one of the offered choices.")
        return {"choice": choice}
    axes = AXES[: len(question["bounds"])]
    if set(answer) != set(axes):
        raise RoomError(f"A point on the map has {' and '.join(axes)}.")
    point = {}
    for axis, (lo, hi) in zip(axes, question["bounds"], strict=True):
        v = answer[axis]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise RoomError("A point on the map is made of finite numbers.")
        if not lo <= v <= hi:
            raise RoomError(f"{axis} = {v:g} is outside the map ({lo:g} to {hi:g}).")
        point[axis] = float(v)
    return point


def same_owner(stored: str | None, owner: str) -> bool:
    """Whether ``owner`` is the room's ``stored`` owner (a room without one has none; the
    comparison takes the same time wherever the texts differ)."""
    if not stored or not isinstance(owner, str) or not owner:
        return False
    return secrets.compare_digest(stored.encode(), owner.encode())


def checked_voter(voter: str) -> str:
    if not isinstance(voter, str) or not 0 < len(voter) <= 100:
        raise RoomError("This browser session has no id to answer with.")
    return voter


TOO_FAST = f"Too many answers: at most {RATE} a second."
FULL = f"This question already has {MAX_VOTERS} answers, the most it takes."
TOO_MANY_ROOMS = (
    f"The server already has {MAX_OPEN} open questions: reveal one, or wait until one "
    f"expires ({LIFE_S / 3600:g} h after it was asked)."
)
NOT_OWNER = "Only the presenter who asked this question can reveal it."
