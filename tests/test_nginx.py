"""``optiviz.cli.nginx.config`` routing, on a real nginx in front of stand-in replicas.

Each stand-in is a small HTTP server on a loopback port that answers every request with
its own port, so a test sees which replica nginx chose. The Streamlit replicas, their
WebSockets and a replica killed under load are in ``tests/test_serve.py``.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from optiviz.cli import nginx, serve
from tests.support.answering import wait_answering

VISITS = 240


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Replica:
    """A stand-in replica on ``127.0.0.1:port``: answers with its port, counts requests."""

    def __init__(self) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        self.port = self.server.server_address[1]
        self.address = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Answer:
    """What a visitor saw: the replica's port, the cookie set (or None), the header."""

    port: int
    cookie: str | None
    header: str


@dataclass
class Front:
    """nginx on ``port`` in front of ``replicas``."""

    port: int
    replicas: list[Replica]
    workdir: Path

    def get(self, cookie: str | None = None) -> Answer:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/")
        if cookie is not None:
            request.add_header("Cookie", f"{nginx.ROUTE_COOKIE}={cookie}")
        with urllib.request.urlopen(request, timeout=10) as response:
            port = int(response.read())
            cookies = [
                c.split(";")[0].split("=", 1)[1]
                for c in response.headers.get_all("Set-Cookie") or []
                if c.startswith(f"{nginx.ROUTE_COOKIE}=")
            ]
            header = response.headers[nginx.REPLICA_HEADER]
        assert len(cookies) <= 1, cookies
        return Answer(port, cookies[0] if cookies else None, header)


def _front(replicas: list[Replica], workdir: Path) -> Iterator[Front]:
    port = serve.free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(nginx.config([r.address for r in replicas], f"127.0.0.1:{port}", workdir))
    daemon = ["-e", str(workdir / "error.log"), "-g", "daemon off;", "-p", str(workdir)]
    binary = nginx.binary()
    assert binary, "nginx is missing: scripts/test.sh installs the Debian package nginx"
    process = subprocess.Popen([binary, *daemon, "-c", str(conf)], stderr=subprocess.PIPE)
    front = Front(port, replicas, workdir)
    wait_answering(front.get, process, "nginx")
    try:
        yield front
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def replicas() -> Iterator[list[Replica]]:
    started = [Replica() for _ in range(3)]
    yield started
    for r in started:
        r.stop()


@pytest.fixture
def front(replicas: list[Replica], tmp_path: Path) -> Iterator[Front]:
    yield from _front(replicas, tmp_path)


def test_first_visits_split_evenly_and_the_cookie_names_the_replica(front: Front) -> None:
    """A class arriving at once (8 at a time, over nginx's workers) splits within one
    visitor per replica: the pool takes turns, where a hash of a random cookie did not."""
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: front.get(), range(VISITS)))
    load = Counter(a.port for a in answers)
    assert set(load) == {r.port for r in front.replicas}
    assert max(load.values()) - min(load.values()) <= 1, load
    for a in answers:
        assert a.cookie == a.header == f"127.0.0.1:{a.port}"


def test_the_cookie_pins_every_later_request_and_is_not_set_again(front: Front) -> None:
    for _ in range(6):
        first = front.get()
        later = [front.get(first.cookie) for _ in range(5)]
        assert [(a.port, a.cookie) for a in later] == [(first.port, None)] * 5


def test_a_cookie_naming_no_replica_goes_to_the_pool_not_to_its_address(front: Front) -> None:
    """nginx connects only to the replicas: a forged address is not proxied to."""
    outsider = Replica()
    try:
        for forged in (outsider.address, "junk", "", "127.0.0.1:1"):
            answer = front.get(forged)
            assert answer.port in {r.port for r in front.replicas}
            assert answer.cookie == f"127.0.0.1:{answer.port}"
    finally:
        outsider.stop()


def test_a_dead_pinned_replica_hands_its_visitor_to_a_live_one(front: Front) -> None:
    dead, *alive = front.replicas
    dead.stop()
    for _ in range(4):
        answer = front.get(dead.address)
        assert answer.port in {r.port for r in alive}
        assert answer.cookie == answer.header == f"127.0.0.1:{answer.port}"
        assert front.get(answer.cookie) == Answer(answer.port, None, answer.cookie)
    assert all(front.get().port != dead.port for _ in range(10))


def test_every_replica_gone_is_a_502_without_a_cookie(front: Front) -> None:
    for r in front.replicas:
        r.stop()
    with pytest.raises(urllib.error.HTTPError) as error:
        front.get(front.replicas[0].address)
    assert error.value.code == 502
    assert nginx.REPLICA_HEADER not in error.value.headers
    assert "Set-Cookie" not in error.value.headers


def test_replicas_are_ip_addresses_as_nginx_writes_them() -> None:
    assert nginx.address("127.0.0.1:8501") == "127.0.0.1:8501"
    assert nginx.address("[::1]:8501") == "[::1]:8501"
    for bad in ("optiviz:8501", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000"):
        with pytest.raises(ValueError, match="replica"):
            nginx.config([bad], "80")
