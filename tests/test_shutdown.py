"""A clean exit (``optiviz/ui/shutdown.py``): a process that ran the app ends with status 0
and no ``FATAL`` on stderr, whether it ran the app in AppTest with the warm-up mid-compile,
or was a ``streamlit run`` server stopped with Ctrl-C (SIGINT) during a page run.

Without the exit hook such processes aborted with status 134 (``terminate called after
throwing an instance of ''``, ``FATAL: exception not rethrown``): 5 of 6 AppTest processes
left with the warm-up at work, and 5 of 6 servers interrupted 2 to 4 s into a lab run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from optiviz.devtools.protocol import ProtocolSession
from optiviz.devtools.server import AppServer
from optiviz.ui import shutdown

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
INTERRUPT_AFTER_S = (2.0, 2.75, 3.5, 4.25, 5.0)
"""When SIGINT reaches a server, in seconds after its first page run was asked for: the
run is importing the app (whose import runs JAX) or computing the lab's landscape."""

APPTEST_SCRIPT = textwrap.dedent(
    """
    import time
    from streamlit.testing.v1 import AppTest
    from optiviz.ui import warmup
    at = AppTest.from_file({app!r}, default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    at.session_state["alpha"] = 0.3
    at.run()
    assert not at.exception, at.exception
    time.sleep(6)
    assert warmup._start().is_alive(), "the warm-up is still at work at exit"
    """
)


def _apptest_process(tmp_path: Path) -> subprocess.CompletedProcess:
    """A process that opens the app in AppTest, moves α and exits while the warm-up works."""
    script = tmp_path / "run_app.py"
    script.write_text(APPTEST_SCRIPT.format(app=str(APP)))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPTIVIZ_WARMUP": "1"}
    return subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True
    )


async def _ask_for_a_run(port: int, query: str, seconds: float) -> None:
    async with ProtocolSession(port, query) as session:
        run = asyncio.ensure_future(session.rerun())
        await asyncio.wait([run], timeout=seconds)
        run.cancel()


def _interrupted_server(tmp_path: Path, seconds: float) -> tuple[int, str]:
    """A server whose first page run (the lab) is asked for, then SIGINT ``seconds``
    later, as Ctrl-C sends it; returns its exit status and its output."""
    log = tmp_path / f"streamlit-{seconds}.log"
    with AppServer(env={"OPTIVIZ_WARMUP": "1"}, log=log) as server:
        server.wait_healthy()
        asyncio.run(_ask_for_a_run(server.port, "page=lab", seconds))
        server.process.send_signal(signal.SIGINT)
        status = server.process.wait(180)
    return status, log.read_text()


def _assert_clean(status: int, stderr: str) -> None:
    assert status == 0 and "FATAL" not in stderr, (status, stderr[-2000:])


def test_at_exit_stops_the_workers_then_waits_for_the_tracked_threads(monkeypatch) -> None:
    stop, order = threading.Event(), []
    monkeypatch.setattr(shutdown, "_STOPS", [lambda: order.append("stop") or stop.set()])
    monkeypatch.setattr(shutdown, "_THREADS", type(shutdown._THREADS)())

    def worker() -> None:
        stop.wait(10)
        order.append("worker ended")

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    shutdown.track(thread)
    shutdown.track()  # the calling thread itself is never waited for
    assert shutdown.at_exit(timeout=10)
    assert order == ["stop", "worker ended"] and not thread.is_alive()


def test_at_exit_gives_up_after_its_timeout(monkeypatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(shutdown, "_STOPS", [])
    monkeypatch.setattr(shutdown, "_THREADS", type(shutdown._THREADS)())
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    shutdown.track(thread)
    try:
        assert not shutdown.at_exit(timeout=0.2)
    finally:
        release.set()


@pytest.mark.parametrize("seconds", INTERRUPT_AFTER_S)
def test_a_server_stopped_with_ctrl_c_during_a_page_run_exits_cleanly(tmp_path, seconds) -> None:
    _assert_clean(*_interrupted_server(tmp_path, seconds))


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(20))
def test_twenty_processes_exit_cleanly(tmp_path, attempt: int) -> None:
    """Issue 27's count: 20 AppTest processes left with the warm-up at work, and 20 servers
    interrupted at each point of ``INTERRUPT_AFTER_S`` in turn."""
    done = _apptest_process(tmp_path)
    _assert_clean(done.returncode, done.stderr)
    seconds = INTERRUPT_AFTER_S[attempt % len(INTERRUPT_AFTER_S)]
    _assert_clean(*_interrupted_server(tmp_path, seconds))
