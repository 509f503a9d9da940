"""``optiviz serve``: N app replicas on loopback ports behind nginx, for a class too big
for one Streamlit process.

Every replica is ``optiviz app`` (``streamlit run`` on the packaged app) with
the same ``server.cookieSecret`` (passed in the environment, so it is not in ``ps``), as
Streamlit's deployment notes ask of replicas; nginx (``optiviz.cli.nginx``) upgrades the
WebSocket and pins each browser to one replica with a cookie. With ``--rooms URL`` every
replica reads the class-question store from there (``OPTIVIZ_ROOMS_URL``); a Redis URL
is checked before anything starts.

The supervisor waits on its children: Ctrl-C (SIGINT) or SIGTERM stops them all, and so
does any child that exits. A missing nginx or an unreachable Redis is one line naming
the Debian package and exit status 2.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from optiviz.cli import nginx

MAX_REPLICAS = 64
REDIS_PACKAGE = "redis-server"
ROOMS_ENV = "OPTIVIZ_ROOMS_URL"
SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
READY_TIMEOUT_S = 180.0
"""Generous: each replica imports JAX and compiles the first screen before it is healthy."""
STOP_TIMEOUT_S = 10.0


class ServeError(Exception):
    """A problem the user can fix (a missing package, a busy port): one line, exit 2."""


def replicas_type(text: str) -> int:
    """--replicas: a whole number from 1 to ``MAX_REPLICAS``."""
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_REPLICAS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_REPLICAS}")
    return int(text)


def port_type(text: str) -> int:
    """--port: a TCP port, 1 to 65535."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {text}")
    return int(text)


def free_port(address: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def check_port(address: str, port: int) -> None:
    """Raise ``ServeError`` if ``address:port`` cannot be bound."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as e:
            raise ServeError(f"port {port} on {address} is not free ({e.strerror})") from None


def check_rooms(url: str | None) -> None:
    """Raise ``ServeError`` if ``url`` is a Redis URL whose server does not answer PING."""
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.exceptions.RedisError, OSError) as e:
        raise ServeError(
            f"Redis at {url} cannot be reached ({' '.join(str(e).split())}); install and "
            f"start it (Debian package {REDIS_PACKAGE})"
        ) from None


def nginx_binary() -> str:
    """nginx's path, or ``ServeError`` naming its Debian package."""
    found = nginx.binary()
    if found is None:
        raise ServeError(f"nginx is not installed; install the Debian package {nginx.PACKAGE}")
    return found


def replica_command(port: int) -> list[str]:
    """``optiviz app`` (``streamlit run`` on the packaged app; a replica no page run
    reaches within ``launch.IDLE_S`` compiles its first screen itself) on
    ``127.0.0.1:port``."""
    return [
        sys.executable,
        "-m",
        "optiviz",
        "app",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
    ]


def replica_env(secret: str, rooms: str | None) -> dict[str, str]:
    """A replica's environment: the shared cookie secret, and the rooms' URL if given."""
    env = {**os.environ, SECRET_ENV: secret}
    if rooms:
        env[ROOMS_ENV] = rooms
    return env


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a child before exec: SIGTERM it when the supervisor dies, even by SIGKILL."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """A process the supervisor started: a name for messages, and the process."""

    name: str
    process: subprocess.Popen


def start(
    name: str,
    command: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Child:
    """Start ``command`` (in folder ``cwd``, if given) in its own process group, tied to
    this process's life. (The fork runs only ``prctl`` before exec, so JAX's warning
    about forking its threads does not apply.)"""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "os.fork", RuntimeWarning)
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return Child(name, process)


def stop(children: Sequence[Child]) -> None:
    """SIGTERM every child still running, then SIGKILL what is left after a grace time."""
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_ready(children: Sequence[Child], ports: Sequence[int], stopping) -> Child | None:
    """Wait until every port answers ``/_stcore/health``; return a child that exited
    meanwhile (or None); ``ServeError`` past ``READY_TIMEOUT_S``."""
    deadline, waiting = time.monotonic() + READY_TIMEOUT_S, list(ports)
    while waiting and not stopping():
        dead = exited(children)
        if dead:
            return dead
        waiting = [p for p in waiting if not _healthy(p)]
        if waiting and time.monotonic() > deadline:
            raise ServeError(f"ports {waiting} did not answer in {READY_TIMEOUT_S:.0f} s")
        time.sleep(0.25)
    return None


def exited(children: Sequence[Child]) -> Child | None:
    """The first child that has exited, if any."""
    return next((c for c in children if c.process.poll() is not None), None)


class Stopping:
    """Set by SIGINT or SIGTERM; the supervisor's loop reads it."""

    def __init__(self) -> None:
        self.signal: int | None = None
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._set)

    def _set(self, signum: int, _frame) -> None:
        self.signal = signum

    def __call__(self) -> bool:
        return self.signal is not None


