"""``optiviz serve``: replicas behind a real nginx on loopback, driven by protocol sessions.

A student here is what a browser does: fetch the page through nginx (which sets the
``optiviz_replica`` cookie to the replica that answered), then open Streamlit's WebSocket
with that cookie and move "Start x" (a server widget; α and k move in the chart). nginx
names the replica of each page request in ``X-Optiviz-Replica``, and of each WebSocket
in its access log, with the cookie it carried.

The ``served`` fixture is one ``optiviz serve --replicas 2 --rooms redis://…`` with a
real ``redis-server``; its last test kills a replica and checks that the others stop
too, so the tests of this module run in file order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from websockets.exceptions import ConnectionClosed

from optiviz import cli
from optiviz.cli import nginx, serve
from optiviz.devtools.protocol import ProtocolSession
from tests.support.answering import wait_answering

ROOT = Path(__file__).resolve().parents[1]
START = "Start x"
STEP = 0.1
SESSIONS = 40
MOVES = 3
BANNER_TIMEOUT_S = 240.0
DISCONNECTS = (TimeoutError, OSError, ConnectionClosed)


def visit(port: int, cookie: str | None = None) -> tuple[str, str]:
    """GET the page through nginx: (the route cookie it set or kept, the replica)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/")
    if cookie:
        request.add_header("Cookie", f"{nginx.ROUTE_COOKIE}={cookie}")
    with urllib.request.urlopen(request, timeout=30) as response:
        replica = response.headers[nginx.REPLICA_HEADER]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == nginx.ROUTE_COOKIE:
                cookie = rest.split(";")[0]
    assert cookie, "nginx set no route cookie"
    return cookie, replica


def streams(access_log: Path) -> Counter[tuple[str, str]]:
    """(the route cookie it carried, the replica that answered) of every WebSocket, from
    nginx's access log (``nginx.ACCESS_LOG``: client port, cookie, replicas tried,
    replica, status, path)."""
    time.sleep(1.0)  # nginx logs a WebSocket when both of its ends have closed
    out: Counter[tuple[str, str]] = Counter()
    for line in access_log.read_text().splitlines():
        _port, cookie, rest = line.split(" ", 2)
        _tried, replica, status, path = rest.rsplit(" ", 3)
        if path == "/_stcore/stream" and status == "101":
            out[cookie, replica] += 1
    return out


def query(index: int) -> str:
    return f"schedule=exponential&start_x={0.3 + 0.02 * index:.2f}&start_y=0.5"


@dataclass
class Student:
    """One visitor's route, replicas seen (page, then each WebSocket) and errors."""

    index: int
    cookie: str = ""
    replicas: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    start: float | None = None
    query: str = ""

    def session(self, port: int, url: str) -> ProtocolSession:
        headers = {"Cookie": f"{nginx.ROUTE_COOKIE}={self.cookie}"}
        return ProtocolSession(port, url, headers=headers)


async def moves(student: Student, session: ProtocolSession, count: int, think_s: float) -> None:
    """``count`` moves of "Start x" by one step each, each after ``think_s``."""
    for _ in range(count):
        await asyncio.sleep(think_s)
        run = await session.rerun({START: round(session.widget(START).value + STEP, 6)})
        if not run.ok:
            student.errors.append(f"move: {run.status} {run.exceptions}")
        student.start, student.query = session.widget(START).value, session.query


async def attend(port: int, student: Student, count: int, think_s: float) -> Student:
    """Visit, connect, open the page and make ``count`` moves; errors are recorded."""
    student.cookie, replica = await asyncio.to_thread(visit, port)
    student.replicas.append(replica)
    try:
        async with student.session(port, query(student.index)) as session:
            first = await session.rerun()
            if not first.ok:
                student.errors.append(f"open: {first.status} {first.exceptions}")
            await moves(student, session, count, think_s)
    except DISCONNECTS as e:
        student.errors.append(f"{type(e).__name__}: {e}")
    return student


def class_of(port: int, n: int, count: int = MOVES, think_s: float = 0.5) -> list[Student]:
    async def run() -> list[Student]:
        return await asyncio.gather(*(attend(port, Student(i), count, think_s) for i in range(n)))

    return asyncio.run(run())


def free_port() -> int:
    return serve.free_port()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A real, empty ``redis-server`` on a loopback port, without persistence."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*command, "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    wait_answering(lambda: serve.check_rooms(url), process, "redis-server", (serve.ServeError,))
    yield url
    process.terminate()
    process.wait(10)


@dataclass
class Served:
    """A running ``optiviz serve``: its process, nginx's port and its first stdout line."""

    process: subprocess.Popen
    port: int
    banner: str

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def replicas(self) -> list[psutil.Process]:
        return [p for p in self.children() if "app" in p.cmdline()]

    def access_log(self) -> Path:
        """nginx's access log, in the working folder it was started in (``-p``)."""
        (master,) = (p for p in self.children() if "nginx" in p.name())
        args = master.cmdline()
        return Path(args[args.index("-p") + 1]) / "access.log"


