"""The class-question store on both backends: SQLite (a file in tmp) and Redis (Debian's
``redis-server``, started here on a free loopback port and stopped at the end).

Each test gets a fresh, empty store from ``make``; a second ``make()`` is a second store
object on the same data: a restarted server on SQLite, a second replica on Redis.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from optiviz import rooms
from optiviz.core import surfaces
from optiviz.devtools.server import free_port
from optiviz.rooms import RoomError
from tests.support.answering import wait_answering

ROOT = Path(__file__).resolve().parents[1]
WHERE = {"kind": "where", "surface": "rosenbrock", "steps": 40}
WHICH = {"kind": "which", "choices": ["α = 0.01", "α = 0.1", "α = 0.8"], "ask": "settles"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on loopback (no persistence), stopped after the session."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: scripts/test.sh installs Debian's redis-server"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    wait_answering(client.ping, server, "redis-server", (redis.ConnectionError,))
    try:
        yield url
    finally:
        client.close()
        server.terminate()
        server.wait(10)


@pytest.fixture(params=["sqlite", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    found = request.getfixturevalue("redis_url")
    redis.Redis.from_url(found).flushdb()
    return found


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make(url: str, clock: Clock) -> Callable[[], rooms.Store]:
    """A new store object on the test's data, with the test's clock."""
    return lambda: rooms.open_store(url, clock=clock)


def test_answers_replace_and_read_back(make):
    store = make()
    code = store.create(WHERE)
    assert len(code) == rooms.CODE_LEN and set(code) <= set(rooms.ALPHABET)
    store.answer(code, "b", {"x": 0.5, "y": -0.25})
    store.answer(code, "a", {"x": 1, "y": 2})
    store.answer(code, "b", {"x": -1.0, "y": 1.5})
    assert store.answers(code) == [
        {"voter": "a", "x": 1.0, "y": 2.0},
        {"voter": "b", "x": -1.0, "y": 1.5},
    ]
    q = store.question(code)
    assert q["surface"] == "rosenbrock" and q["steps"] == 40
    assert q["bounds"] == [list(b) for b in surfaces.get("rosenbrock").bounds]
    other = store.create(WHICH)
    store.answer(other.lower(), "a", {"choice": "α = 0.8"})
    store.answer(other, "a", {"choice": "α = 0.1"})
    assert store.answers(other) == [{"voter": "a", "choice": "α = 0.1"}]
    assert store.answers(code)[0] == {"voter": "a", "x": 1.0, "y": 2.0}


def test_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(rooms.ALPHABET)
    assert len(set(rooms.ALPHABET)) == len(rooms.ALPHABET)
    bits = rooms.CODE_LEN * math.log2(len(rooms.ALPHABET))
    assert 29 < bits < 31


def test_voter_limit(make):
    store = make()
    code = store.create(WHICH)
    for i in range(rooms.MAX_VOTERS):
        store.answer(code, f"v{i:03d}", {"choice": WHICH["choices"][i % 3]})
    with pytest.raises(RoomError, match="500 answers"):
        store.answer(code, "late", {"choice": "α = 0.1"})
    store.answer(code, "v007", {"choice": "α = 0.8"})  # a voter already in may change
    answers = store.answers(code)
    assert len(answers) == rooms.MAX_VOTERS and "late" not in {a["voter"] for a in answers}
    assert {"voter": "v007", "choice": "α = 0.8"} in answers


BOUNDS = surfaces.get("rosenbrock").bounds
BAD_POINTS = [
    {"x": BOUNDS[0][1] + 0.01, "y": 0.0},
    {"x": 0.0, "y": BOUNDS[1][0] - 0.01},
    {"x": math.nan, "y": 0.0},
    {"x": math.inf, "y": 0.0},
    {"x": True, "y": 0.0},
    {"x": "1", "y": 0.0},
    {"x": 0.0},
    {"x": 0.0, "y": 0.0, "z": 0.0},
    {"choice": "α = 0.1"},
    [0.0, 0.0],
]


@pytest.mark.parametrize("bad", BAD_POINTS, ids=repr)
def test_bad_points_refused(make, bad):
    store = make()
    code = store.create(WHERE)
    with pytest.raises(RoomError):
        store.answer(code, "a", bad)
    store.answer(code, "b", {"x": BOUNDS[0][1], "y": BOUNDS[1][0]})  # the edge is inside
    assert [a["voter"] for a in store.answers(code)] == ["b"]


@pytest.mark.parametrize(
    "bad", [{"choice": "α = 0.5"}, {"choice": None}, {"choice": "α = 0.1", "x": 1}, {}]
)
def test_bad_choices_refused(make, bad):
    store = make()
    code = store.create(WHICH)
    with pytest.raises(RoomError, match="offered choices"):
        store.answer(code, "a", bad)
    assert store.answers(code) == []


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"kind": "poll"},
        {"kind": "where", "surface": "no such surface"},
        {"kind": "which", "choices": ["only one"]},
        {"kind": "which", "choices": ["a", "a"]},
        {"kind": "which", "choices": ["a", 2]},
        {"kind": "which", "choices": ["a", "b"], "extra": math.nan},
    ],
)
def test_bad_questions_refused(make, bad):
    with pytest.raises(RoomError):
        make().create(bad)


def test_wrong_closed_and_expired_codes(make, clock):
    store = make()
    for wrong in ["", "ABC", "ABCDEFG", "O0I1L2", "ZZZZZZ"]:
        with pytest.raises(RoomError) as e:
            store.answer(wrong, "a", {"choice": "α = 0.1"})
        assert str(e.value) == rooms.NO_ROOM
    closed, expiring = store.create(WHICH), store.create(WHICH)
    store.answer(closed, "a", {"choice": "α = 0.1"})
    store.close(closed)
    clock.now += rooms.LIFE_S - 1
    store.answer(expiring, "a", {"choice": "α = 0.8"})
    assert store.is_open(expiring) and not store.is_open(closed)
    clock.now += 1
    for code in (closed, expiring):
        with pytest.raises(RoomError) as e:
            store.answer(code, "b", {"choice": "α = 0.1"})
        assert str(e.value) == rooms.NO_ROOM
        assert not store.is_open(code)
    assert store.answers(closed) == [{"voter": "a", "choice": "α = 0.1"}]
    assert store.answers(expiring) == [{"voter": "a", "choice": "α = 0.8"}]


def test_only_the_owner_closes(make):
    store = make()
    code = store.create(WHICH, owner="presenter")
    for who in (None, "student"):
        with pytest.raises(RoomError, match="Only the presenter"):
            make().close(code, owner=who)
    store.answer(code, "a", {"choice": "α = 0.1"})  # still open
    make().close(code, owner="presenter")
    assert not store.is_open(code)


def test_owns_names_only_the_owner(make):
    """``owns`` is what lets a presenter's reloaded page take its room back: true for the
    secret given to ``create`` alone, seen from a second store object, open or closed."""
    code = make().create(WHICH, owner="presenter-secret")
    unowned = make().create(WHICH)
    store = make()
    assert store.owns(code, "presenter-secret")
    for who in ("", "presenter", "presenter-secret ", "PRESENTER-SECRET"):
        assert not store.owns(code, who)
    assert not store.owns(unowned, "")
    assert not store.owns("ZZZZZZ", "presenter-secret")
    assert not store.owns("not a code", "presenter-secret")
    store.close(code, owner="presenter-secret")
    assert make().owns(code, "presenter-secret")


def test_open_room_limit(make, clock):
    store = make()
    codes = [store.create(WHICH) for _ in range(rooms.MAX_OPEN)]
    assert len(set(codes)) == rooms.MAX_OPEN
    with pytest.raises(RoomError, match="200 open questions"):
        store.create(WHICH)
    store.close(codes[0])
    store.create(WHICH)
    with pytest.raises(RoomError, match="200 open questions"):
        store.create(WHERE)
    clock.now += rooms.LIFE_S
    store.create(WHERE)


def test_rate_limit(make, clock):
    store = make()
    code = store.create(WHICH)
    for i in range(rooms.RATE):
        store.answer(code, "a", {"choice": WHICH["choices"][i % 3]})
    with pytest.raises(RoomError, match="at most 5 a second"):
        store.answer(code, "a", {"choice": "α = 0.8"})
    assert store.answers(code) == [{"voter": "a", "choice": WHICH["choices"][(rooms.RATE - 1) % 3]}]
    store.answer(code, "b", {"choice": "α = 0.8"})  # another session is not slowed
    clock.now += rooms.RATE_WINDOW_S
    store.answer(code, "a", {"choice": "α = 0.8"})
    assert store.answers(code)[0] == {"voter": "a", "choice": "α = 0.8"}


def test_second_store_sees_everything(make):
    """A restarted server (SQLite) or a second replica (Redis) reads and writes the room."""
    first = make()
    code = first.create(WHERE, owner="p")
    first.answer(code, "a", {"x": 0.0, "y": 0.0})
    del first
    second = make()
    assert second.question(code)["surface"] == "rosenbrock" and second.is_open(code)
    second.answer(code, "b", {"x": 1.0, "y": 1.0})
    second.close(code, owner="p")
    assert [a["voter"] for a in make().answers(code)] == ["a", "b"]


def test_threads_lose_nothing(make):
    """200 threads, one voter each, answer at once (through one store object, as the app's
    sessions share one); a second store object reads all 200."""
    store = make()
    code = store.create(WHERE)
    barrier, failures = threading.Barrier(200), []

    def vote(i: int) -> None:
        barrier.wait()
        try:
            store.answer(code, f"t{i:03d}", {"x": i / 200, "y": -i / 400})
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            failures.append(e)

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    got = {a["voter"]: (a["x"], a["y"]) for a in make().answers(code)}
    assert got == {f"t{i:03d}": (i / 200, -i / 400) for i in range(200)}


WORKER = """
import sys
from optiviz import rooms
url, code, p = sys.argv[1:]
store = rooms.open_store(url)
for i in range(50):
    store.answer(code, f"p{p}-{i:02d}", {"choice": ["α = 0.01", "α = 0.1", "α = 0.8"][i % 3]})
