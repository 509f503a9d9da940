"""``AppServer`` stops its server when the process that started it ends: by SIGTERM (a
benchmark killed by ``timeout``), or by exiting without stopping it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from optiviz.devtools.server import ROOT

OWNER = """
import sys, time
from optiviz.devtools.server import AppServer
# A stand-in server: a child that sleeps, in its own process group as streamlit's is.
server = AppServer(command=[sys.executable, "-c", "import time; time.sleep(300)"])
print(server.process.pid, flush=True)
sys.stdin.readline()  # the test has seen the server run
if sys.argv[-1] == "wait":
    time.sleep(300)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _owner(how: str) -> tuple[subprocess.Popen, int]:
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, how],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(owner.stdout.readline())
    assert _alive(child)
    owner.stdin.write("go\n")
    owner.stdin.flush()
    return owner, child


def _gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def _kill(pid: int) -> None:
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)


@pytest.mark.parametrize("how", ["wait", "exit"])
def test_the_server_ends_with_its_owner(how: str) -> None:
    owner, child = _owner(how)
    try:
        if how == "wait":
            time.sleep(0.5)  # the owner is asleep in its own code, as a benchmark is
            owner.send_signal(signal.SIGTERM)
            assert owner.wait(30) == -signal.SIGTERM  # it still ends by the signal
        else:
            assert owner.wait(30) == 0
        assert _gone(child), f"the server (pid {child}) outlived its owner ({how})"
    finally:
        _kill(child)
        owner.kill()
        owner.wait()


def test_sigterm_goes_on_to_the_handler_it_replaced() -> None:
    code = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: (print("theirs", flush=True), sys.exit(3)))
exec(sys.argv[1])
"""
    owner = subprocess.Popen(
        [sys.executable, "-c", code, OWNER, "wait"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    child = int(owner.stdout.readline())
    try:
        time.sleep(0.5)
        owner.send_signal(signal.SIGTERM)
        assert owner.wait(30) == 3
        assert owner.stdout.read().strip() == "theirs"
        assert _gone(child)
    finally:
        _kill(child)
        owner.kill()
        owner.wait()
