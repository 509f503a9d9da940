"""Run ``streamlit run app.py`` on a loopback port and drive it with Debian's Chromium.

The one server and browser harness of the tests (``tests/support/browser.py`` adds their
fixtures) and of the benchmarks in ``bench/``: the server (``AppServer``) with its CPU
clock (``AppServer.cpu_s``, the one server-CPU meter), Chromium (``launch_chromium``), and
the scripts a page is given to watch it (``SOCKET_HOOK_JS``, the one WebSocket hook, and
the waits built on it). Nothing here downloads a browser: Playwright is pointed at
``/usr/bin/chromium``. The server's file watcher is off, so edits made while a run is
under way do not rerun the app. Imports neither Streamlit nor the dev dependencies
(psutil is read when a server's processes are).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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

SOCKET_HOOK_JS = """(() => {
  if (window.__optivizHooked) return;
  window.__optivizHooked = true;
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
  window.__optivizSends = 0;
  window.__optivizFinished = 0;
  window.__optivizMessages = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        window.__optivizMessages.push(performance.now());
        if (e.data instanceof ArrayBuffer && scriptFinished(new Uint8Array(e.data))) {
          window.__optivizFinished += 1;
        }
      });
    }
    send(...args) {
      window.__optivizSends += 1;
      return super.send(...args);
    }
  };
})()"""
"""Init script, the one WebSocket hook: the page's sockets count every message they send
(``window.__optivizSends``), note the page-clock time each message arrives
(``window.__optivizMessages``, ms) and count the server's ``script_finished`` messages
(ForwardMsg field 6, ``window.__optivizFinished``). Installing it twice installs it once.
"""

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
``SOCKET_HOOK_JS`` installed, such a run counts as done on the second animation frame
after its ``script_finished`` message arrived (this predicate is polled once per frame), and
that time is logged as its end."""

RERUN_END_JS = "() => window.__optivizStates[window.__optivizStates.length - 1][0]"
"""The page-clock time (ms) of the last script state change."""

ERRORS_JS = """() => [...document.querySelectorAll('[data-testid="stException"]')]
  .map(e => e.innerText.slice(0, 300))"""
"""The text of every Streamlit exception box on the page."""


WATCH_GRAPH_JS = """(() => {
  const graph = () => document.querySelector('.js-plotly-plot');
  const print = gd => gd && gd.data
    ? [gd, gd.data, ...gd.data.flatMap(t => [t.x, t.y, t.z])] : [gd];
  const changed = (a, b) => a.length !== b.length || a.some((v, i) => v !== b[i]);
  addEventListener('keydown', e => {
    const move = window.__optivizMove;
    if (move && move.key === null) move.key = e.timeStamp;
  }, true);
  window.__optivizArm = () => {
    const gd = graph();
    const move = {key: null, data: null, drawn: null, same: null};
    const before = print(gd);
    window.__optivizMove = move;
    const check = () => {
      const now = graph();
      if (move.data !== null || !now || !now.data || !changed(print(now), before)) return;
      move.data = performance.now();
      move.same = now === gd;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => { move.drawn = performance.now(); }));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {childList: true, subtree: true, attributes: true});
    const poll = () => { check(); if (move.data === null) requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
    return window.__optivizFinished || 0;
  };
})()"""
"""Init script: ``__optivizArm()`` starts watching the first graph for the next move and
returns the count of ``script_finished`` messages so far (``SOCKET_HOOK_JS``); the move's
``keydown``, new-data and drawn times (page clock, ms) land in ``__optivizMove``."""

ALPHA_SLIDER = "Learning rate α"
"""The accessible name of the chart's α slider."""


def press(page) -> dict:
    """Press → on the chart's α slider; wait for the new graph drawn (``WATCH_GRAPH_JS``) and
    the rerun's end; the move's ``__optivizMove`` marks."""
    page.get_by_role("slider", name=ALPHA_SLIDER).focus()
    finished = page.evaluate("__optivizArm()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__optivizMove.drawn !== null", timeout=FIRST_CHART_MS)
    page.wait_for_function(f"(window.__optivizFinished || 0) > {finished}", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(400)
    return page.evaluate("window.__optivizMove")


VIEWPORT = {"width": 1400, "height": 1000}
"""The benchmarks' window: the explore page's map and its controls fit without scrolling."""


def open_page(
    browser,
    url: str,
    scripts: tuple[str, ...] = (SOCKET_HOOK_JS,),
    errors: list[str] | None = None,
    settle_ms: int = 1000,
):
    """A new ``VIEWPORT`` tab at ``url`` with the init ``scripts``, returned once the map is
    drawn, the run has finished and ``settle_ms`` more have passed; its console errors and
    uncaught exceptions go to ``errors``."""
    page = browser.new_page(viewport=VIEWPORT)
    for script in scripts:
        page.add_init_script(script)
    if errors is not None:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(settle_ms)
    return page


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def run_time_s(pids: list[int]) -> float:
    """The CPU seconds the processes ``pids`` have used, all their threads (ended ones
    too), to the nanosecond: each one's CPU-time clock (``clock_getcpuclockid``).
    psutil's times tick in 10 ms."""
    total = 0.0
    for pid in pids:
        clock = ctypes.c_int()
        if _LIBC.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0:
            try:
                total += time.clock_gettime(clock.value)
            except OSError:
                continue  # the process ended between the two calls
    return total


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
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {ram:.0f} GiB RAM"
