"""Waiting for a server a test started on a loopback port to answer."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def wait_answering(
    probe: Callable[[], object],
    process: subprocess.Popen,
    name: str,
    errors: tuple[type[BaseException], ...] = (OSError,),
    timeout: float = 20.0,
) -> None:
    """Call ``probe`` until it returns without one of ``errors``; fail the test if
    ``process`` exits first (with its stderr, where it was piped) or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            probe()
            return
        except errors:
            if process.poll() is not None:
                told = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"{name} exited: {told}") from None
            assert time.monotonic() < deadline, f"{name} did not answer"
            time.sleep(0.05)