def start_serve(*flags: str) -> Served:
    """``optiviz serve`` on a free port on 127.0.0.1; returns once it says it is ready."""
    port = free_port()
    command = [sys.executable, "-m", "optiviz", "serve", "--port", str(port)]
    command += ["--address", "127.0.0.1", *flags]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    banner = process.stdout.readline()
    assert banner.startswith("Optiviz at http://127.0.0.1"), process.stderr.read()[-2000:]
    return Served(process, port, banner)


def end(served: Served) -> None:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGINT)
        served.process.wait(30)


@pytest.fixture(scope="module")
def served(redis_url: str) -> Iterator[Served]:
    running = start_serve("--replicas", "2", "--rooms", redis_url)
    yield running
    end(running)


def test_replicas_outside_1_to_64_are_refused(capsys) -> None:
    for bad in ("0", "65", "two"):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["serve", "--replicas", bad])
        assert exit_.value.code == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "--replicas" in lines[0] and "1 to 64" in lines[0]


def test_a_missing_nginx_is_one_line_naming_the_package(monkeypatch, capsys) -> None:
    monkeypatch.setattr(nginx, "binary", lambda: None)
    assert cli.main(["serve", "--replicas", "1", "--port", str(free_port())]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "optiviz serve: error: nginx is not installed; install the Debian package nginx"
    ]