"""


def test_processes_lose_nothing(url, make):
    """4 processes × 50 voters answer at once; a store object in this process reads all.
    The workers run on the real clock, so this room is created on it too."""
    code = rooms.open_store(url).create(WHICH)
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, code, str(p)], cwd=ROOT)
        for p in range(4)
    ]
    assert [w.wait(120) for w in workers] == [0] * 4
    got = {a["voter"]: a["choice"] for a in make().answers(code)}
    want = {f"p{p}-{i:02d}": WHICH["choices"][i % 3] for p in range(4) for i in range(50)}
    assert got == want


def test_default_store_is_sqlite_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTIVIZ_DATA", str(tmp_path / "data"))
    store = rooms.open_store()
    code = store.create(WHICH)
    path = tmp_path / "data" / rooms.DB_NAME
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT code FROM rooms").fetchall() == [(code,)]
    assert store._db().execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with pytest.raises(ValueError, match="unknown rooms URL"):
        rooms.open_store("postgres://x")


def test_voter_limit_holds_under_concurrency(make):
    """540 new voters at once: exactly 500 get in, whatever the order (the check and the
    write are one transaction, or one Lua script)."""
    store = make()
    code = store.create(WHICH)
    barrier, refused = threading.Barrier(540), []

    def vote(i: int) -> None:
        barrier.wait()
        try:
            store.answer(code, f"c{i:03d}", {"choice": "α = 0.1"})
        except RoomError as e:
            refused.append(str(e))

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(540)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert refused == [rooms.FULL] * 40
    assert len(make().answers(code)) == rooms.MAX_VOTERS