@dataclass
class Fleet:
    """The replicas and nginx of one ``optiviz serve``, and nginx's working folder."""

    replicas: list[Child]
    nginx: Child
    ports: list[int]
    workdir: Path

    @property
    def children(self) -> list[Child]:
        return [*self.replicas, self.nginx]

    def stop(self) -> None:
        """Stop every process and remove the working folder."""
        stop(self.children)
        shutil.rmtree(self.workdir, ignore_errors=True)


def launch(
    replicas: int,
    port: int,
    rooms: str | None,
    address: str = "0.0.0.0",
    prefix: Sequence[str] = (),
    root: Path | None = None,
) -> Fleet:
    """Check nginx, the rooms' Redis and the port (``ServeError``), then start
    ``replicas`` app servers on free loopback ports with one new cookie secret, and
    nginx in front of them on ``address:port``; ``prefix`` goes before each replica's
    command (``taskset -c 0`` in a benchmark, say). ``root``: the replicas run another
    checkout's package and app, in its folder (a benchmark's code before a change).
    Returns at once; see ``wait_ready``."""
    binary = nginx_binary()
    check_rooms(rooms)
    check_port(address, port)
    workdir = Path(tempfile.mkdtemp(prefix="optiviz-serve-"))
    workdir.chmod(0o755)  # nginx's workers may run as another user
    ports = [free_port() for _ in range(replicas)]
    conf = workdir / "nginx.conf"
    conf.write_text(nginx.config([f"127.0.0.1:{p}" for p in ports], f"{address}:{port}", workdir))
    env = replica_env(secrets.token_urlsafe(32), rooms)
    if root is not None:
        root = root.resolve()
        env["PYTHONPATH"] = str(root)
    started = [
        start(f"replica {i + 1} (port {p})", [*prefix, *replica_command(p)], env, root)
        for i, p in enumerate(ports)
    ]
    daemon = ["-e", str(workdir / "error.log"), "-g", "daemon off;", "-p", str(workdir)]
    return Fleet(started, start("nginx", [binary, *daemon, "-c", str(conf)]), ports, workdir)


def serve(replicas: int, port: int, rooms: str | None, address: str = "0.0.0.0") -> int:
    """Run ``launch``'s fleet until a signal (exit 0) or a child's exit (exit 1, after
    stopping the others)."""
    stopping = Stopping()
    fleet = launch(replicas, port, rooms, address)
    try:
        dead = wait_ready(fleet.children, fleet.ports, stopping)
        if dead is None and not stopping():
            shown = "localhost" if address in ("0.0.0.0", "::") else address
            where = f", rooms on {rooms}" if rooms else ""
            print(
                f"Optiviz at http://{shown}:{port}: {replicas} replicas on ports "
                f"{fleet.ports}{where}; Ctrl-C stops them all",
                flush=True,
            )
        while dead is None and not stopping():
            time.sleep(0.2)
            dead = exited(fleet.children)
        if dead is not None:
            status = dead.process.returncode
            print(f"optiviz serve: {dead.name} exited ({status}); stopping all", file=sys.stderr)
            return 1
        return 0
    finally:
        fleet.stop()


def serve_command(args: argparse.Namespace) -> int:
    """``optiviz serve``: ``serve``, with a ``ServeError`` as one line and exit 2."""
    try:
        return serve(args.replicas, args.port, args.rooms, args.address)
    except ServeError as e:
        print(f"optiviz serve: error: {e}", file=sys.stderr)
        return 2
