"""Shared fixture: the package built as a wheel and installed into a fresh venv, outside
the repository, offline.

The venv has no dependencies of its own: a ``.pth`` file lets it see the site-packages of
the interpreter running the tests (which holds the pinned runtime), while ``optiviz``
itself comes only from the wheel. Used by ``test_package.py`` and
``test_browser_package.py``; built once per session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from optiviz.devtools.server import free_port

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("OPTIVIZ_WARMUP", "0")
"""The tests' app processes (AppTest here, the servers they start) compile only what they
draw: the background warm-up's minutes of compiling would compete with every timed wait.
tests/test_warmup.py switches it on where it tests it."""


COMPILE_HEAVY = frozenset(
    {
        "test_datasets",
        "test_decay_search",
        "test_dynamics",
        "test_family",
        "test_polynomial",
        "test_presets",
        "test_range_test",
        "test_stability",
        "test_step_parts",
        "test_sweeps",
        "test_typed_presets",
        "test_weight_decay",
    }
)
"""The engine's modules whose checks compile many programs: 10 to 50 s each on this
project's 2 cores, together four fifths of the tests that start no process."""

STARTS_A_PROCESS = ("AppTest", "AppServer", "ProtocolSession", "subprocess")
"""A test module holding one of these runs the app (AppTest), a server or another
interpreter: seconds per test."""


def _heavy(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    names = vars(module) if module is not None else {}
    return (
        getattr(module, "__name__", "").rpartition(".")[2] in COMPILE_HEAVY
        or any(name in names for name in STARTS_A_PROCESS)
        or "installed" in getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``heavy`` the tests ``_heavy`` names, which the fast lane (``scripts/test.sh
    --fast``) leaves out with the browser and slow ones. A test that takes the ``chromium``
    fixture drives the browser: it must be marked ``browser``."""
    for item in items:
        if _heavy(item):
            item.add_marker(pytest.mark.heavy)
    drives = [item for item in items if "chromium" in getattr(item, "fixturenames", ())]
    unmarked = [item.nodeid for item in drives if item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError(f"browser tests without the browser marker: {unmarked}")


@dataclass(frozen=True)
class Installed:
    """The built wheel, the fresh venv's interpreter and ``optiviz`` script, its
    site-packages, and a working folder outside the repository."""

    wheel: Path
    python: Path
    optiviz: Path
    site: Path
    cwd: Path

    def env(self) -> dict[str, str]:
        """The environment for the venv's commands: nothing that points at the checkout."""
        return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(self, *args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``args`` in ``cwd`` with ``env()``; output captured as text."""
        return subprocess.run(
            [str(a) for a in args],
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    @contextmanager
    def app(self, timeout: float = 90) -> Iterator[str]:
        """``optiviz app`` on a free loopback port, from ``cwd``; yields its URL once
        ``/_stcore/health`` answers, and stops it (with any child) at the end."""
        port = free_port()
        server = subprocess.Popen(
            [self.optiviz, "app", f"--server.port={port}", "--server.address=127.0.0.1"],
            cwd=self.cwd,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_healthy(server, url, timeout)
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _wait_healthy(server: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"optiviz app exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=1) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"optiviz app did not answer on {url} within {timeout:.0f} s")


def _pip(*args: str | Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel (no build isolation: the backend comes from requirements-dev.txt)
    and install it, without dependencies and without an index, into a fresh venv."""
    base = tmp_path_factory.mktemp("package")
    assert not base.resolve().is_relative_to(ROOT), "the venv must live outside the repository"
    dist = base / "dist"
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, ROOT)
    (wheel,) = dist.glob("optiviz-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    _pip("--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (site / "_optiviz_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    cwd = base / "elsewhere"
    cwd.mkdir()
    return Installed(wheel, python, venv / "bin" / "optiviz", site, cwd)
