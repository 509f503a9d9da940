"""Many users at once: N browser sessions against one ``streamlit run app.py`` on loopback.

Each session (its own Chromium context) opens the explore page with the
exponential schedule and its own start point (so sessions never share cached
figures), then repeats: move α one notch, move k one notch, press Play. The
time of a move is from the key press to the app's script state being back to
``notRunning``, on the page's clock. It is measured for 1 session, then for N
at once; errors are Streamlit exception boxes, console errors and page errors.
Then one session visits every page and the 3-D view, and the server's
resident memory (process and children) is read. Last, the same load runs
against ``bench/apps/floor_app.py``, a page with only the two sliders and a
one-point animated chart whose reruns spend the app's median rerun CPU: its
ratio is what this machine gives any Streamlit page under this load. Run from
the repository root with ``.venv/bin/python -m bench.load browsers``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import psutil
from playwright.async_api import Page, WebSocket, async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, MAP_CHART, play_button
from optiviz.devtools.server import AppServer
from optiviz.devtools.socket_hook import RERUN_DONE_JS, RERUN_END_JS, SOCKET_HOOK_JS, WATCH_STATE_JS

PAGES = ("Hyperparameter lab", "Lessons", "Explore")
FLOOR_APP = "bench/apps/floor_app.py"
"""The same load against the least page with these controls (see its docstring)."""


@dataclass
class Log:
    """Move times (ms) on the page and on the wire, and error messages, of one session.

    The wire time runs from the key press to the server's ``script_finished``
    message as the page's WebSocket hands it over. Chromium reports WebSocket
    frames from the page's renderer, so a renderer busy drawing also delays
    this time: it is not the server's share alone (``CpuMeter`` gives that).
    """

    times: list[float] = field(default_factory=list)
    wire: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)

    def watch(self, ws: WebSocket) -> None:
        """Record the arrival time of every ``script_finished`` message."""

        def received(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                msg = ForwardMsg.FromString(payload)
                if msg.WhichOneof("type") == "script_finished":
                    self.finished.append(time.perf_counter())

        ws.on("framereceived", received)


async def _rerun(page: Page, action, log: Log | None = None) -> float:
    """Run ``action`` and wait for the rerun it causes; ms until ``notRunning``."""
    start = await page.evaluate(WATCH_STATE_JS)
    pressed, seen = time.perf_counter(), len(log.finished) if log else 0
    await action()
    await page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS)
    if log and len(log.finished) > seen:
        log.wire.append(1e3 * (log.finished[seen] - pressed))
    return await page.evaluate(RERUN_END_JS) - start


async def _open(browser, url: str, log: Log) -> Page:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(SOCKET_HOOK_JS)
    page = await context.new_page()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("websocket", log.watch)
    await page.goto(url)
    await page.wait_for_selector(f"{MAP_CHART} .main-svg", timeout=FIRST_CHART_MS)
    await page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    return page


async def _press(page: Page, label: str, key: str) -> None:
    await page.get_by_role("slider", name=label).press(key)


async def session(browser, url: str, index: int, rounds: int) -> Log:
    """One user: ``rounds`` of (α up, k up, Play for half a second)."""
    log = Log()
    start = f"{url}?schedule=exponential&start_x={0.3 + 0.01 * index:.2f}"
    page = await _open(browser, start, log)
    for i in range(rounds):
        for label in ("Learning rate α", "Decay rate k"):
            key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
            log.times.append(await _rerun(page, lambda lb=label, k=key: _press(page, lb, k), log))
        await play_button(page).click()
        await page.wait_for_timeout(500)
    log.errors += await page.evaluate(ERRORS_JS)
    await page.context.close()
    return log


async def tour(browser, url: str) -> list[str]:
    """Visit the 3-D view and every page once; the errors seen."""
    log = Log()
    page = await _open(browser, url, log)
    await _rerun(page, page.get_by_role("radio", name="3-D view").click)
    await page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot .main-svg')
    log.errors += await page.evaluate(ERRORS_JS)
    radio = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').first
    for name in PAGES:
        option = radio.get_by_text(name, exact=True)
        if await option.count():
            await _rerun(page, option.click)
            log.errors += await page.evaluate(ERRORS_JS)
    await page.context.close()
    return log.errors


async def load(url: str, sessions: int, rounds: int) -> list[Log]:
    """Run ``sessions`` sessions at once in one browser."""
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            return await asyncio.gather(
                *(session(browser, url, i, rounds) for i in range(sessions))
            )
        finally:
            await browser.close()


async def visit_all(url: str) -> list[str]:
    """The page tour in its own browser."""
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            return await tour(browser, url)
        finally:
            await browser.close()


def _summary(name: str, logs: list[Log]) -> tuple[float, float, str]:
    times = np.concatenate([log.times for log in logs])
    wire = np.concatenate([log.wire for log in logs])
    errors = sum(len(log.errors) for log in logs)
    p50, p95 = np.percentile(times, [50, 95])
    w50, w95 = np.percentile(wire, [50, 95])
    row = f"| {name} | {len(times)} | {p50:.0f} | {p95:.0f} | {w50:.0f} | {w95:.0f} | {errors} |"
    return p95, w95, row


class CpuMeter:
    """CPU seconds used by the server's process tree (``AppServer.cpu_s``, read at the start
    and the end) and by Chromium's processes, sampled every half second while running
    (Chromium's renderers exit before a final reading)."""

    def __init__(self, server: AppServer) -> None:
        self._server = server
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        for proc in psutil.process_iter(["pid", "name", "cpu_times"]):
            times = proc.info["cpu_times"]
            if times is not None and "chrom" in (proc.info["name"] or ""):
                self._seen[proc.info["pid"]] = times.user + times.system

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample()
        self._before = dict(self._seen)
        self._server_before = self._server.cpu_s()
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.wall = time.perf_counter() - self._started
        self._server_used = self._server.cpu_s() - self._server_before

    def seconds(self, kind: str) -> float:
        """CPU seconds of ``kind`` ('server' or 'chromium') while the meter ran."""
        if kind == "server":
            return self._server_used
        return sum(t - self._before.get(pid, 0.0) for pid, t in self._seen.items())


@dataclass
class Run:
    """One app's load run: 1 session, then N at once, with the CPU used during the N."""

    name: str
    one: list[Log]
    many: list[Log]
    cpu: CpuMeter


def measure(name: str, server: AppServer, sessions: int, rounds: int) -> Run:
    """Warm the server up with one short session, then run 1 and ``sessions`` sessions."""
    server.wait_healthy()
    asyncio.run(load(server.url, 1, 1))  # warm-up: compile the default view
    one = asyncio.run(load(server.url, 1, rounds))
    with CpuMeter(server) as cpu:
        many = asyncio.run(load(server.url, sessions, rounds))
    return Run(name, one, many, cpu)


def report(run: Run, n: int) -> float:
    """Print ``run``'s rows, ratios, CPU and errors; return its N-session page p95."""
    p95_one, w95_one, row_one = _summary(f"{run.name}, 1 session", run.one)
    p95_many, w95_many, row_many = _summary(f"{run.name}, {n} sessions", run.many)
    print("| run | moves | page p50 ms | page p95 ms | wire p50 ms | wire p95 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    print(row_one)
    print(row_many)
    print(f"\npage: p95({n}) / p95(1) = {p95_many / p95_one:.2f} (target <= 3)")
    print(f"wire: p95({n}) / p95(1) = {w95_many / w95_one:.2f}")
    busy = {kind: run.cpu.seconds(kind) for kind in ("server", "chromium")}
    cores = os.cpu_count() or 1
    wall = run.cpu.wall
    print(
        f"CPU during the {n}-session run ({wall:.0f} s wall, {cores * wall:.0f} core-s "
        f"on {cores} cores): server {busy['server']:.0f} s, Chromium {busy['chromium']:.0f} s"
    )
    for log in run.one + run.many:
        for error in log.errors:
            print("error:", error[:200])
    print()
    return p95_many


def main() -> None:
    """Print move latencies for 1 and N sessions of the app and of the floor page, CPU
    shares, errors and the app server's memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4, help="(α, k, Play) rounds per session")
    args = parser.parse_args()
    with AppServer() as server:
        app = measure("app", server, args.sessions, args.rounds)
        rss_load = server.rss_mb()
        tour_errors = asyncio.run(visit_all(server.url))
        rss_all = server.rss_mb()
    with AppServer(app=FLOOR_APP) as server:
        floor = measure("floor", server, args.sessions, args.rounds)
    n = args.sessions
    print(f"Machine: {machine()}; one Chromium (a context per session) and the server share it\n")
    app_p95 = report(app, n)
    floor_p95 = report(floor, n)
    print(f"app p95({n}) / floor p95({n}) = {app_p95 / floor_p95:.2f}")
    for error in tour_errors:
        print("error on the page tour:", error[:200])
    print(f"\nServer RSS after the load: {rss_load:.0f} MiB")
    print(f"Server RSS after every page and the 3-D view: {rss_all:.0f} MiB (target < 600)")


if __name__ == "__main__":
    main()
