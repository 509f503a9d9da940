"""Run ``streamlit run app.py`` on a loopback port and drive it with Debian's Chromium.

The one server and browser harness: the tests' fixtures (``tests/support/browser.py``) and
the benchmarks in ``bench/`` import it from here. Nothing here downloads a browser:
Playwright is pointed at ``/usr/bin/chromium``. The server's file watcher is off, so edits
made while a run is under way do not rerun the app.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIRST_CHART_MS = 120_000
"""Generous: the first visit compiles the default view's JAX code."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
"""The app's root carries the script run state; ``notRunning`` means the rerun has finished."""

MAP_CHART = ".js-plotly-plot"
"""The animated top view is the first Plotly graph on the explore page."""

PLAY = ".optiviz-controls .optiviz-play"
PAUSE = ".optiviz-controls .optiviz-pause"
SCRUB = ".optiviz-controls .optiviz-scrub"
"""The top view's own controls, under its graph: Play, Pause and the step slider."""

SHOWN_INDEX_JS = f"Number(document.querySelector('{SCRUB}').value)"
"""A JS expression: the index of the frame the top view's step slider shows."""

MAP_STATE_JS = f"""() => {{
  const gd = document.querySelector('.js-plotly-plot');
  const frames = gd._transitionData._frames;
  const ids = frames[0].traces;
  return {{
    active: {SHOWN_INDEX_JS},
    frames: frames.length,
    moving: ids.map(i => [gd.data[i].x, gd.data[i].y]),
  }};
}}"""
"""The map's slider position, frame count and the x/y of its animated traces (ball, trail)."""


COUNT_SENDS_JS = """(() => {
  const send = WebSocket.prototype.send;
  window.__optivizSends = 0;
  WebSocket.prototype.send = function (...args) {
    window.__optivizSends += 1;
    return send.apply(this, args);
  };
})()"""
"""Init script: count every message the page sends to the server."""


def play_button(page):
    """The Play button of the page's first animation: the app's own, or Plotly's."""
    plotly = page.locator(MAP_CHART).first.locator(".updatemenu-button", has_text="Play")
    return page.locator(PLAY).or_(plotly).first


COUNT_FRAMES_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  window.__optivizFrames = [];
  gd.on('plotly_animatingframe', e => window.__optivizFrames.push([performance.now(), e.name]));
}"""
"""Record (time ms, frame name) of every animation frame Plotly draws on the map."""

FINISHED_HOOK_JS = """(() => {
  const Native = window.WebSocket;
  const scriptFinished = bytes => {
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1;
      for (;;) {
        if (i >= bytes.length) return value;
        const byte = bytes[i++];
        value += (byte & 127) * scale;
        if (byte < 128) return value;
        scale *= 128;
      }
    };
    while (i < bytes.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (field === 6) return true;
      if (wire === 0) varint();
      else if (wire === 2) {
        const length = varint();
        i += length;
      }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  window.__optivizFinished = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        if (e.data instanceof ArrayBuffer && scriptFinished(new Uint8Array(e.data))) {
          window.__optivizFinished += 1;
        }
      });
    }
  };
})()"""
"""Init script: count the server's ``script_finished`` messages (ForwardMsg field 6) as the
page's own WebSocket receives them, in ``window.__optivizFinished``."""

WATCH_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__optivizStates = [];
  window.__optivizFinishedAt = window.__optivizFinished || 0;
  window.__optivizQuiet = 0;
  if (window.__optivizObserver) window.__optivizObserver.disconnect();
  window.__optivizObserver = new MutationObserver(() => window.__optivizStates.push(
    [performance.now(), app.getAttribute('data-test-script-state')]));
  window.__optivizObserver.observe(app, {attributes: true,
    attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""
"""Start logging (time ms, script state) of every change; returns the page's clock now."""

RERUN_DONE_JS = """() => {
  const log = window.__optivizStates;
  if (log.some(([, s]) => s === 'running')) return log[log.length - 1][1] === 'notRunning';
  const app = document.querySelector('[data-testid="stApp"]');
  if ((window.__optivizFinished || 0) <= window.__optivizFinishedAt
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  window.__optivizQuiet += 1;
  if (window.__optivizQuiet < 2) return false;
  log.push([performance.now(), 'notRunning']);
  return true;
}"""
"""True once a rerun has started and the script state is back to ``notRunning``.

A page too busy to render between the run's first and last messages lets React batch
``running`` and ``notRunning`` into one update, and the state never visibly changes. With
``FINISHED_HOOK_JS`` installed, such a run counts as done on the second animation frame
after its ``script_finished`` message arrived (this predicate is polled once per frame), and
that time is logged as its end."""

RERUN_END_JS = "() => window.__optivizStates[window.__optivizStates.length - 1][0]"
"""The page-clock time (ms) of the last script state change."""

ERRORS_JS = """() => [...document.querySelectorAll('[data-testid="stException"]')]
  .map(e => e.innerText.slice(0, 300))"""
"""The text of every Streamlit exception box on the page."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run APP`` (``app.py`` by default) of the checkout at ``root`` (this one by
    default) in its own process group, headless, on a free loopback port."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        app: str = "app.py",
        root: Path = ROOT,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.started = time.perf_counter()
        self._log = open(log or os.devnull, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", app, *self._flags()],
            cwd=root,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

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

    def processes(self) -> list[psutil.Process]:
        """The server's process and its children."""
        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def rss_mb(self) -> float:
        """Resident memory of the server and its children, in MiB."""
        return sum(p.memory_info().rss for p in self.processes() if p.is_running()) / 2**20

    def stop(self) -> None:
        """Terminate the server's process group (SIGKILL after 10 s)."""
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


def launch_chromium(playwright):
    """Debian's Chromium, headless with software rendering (sync or async Playwright)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def machine() -> str:
    """CPU model, core count and memory of this machine, in one line."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    ram = psutil.virtual_memory().total / 2**30
    return f"{model}, {os.cpu_count()} cores, {ram:.0f} GiB RAM"
