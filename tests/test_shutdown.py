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
from concurrent.futures import ThreadPoolExecutor
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
PROCESSES = 20
"""Issue 27's count, of each kind: AppTest processes, and interrupted servers."""
AT_ONCE = 4
"""How many of those processes run at a time, from threads: each one waits on a sleep, a
health check or a signal's delivery for most of its wall time, so four together keep two
cores busy (the 40 took 21 min one after another)."""

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


def _apptest_process(tmp_path: Path) -> tuple[int, str]:
    """A process that opens the app in AppTest, moves α and exits while the warm-up works;
    returns its exit status and its stderr."""
    script = tmp_path / "run_app.py"
    script.write_text(APPTEST_SCRIPT.format(app=str(APP)))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPTIVIZ_WARMUP": "1"}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    return done.returncode, done.stderr


async def _ask_for_a_run(port: int, query: str, seconds: float) -> None:
    async with ProtocolSession(port, query) as session:
        run = asyncio.ensure_future(session.rerun())
        await asyncio.wait([run], timeout=seconds)
        run.cancel()


def _interrupted_server(tmp_path: Path, seconds: float) -> tuple[int, str]:
    """A server whose first page run (the lab) is asked for, then SIGINT ``seconds``
    later, as Ctrl-C sends it; returns its exit status and its output (its log in
    ``tmp_path``, which is the server's own)."""
    log = tmp_path / "streamlit.log"
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


def _jobs(tmp_path: Path) -> dict[str, tuple]:
    """Issue 27's processes by name, each a function and its arguments, an AppTest process
    and a server in turn; each has a folder of its own."""
    jobs = {}
    for n in range(PROCESSES):
        seconds = INTERRUPT_AFTER_S[n % len(INTERRUPT_AFTER_S)]
        for name, job, args in (
            (f"apptest {n}", _apptest_process, ()),
            (f"server {n}, SIGINT after {seconds} s", _interrupted_server, (seconds,)),
        ):
            folder = tmp_path / name.partition(",")[0].replace(" ", "-")
            folder.mkdir()
            jobs[name] = (job, folder, *args)
    return jobs


def test_twenty_processes_exit_cleanly(tmp_path) -> None:
    """Issue 27's count: 20 AppTest processes left with the warm-up at work, and 20 servers
    interrupted at each point of ``INTERRUPT_AFTER_S`` in turn, ``AT_ONCE`` at a time; every
    one exits with status 0 and no ``FATAL`` in its output. With the exit hook dropped
    (``threading._register_atexit`` skipping ``shutdown.at_exit``), 4 of the 40 ended by
    SIGABRT after ``FATAL: exception not rethrown`` or by SIGSEGV, at load average 10."""
    jobs = _jobs(tmp_path)
    with ThreadPoolExecutor(AT_ONCE) as pool:
        futures = {name: pool.submit(*job) for name, job in jobs.items()}
    unclean = {}
    for name, future in futures.items():
        status, output = future.result()
        if status != 0 or "FATAL" in output:
            unclean[name] = (status, output[-2000:])
    assert not unclean, f"{len(unclean)} of {len(jobs)} processes did not exit cleanly: {unclean}"
