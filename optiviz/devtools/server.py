"""``streamlit run app.py`` on a free loopback port, the one app server of the tests and
the benchmarks.

The server runs in its own process group with its file watcher off, so edits made while a
run is under way do not rerun the app. A server is stopped when its owner stops it, leaves
its ``with`` block, exits, or is ended by SIGTERM (a benchmark killed by ``timeout``, say):
no ``streamlit`` outlives the process that started it.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import FrameType

from optiviz.devtools.cpu import run_time_s

ROOT = Path(__file__).resolve().parents[2]

_LIVE: set[AppServer] = set()
"""The servers started in this process and not yet stopped."""

_guarded = False


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_all() -> None:
    """Stop every server this process started and has not stopped."""
    for server in list(_LIVE):
        server.stop()


def _guard() -> None:
    """Once per process: ``stop_all`` at exit and on SIGTERM.

    The SIGTERM handler (set from the main thread only, as Python requires) stops the
    servers, then hands the signal on to the handler it replaced; where that was the
    default action, it restores it and sends the signal again, so the process still ends
    by SIGTERM (not by an exception that a test runner would catch and carry on from)."""
    global _guarded
    if _guarded:
        return
    _guarded = True
    atexit.register(stop_all)
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop_all()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_sigterm)


class AppServer:
    """``streamlit run APP`` (``app.py`` by default) of the checkout at ``root`` (this one by
    default) in its own process group, headless, on a free loopback port.

    ``command`` runs another command with the same flags (``[python, "-m", "optiviz",
    "app"]``, say); ``prefix`` goes before it (``["taskset", "-c", "0"]`` pins every
    thread of the server to core 0)."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        app: str = "app.py",
        root: Path = ROOT,
        command: list[str] | None = None,
        prefix: list[str] | None = None,
    ) -> None:
        _guard()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.started = time.perf_counter()
        self._log = open(log or os.devnull, "w")  # noqa: SIM115 - closed in stop()
        command = command or [sys.executable, "-m", "streamlit", "run", app]
        self.process = subprocess.Popen(
            [*(prefix or []), *command, *self._flags()],
            cwd=root,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _LIVE.add(self)

    def _flags(self) -> list[str]:
        return [
            "--server.headless=true",
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
            "--server.runOnSave=false",
        ]

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Block until ``/_stcore/health`` answers; raise if the server exits or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"streamlit did not answer on {self.url} within {timeout:.0f} s")

    def processes(self) -> list:
        """The server's process and its children (``psutil.Process``)."""
        import psutil

        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def cpu_s(self) -> float:
        """The CPU seconds the server's process tree has used so far (``run_time_s``)."""
        return run_time_s([p.pid for p in self.processes()])

    def rss_mb(self) -> float:
        """Resident memory of the server and its children, in MiB."""
        return sum(p.memory_info().rss for p in self.processes() if p.is_running()) / 2**20

    def stop(self) -> None:
        """Terminate the server's process group (SIGKILL after 10 s)."""
        _LIVE.discard(self)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
