"""The rooms on SQLite: one file, any number of threads and processes on one machine."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optiviz.rooms import (
    FULL,
    KEEP_S,
    LIFE_S,
    MAX_OPEN,
    MAX_VOTERS,
    NO_ROOM,
    NOT_OWNER,
    RATE,
    RATE_WINDOW_S,
    TOO_FAST,
    TOO_MANY_ROOMS,
    Clock,
    RoomError,
    checked_answer,
    checked_question,
    checked_voter,
    new_code,
    normal_code,
    same_owner,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
  code TEXT PRIMARY KEY, question TEXT NOT NULL, owner TEXT,
  created REAL NOT NULL, closed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS answers (
  code TEXT NOT NULL, voter TEXT NOT NULL, answer TEXT NOT NULL, at REAL NOT NULL,
  PRIMARY KEY (code, voter));
CREATE TABLE IF NOT EXISTS rates (voter TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rates_voter ON rates (voter, at);
"""


class SqliteStore:
    """Rooms in one SQLite file: one connection per thread, WAL, a 30 s busy timeout."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path, self.clock = Path(path), clock
        self._local = threading.local()
        self._questions: dict[str, dict[str, Any]] = {}
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def _write(self) -> _Immediate:
        return _Immediate(self._db())

    def _row(self, db: sqlite3.Connection, code: str) -> tuple[str, str | None, float, int]:
        row = db.execute(
            "SELECT question, owner, created, closed FROM rooms WHERE code = ?", (code,)
        ).fetchone()
        if row is None:
            raise RoomError(NO_ROOM)
        return row

    def _open_row(self, db: sqlite3.Connection, code: str) -> tuple[str, str | None, float, int]:
        row = self._row(db, code)
        if row[3] or self.clock() - row[2] >= LIFE_S:
            raise RoomError(NO_ROOM)
        return row

    def create(self, question: Mapping[str, Any], owner: str | None = None) -> str:
        """Open a room for ``question``; its code. ``owner`` alone may close it."""
        q = checked_question(question)
        now = self.clock()
        with self._write() as db:
            db.execute(
                "DELETE FROM answers WHERE code IN (SELECT code FROM rooms WHERE created < ?)",
                (now - KEEP_S,),
            )
            db.execute("DELETE FROM rooms WHERE created < ?", (now - KEEP_S,))
            (n,) = db.execute(
                "SELECT COUNT(*) FROM rooms WHERE closed = 0 AND created > ?", (now - LIFE_S,)
            ).fetchone()
            if n >= MAX_OPEN:
                raise RoomError(TOO_MANY_ROOMS)
            code = new_code()
            while db.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone():
                code = new_code()
            db.execute(
                "INSERT INTO rooms (code, question, owner, created) VALUES (?, ?, ?, ?)",
                (code, json.dumps(q), owner, now),
            )
        return code

    def question(self, code: str) -> dict[str, Any]:
        """The room's question (open or closed); RoomError for an unknown code."""
        code = normal_code(code)
        if code not in self._questions:
            self._questions[code] = json.loads(self._row(self._db(), code)[0])
        return dict(self._questions[code])

    def is_open(self, code: str) -> bool:
        """Whether the room takes answers now."""
        try:
            self._open_row(self._db(), normal_code(code))
        except RoomError:
            return False
        return True

    def answer(self, code: str, voter: str, answer: Mapping[str, Any]) -> None:
        """Store ``voter``'s answer (replacing theirs) if the room is open, not full and
        the voter is within the rate limit."""
        code, voter = normal_code(code), checked_voter(voter)
        value = json.dumps(checked_answer(self.question(code), answer))
        now = self.clock()
        with self._write() as db:
            self._open_row(db, code)
            db.execute("DELETE FROM rates WHERE at <= ?", (now - RATE_WINDOW_S,))
            (recent,) = db.execute(
                "SELECT COUNT(*) FROM rates WHERE voter = ?", (voter,)
            ).fetchone()
            if recent >= RATE:
                raise RoomError(TOO_FAST)
            known = db.execute(
                "SELECT 1 FROM answers WHERE code = ? AND voter = ?", (code, voter)
            ).fetchone()
            if not known:
                (n,) = db.execute("SELECT COUNT(*) FROM answers WHERE code = ?", (code,)).fetchone()
                if n >= MAX_VOTERS:
                    raise RoomError(FULL)
            db.execute(
                "INSERT INTO answers (code, voter, answer, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (code, voter) DO UPDATE "
                "SET answer = excluded.answer, at = excluded.at",
                (code, voter, value, now),
            )
            db.execute("INSERT INTO rates (voter, at) VALUES (?, ?)", (voter, now))

    def answers(self, code: str) -> list[dict[str, Any]]:
        """One dict per voter, in voter order: ``"voter"`` and the answer's fields."""
        code = normal_code(code)
        db = self._db()
        self._row(db, code)
        rows = db.execute(
            "SELECT voter, answer FROM answers WHERE code = ? ORDER BY voter", (code,)
        ).fetchall()
        return [{"voter": v, **json.loads(a)} for v, a in rows]

    def owns(self, code: str, owner: str) -> bool:
        """Whether ``owner`` (a non-empty secret) is the one who created the room."""
        try:
            row = self._row(self._db(), normal_code(code))
        except RoomError:
            return False
        return same_owner(row[1], owner)

    def close(self, code: str, owner: str | None = None) -> None:
        """Stop taking answers; only the room's owner may (RoomError otherwise)."""
        code = normal_code(code)
        with self._write() as db:
            row = self._row(db, code)
            if row[1] != owner:
                raise RoomError(NOT_OWNER)
            db.execute("UPDATE rooms SET closed = 1 WHERE code = ?", (code,))


class _Immediate:
    """``with``: one ``BEGIN IMMEDIATE`` transaction, committed, or rolled back on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: type | None, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