def test_an_unreachable_redis_is_one_line_naming_the_package(capsys) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    before = set(psutil.Process().children(recursive=True))
    assert cli.main(["serve", "--replicas", "1", "--port", str(free_port()), "--rooms", url]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "redis-server" in lines[0]
    assert set(psutil.Process().children(recursive=True)) == before  # nothing was started


def test_replicas_of_another_checkout_run_its_package_in_its_folder(monkeypatch, tmp_path):
    """``launch(root=...)``, the benchmark's ``--reference`` behind nginx: each replica
    imports ``optiviz`` from that checkout, in its folder (its ``.streamlit``)."""
    (tmp_path / "optiviz").mkdir()
    (tmp_path / "optiviz" / "__init__.py").write_text("")
    seen = tmp_path / "seen.txt"
    script = (
        "import os, optiviz; "
        f"open({str(seen)!r}, 'w').write(os.getcwd() + chr(10) + optiviz.__file__); "
        "import time; time.sleep(60)"
    )
    monkeypatch.setattr(serve, "replica_command", lambda port: [sys.executable, "-c", script])
    fleet = serve.launch(1, free_port(), None, "127.0.0.1", root=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not (seen.exists() and seen.read_text().count("\n")) and time.monotonic() < deadline:
            time.sleep(0.1)
        cwd, package = seen.read_text().splitlines()
    finally:
        fleet.stop()
    assert Path(cwd) == tmp_path.resolve()
    assert Path(package) == tmp_path.resolve() / "optiviz" / "__init__.py"


def test_every_replica_has_the_same_cookie_secret_and_the_rooms(served, redis_url) -> None:
    replicas = served.replicas()
    assert len(replicas) == 2
    environs = [p.environ() for p in replicas]
    secrets = {env[serve.SECRET_ENV] for env in environs}
    assert len(secrets) == 1 and len(secrets.pop()) >= 32
    assert {env[serve.ROOMS_ENV] for env in environs} == {redis_url}


def test_forty_sessions_through_nginx_split_evenly_and_stay_on_their_replica(served) -> None:
    """Every WebSocket reaches the replica its cookie names, which is the replica of the
    student's page, and the class splits within 10 % (a hash of a random cookie split
    60 sessions 41/19, docs/benchmarks.md)."""
    students = class_of(served.port, SESSIONS)
    assert [s.errors for s in students if s.errors] == []
    for s in students:
        (page,) = s.replicas
        assert s.cookie == page
        # the page again, with the cookie: the same replica, and no new cookie
        assert visit(served.port, s.cookie) == (s.cookie, page)
    load = Counter(s.replicas[0] for s in students)
    assert streams(served.access_log()) == Counter({(r, r): n for r, n in load.items()})
    assert set(load) == {f"127.0.0.1:{port}" for port in replica_ports(served)}
    share = SESSIONS / len(load)
    assert all(0.9 * share <= n <= 1.1 * share for n in load.values()), load


def replica_ports(served: Served) -> list[int]:
    flags = [arg for p in served.replicas() for arg in p.cmdline()]
    return [int(arg.split("=")[1]) for arg in flags if arg.startswith("--server.port=")]


@dataclass
class Survivor(Student):
    """A student whose replica may die: whether its socket was lost, and the start its
    page showed when it opened again."""

    lost: bool = False
    kept: tuple[float | None, str] = (None, "")
    """The start and the address the page had when its socket died."""
    reopened: float | None = None


async def through_a_kill(port: int, student: Survivor, moved: asyncio.Barrier, killed) -> None:
    """Two moves, wait while the test kills a replica, two more; a student whose socket
    dies opens the page again from its URL (same cookie) and moves once more there."""
    student.cookie, replica = await asyncio.to_thread(visit, port)
    student.replicas.append(replica)
    async with student.session(port, query(student.index)) as session:
        await session.rerun()
        await moves(student, session, 2, 0.3)
        await moved.wait()
        await killed.wait()
        try:
            await moves(student, session, 2, 0.3)
        except DISCONNECTS:
            student.lost, student.kept = True, (student.start, student.query)
    if student.lost:
        async with student.session(port, student.query) as again:
            run = await again.rerun()
            if not run.ok:
                student.errors.append(f"reopen: {run.status} {run.exceptions}")
            student.reopened = again.widget(START).value
            await moves(student, again, 1, 0.3)


def test_a_killed_replica_loses_only_its_sessions_which_reopen_on_the_other() -> None:
    """The fleet without the supervisor (which would stop everything), as under an
    orchestrator that replaces a dead replica while nginx routes around it."""
    port, n = free_port(), 12
    fleet = serve.launch(2, port, None, "127.0.0.1")
    try:
        assert serve.wait_ready(fleet.children, fleet.ports, lambda: False) is None
        victim, survivor = (f"127.0.0.1:{p}" for p in fleet.ports)

        async def run() -> list[Survivor]:
            students = [Survivor(i) for i in range(n)]
            moved, killed = asyncio.Barrier(n + 1), asyncio.Event()
            tasks = [asyncio.create_task(through_a_kill(port, s, moved, killed)) for s in students]
            await moved.wait()
            os.killpg(fleet.replicas[0].process.pid, signal.SIGKILL)
            fleet.replicas[0].process.wait(10)
            killed.set()
            await asyncio.gather(*tasks)
            return students

        students = asyncio.run(run())
        sockets = streams(fleet.workdir / "access.log")
    finally:
        fleet.stop()
    assert [s.errors for s in students if s.errors] == []
    on_victim = [s for s in students if s.replicas[0] == victim]
    on_survivor = [s for s in students if s.replicas[0] == survivor]
    assert on_victim and on_survivor and len(on_victim) + len(on_survivor) == n
    assert not any(s.lost for s in on_survivor)
    assert all(s.lost for s in on_victim)
    # the victim's cookie, still in each reopened page, is routed to the survivor
    first = {(survivor, survivor): len(on_survivor), (victim, victim): len(on_victim)}
    assert sockets == Counter({**first, (victim, survivor): len(on_victim)})
    for s in on_victim:
        start, address = s.kept
        assert start is not None and s.reopened == pytest.approx(start), (s.reopened, start)
        assert f"start_x={start:g}" in address, address


def other_route(port: int, replica: str) -> tuple[str, str]:
    """A route cookie (from fresh visits) that nginx sends to a replica other than ``replica``."""
    for _ in range(40):
        cookie, landed = visit(port)
        if landed != replica:
            return cookie, landed
    raise AssertionError(f"40 visits all landed on {replica}")


def test_a_question_asked_on_one_replica_is_answered_through_the_other(served, redis_url):
    async def run() -> tuple[str, str, str, str]:
        teacher = Student(0)
        teacher.cookie, there = await asyncio.to_thread(visit, served.port)
        async with teacher.session(served.port, "present=1") as presenter:
            assert (await presenter.rerun()).ok
            which = "Which run settles first?"
            assert (await presenter.rerun({"Question": which})).ok
            asked = await presenter.rerun(click="Ask the class")
            assert asked.ok, asked.exceptions
            (code,) = [t.split("`")[1] for t in asked.texts if t.startswith("Code **`")]
        pupil = Student(1)
        pupil.cookie, here = await asyncio.to_thread(other_route, served.port, there)
        async with pupil.session(served.port, f"room={code}") as student:
            page = await student.rerun()
            assert page.ok and "settles first?" in " ".join(page.texts), page.texts
            choice = student.widget("Your answer").proto.options[1]
            answered = await student.rerun({"Your answer": choice})
            assert answered.ok and f"Your answer: {choice}." in " ".join(answered.texts)
        return code, choice, there, here

    before = streams(served.access_log())
    code, choice, there, here = asyncio.run(run())
    assert there != here
    from optiviz import rooms

    assert [a["choice"] for a in rooms.open_store(redis_url).answers(code)] == [choice]
    assert streams(served.access_log()) - before == Counter({(there, there): 1, (here, here): 1})


def test_a_dead_replica_stops_them_all(served) -> None:
    children = served.children()
    victim = served.replicas()[0]
    victim.kill()
    assert served.process.wait(40) == 1
    assert "exited" in served.process.stderr.read()
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []


def test_ctrl_c_stops_them_all() -> None:
    running = start_serve("--replicas", "1")
    children = running.children()
    assert len(children) == 2  # the replica and nginx
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(30) == 0
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []
    with pytest.raises(OSError):
        visit(running.port)
