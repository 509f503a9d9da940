"""A class on one server: N browserless sessions against one ``streamlit run app.py`` on loopback.

Each session (``optiviz.devtools.protocol.ProtocolSession``) speaks Streamlit's WebSocket
protocol, as a browser's client would, with no browser: it opens the explore page
with the exponential schedule at its own start point (so no session hits another's
cached figures: the warm-up's session and every phase's have starts no other session of
the run had, up to ``START_SLOTS`` of them, so no move finds what an earlier phase left
in the caches), waits for every session to be open, then makes ``--moves`` moves,
alternately "Learning rate α" and "Decay rate k" one notch up (each move a state no
earlier move had, so the page's own caches never answer), each after a think time
of 2 s ± 50 %; ``--view default`` opens the first screen instead (no decay, so no k)
and moves only α. A move's time runs from sending ``rerun_script`` to receiving
``script_finished``; its bytes are the sum of the ForwardMsgs in between. During
the moves the CPU seconds of the server's process tree are read, from each process's
CPU-time clock (``clock_getcpuclockid``, in ns, threads that have ended included);
after them its resident memory. With one session, each move's own server CPU is read
too, less the idle rate over the move, so its median can be given. The run is bounded:
``--max-seconds`` per phase, and each rerun times out after two minutes.

Every server variant (``--variants``) is started at once, warmed up, and the
phases run paired, each N on every variant in turn, so a variant's figures are
compared with the baseline's from the same minutes; ``--reference PATH`` adds another
checkout's app (the code before a change) as the baseline. Run from the repository root
with ``.venv/bin/python -m bench.load protocol`` (quick check:
``--sessions 1 --moves 4 --variants config``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import psutil
from websockets.exceptions import ConnectionClosed

from optiviz.cli import nginx, serve
from optiviz.devtools.cpu import machine, run_time_s
from optiviz.devtools.moves import ALPHA, START, SURFACE, K, change, start_query
from optiviz.devtools.protocol import ProtocolSession
from optiviz.devtools.server import AppServer, free_port

CPU_FLAG = "--cpus"
DISCONNECTS = (TimeoutError, OSError, ConnectionClosed)
THINK_S = 2.0
START_SLOTS = 150
"""Sessions with starts of their own (``start_query``'s start points stay on the default
surface's map up to this index); a longer run starts again from the first."""
VARIANTS = {
    "config": {},
    "Streamlit default": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true", "OPTIVIZ_GC_FREEZE": "0"},
    "postScriptGC off": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false", "OPTIVIZ_GC_FREEZE": "0"},
    "freeze": {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true", "OPTIVIZ_GC_FREEZE": "1"},
    "postScriptGC off + freeze": {
        "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false",
        "OPTIVIZ_GC_FREEZE": "1",
    },
    "warm-up off": {"OPTIVIZ_WARMUP": "0"},
}
"""Server variants by environment: the repository as it is (``.streamlit/config.toml``,
``optiviz.ui.warmup``), each combination of Streamlit's full collection after every
run (``runner.postScriptGC``) and the app's ``gc.freeze`` of the warmed-up heap, and the
background compile switched off."""


REFERENCE = "reference"
"""The variant ``--reference`` serves: another checkout's app, with that checkout's package."""

VIEWS = {
    "decay": ("exponential", (ALPHA, K)),
    "default": ("", (ALPHA,)),
    "class": ("exponential", (K, START, SURFACE, ALPHA)),
}
"""``--view``: (the schedule in the URL, the moves made in turn). "default" is the first
screen as a visitor sees it, which has no decay and so no k; "class" mixes every kind of
move a student makes."""


@dataclass
class Move:
    """One move as its session saw it."""

    label: str
    seconds: float
    bytes: int
    ok: bool
    error: str = ""
    cpu_s: float = float("nan")
    """The server's CPU seconds during the move (one session only; else nan)."""


@dataclass
class Phase:
    """N sessions' moves on one server, with the server's CPU seconds during the moves."""

    variant: str
    sessions: int
    view: str = "decay"
    cores: int = 1
    """Cores the server may use (``--cpus``, else the machine's)."""
    moves: list[Move] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    rss_mb: float = 0.0
    idle_cpu: float = 0.0
    """The server's CPU seconds per second when no session moves (heartbeats, timers)."""
    load: tuple[float, float] = (float("nan"), float("nan"))
    """The machine's 1-minute load average as the phase began and ended."""

    @property
    def errors(self) -> list[str]:
        return [m.error or f"{m.label}: not finished" for m in self.moves if not m.ok]

    def ms(self, q: float) -> float:
        """The ``q`` th percentile of the finished moves' times, in ms."""
        seconds = [m.seconds for m in self.moves if m.ok]
        return float(np.percentile(seconds, q)) * 1e3 if seconds else float("nan")

    @property
    def cpu_ms(self) -> float:
        """Server CPU per move, ms: the phase's CPU less the idle rate, over its moves."""
        return 1e3 * (self.cpu_s - self.idle_cpu * self.wall_s) / max(len(self.moves), 1)

    @property
    def raw_cpu_ms(self) -> float:
        """Server CPU per move, ms, idle rate included: an upper bound that holds even
        where the idle rate could not be read apart from a compile."""
        return 1e3 * self.cpu_s / max(len(self.moves), 1)

    @property
    def cpu_median_ms(self) -> float:
        """The median move's own server CPU, ms, less the idle rate (one session only)."""
        return self.kind_cpu_ms("")

    def kind_cpu_ms(self, kind: str) -> float:
        """The median ``kind`` move's own server CPU, ms, less the idle rate (one session
        only; every kind for ``""``)."""
        own = [
            m.cpu_s - self.idle_cpu * m.seconds
            for m in self.moves
            if m.cpu_s == m.cpu_s and kind in ("", m.label)
        ]
        return float(np.median(own)) * 1e3 if own else float("nan")

    @property
    def rate_per_core(self) -> float:
        """Finished moves per second of the phase, per core the server may use."""
        return sum(m.ok for m in self.moves) / max(self.wall_s, 1e-9) / self.cores

    def kind_ms(self, kind: str, q: float) -> float:
        seconds = [m.seconds for m in self.moves if m.ok and m.label == kind]
        return float(np.percentile(seconds, q)) * 1e3 if seconds else float("nan")

    @property
    def kb(self) -> float:
        """The median move's bytes received, in kB."""
        sizes = [m.bytes for m in self.moves if m.ok]
        return float(np.median(sizes)) / 1e3 if sizes else float("nan")


async def _move(
    session: ProtocolSession, label: str, direction: int, cpu: Callable[[], float] | None
) -> tuple[Move, int]:
    before = cpu() if cpu else float("nan")
    try:
        kwargs, direction = change(session, label, direction)
        run = await session.rerun(**kwargs)
    except (*DISCONNECTS, KeyError, ValueError) as exc:
        error = f"{label}: {type(exc).__name__} {exc}"
        return Move(label, float("nan"), 0, False, error), direction
    used = cpu() - before if cpu else float("nan")
    move = Move(label, run.seconds, run.bytes, run.ok, "; ".join(run.exceptions), used)
    return move, direction


async def user(
    port: int,
    index: int,
    moves: int,
    opened: asyncio.Barrier,
    think_s: float = THINK_S,
    deadline: float = float("inf"),
    view: str = "decay",
    cpu: Callable[[], float] | None = None,
    routed: bool = False,
) -> list[Move]:
    """One visitor: open the page, wait at ``opened`` for the others, then ``moves`` moves
    of the ``view``'s sliders in turn, each after ``think_s`` ± 50 %; stops early past
    ``deadline`` (``time.monotonic``). ``cpu()``, if given, is read around each move.
    ``routed``: behind nginx, first fetch the page for the replica's cookie, as a browser."""
    rng, done, waited = random.Random(index), [], False
    schedule, labels = VIEWS[view]
    directions = dict.fromkeys(labels, 1)
    try:
        headers = await asyncio.to_thread(route, port) if routed else {}
        async with ProtocolSession(port, start_query(index, schedule), headers=headers) as session:
            first = await session.rerun()
            await opened.wait()
            waited = True
            if not first.ok:
                return [Move("open", first.seconds, 0, False, "; ".join(first.exceptions))]
            await asyncio.sleep(rng.uniform(0, think_s))
            for i in range(moves):
                if time.monotonic() > deadline:
                    break
                label = labels[i % len(labels)]
                move, directions[label] = await _move(session, label, directions[label], cpu)
                done.append(move)
                await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
    except DISCONNECTS as exc:
        done.append(Move("session", float("nan"), 0, False, f"{type(exc).__name__}: {exc}"))
    finally:
        if not waited:
            await opened.wait()
    return done


REPLICAS: Counter = Counter()
"""Sessions per replica in the last routed phase (nginx's ``X-Optiviz-Replica``)."""


def route(port: int) -> dict[str, str]:
    """GET the page through nginx: the ``Cookie`` header that keeps its replica."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
        REPLICAS[response.headers[nginx.REPLICA_HEADER]] += 1
        cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    return {"Cookie": "; ".join(c for c in cookies if c.startswith(nginx.ROUTE_COOKIE))}


class Replicas:
    """``optiviz serve``'s replicas and nginx (``serve.launch``), read as one server."""

    routed = True

    def __init__(self, n: int, env: dict[str, str], cpus: int, root: Path | None = None) -> None:
        os.environ.update(env)  # the replicas inherit it
        self.port = free_port()
        pin = ["taskset", "-c", f"0-{cpus - 1}"] if cpus else []
        self.fleet = serve.launch(n, self.port, None, "127.0.0.1", prefix=pin, root=root)

    def wait_healthy(self) -> None:
        assert serve.wait_ready(self.fleet.children, self.fleet.ports, lambda: False) is None

    def processes(self) -> list[psutil.Process]:
        roots = [psutil.Process(c.process.pid) for c in self.fleet.children]
        return [p for r in roots for p in (r, *r.children(recursive=True))]

    def rss_mb(self) -> float:
        return sum(p.memory_info().rss for p in self.processes() if p.is_running()) / 2**20

    def stop(self) -> None:
        self.fleet.stop()


def _cpu_s(server: AppServer) -> float:
    """The server's CPU seconds so far, its process tree's (``run_time_s``)."""
    return run_time_s([p.pid for p in server.processes()])


async def _phase(
    phase: Phase, server: AppServer, moves: int, think_s: float, limit: float, first: int
):
    opened = asyncio.Barrier(phase.sessions + 1)
    deadline = time.monotonic() + limit
    pids = [p.pid for p in server.processes()]
    cpu = (lambda: run_time_s(pids)) if phase.sessions == 1 else None
    routed = getattr(server, "routed", False)
    REPLICAS.clear()
    users = [
        asyncio.create_task(
            user(server.port, index, moves, opened, think_s, deadline, phase.view, cpu, routed)
        )
        for index in ((first + i) % START_SLOTS for i in range(phase.sessions))
    ]
    await opened.wait()
    cpu, started = _cpu_s(server), time.perf_counter()
    for moved in await asyncio.gather(*users):
        phase.moves += moved
    phase.cpu_s, phase.wall_s = _cpu_s(server) - cpu, time.perf_counter() - started


def measure(
    server: AppServer,
    sessions: int,
    moves: int,
    variant: str = "config",
    think_s: float = THINK_S,
    limit_s: float = 300.0,
    idle_cpu: float = 0.0,
    view: str = "decay",
    cores: int = 1,
    first: int = 0,
) -> Phase:
    """``sessions`` visitors making ``moves`` moves each on ``server``, sessions ``first``
    onwards (``start_query``'s index); then its RSS."""
    phase = Phase(variant, sessions, view, cores, idle_cpu=idle_cpu)
    began = os.getloadavg()[0]
    asyncio.run(_phase(phase, server, moves, think_s, limit_s, first))
    phase.rss_mb, phase.load = server.rss_mb(), (began, os.getloadavg()[0])
    return phase


SETTLE_S = 600.0
"""The longest ``settle`` waits: the background compile after the first page takes
minutes on one busy core."""


def settle(
    server: AppServer, quiet_cpu_s: float = 0.05, timeout_s: float = SETTLE_S, quiet_s: int = 8
) -> bool:
    """Wait until the server uses under ``quiet_cpu_s`` of CPU a second for ``quiet_s``
    seconds in a row (the background compile after the first page is done: it pauses a
    few seconds after each page run, so one quiet second is not enough); False if it did
    not within ``timeout_s``."""
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < quiet_s:
        before = _cpu_s(server)
        time.sleep(1.0)
        quiet = quiet + 1 if _cpu_s(server) - before < quiet_cpu_s else 0
    return quiet >= quiet_s


def warm_up(
    server: AppServer, idle_s: float = 4.0, settle_s: float = SETTLE_S, view: str = "decay"
) -> float:
    """Compile the page's JAX code with one session of a few moves of ``view`` (session
    ``START_SLOTS - 1``: its start is no phase's), let the server settle,
    and return its idle CPU seconds per second, read over ``idle_s``; NaN where it did not
    settle (the idle rate would hold the compile, and the CPU per move be meaningless:
    ``Phase.raw_cpu_ms`` still bounds it)."""
    server.wait_healthy()
    measure(server, 1, 4, think_s=0.0, view=view, first=START_SLOTS - 1)
    if not settle(server, timeout_s=settle_s):
        return float("nan")
    before = _cpu_s(server)
    time.sleep(idle_s)
    return (_cpu_s(server) - before) / idle_s


HEADER = (
    "| variant | sessions | moves | errors | p50 ms | p95 ms | server CPU ms/move "
    "| median move's CPU ms | kB/move (median) | server RSS after, MiB | moves/s/core "
    "| CPU-bound moves/s/core | raw CPU ms/move | load average |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(p: Phase) -> str:
    """``p`` as a Markdown row under ``HEADER``."""
    median = "—" if p.cpu_median_ms != p.cpu_median_ms else f"{p.cpu_median_ms:.0f}"
    return (
        f"| {p.variant} | {p.sessions} | {len(p.moves)} | {len(p.errors)} | {p.ms(50):.0f} "
        f"| {p.ms(95):.0f} | {p.cpu_ms:.0f} | {median} | {p.kb:.0f} | {p.rss_mb:.0f} "
        f"| {p.rate_per_core:.1f} | {1e3 / p.cpu_ms:.0f} | {p.raw_cpu_ms:.0f} "
        f"| {p.load[0]:.0f}–{p.load[1]:.0f} |"
    )


def ratios(phases: list[Phase], baseline: str) -> list[str]:
    """Each variant's p50, p95 and CPU per move over the baseline's at the same N."""
    lines = []
    base = {p.sessions: p for p in phases if p.variant == baseline}
    for phase in phases:
        ref = base.get(phase.sessions)
        if phase.variant == baseline or ref is None:
            continue
        lines.append(
            f"{phase.variant} / {baseline}, N = {phase.sessions}: "
            f"p50 {phase.ms(50) / ref.ms(50):.2f}, p95 {phase.ms(95) / ref.ms(95):.2f}, "
            f"CPU per move {phase.cpu_ms / ref.cpu_ms:.2f}"
        )
    return lines


def main() -> None:
    """Print a row per (N, variant), the ratios to the first variant, errors and RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 8, 30])
    parser.add_argument("--moves", type=int, default=12, help="moves per session")
    parser.add_argument("--think", type=float, default=THINK_S, help="mean think time, s")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="limit per phase")
    parser.add_argument("--variants", nargs="+", default=["config"], choices=list(VARIANTS))
    parser.add_argument("--view", default="decay", choices=list(VIEWS), help="see VIEWS")
    parser.add_argument(CPU_FLAG, type=int, default=0, help="pin the server to this many cores")
    parser.add_argument(
        "--replicas", type=int, default=0, help="optiviz serve's N replicas behind nginx instead"
    )
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=SETTLE_S,
        help="longest wait for the background compile to finish before the idle rate is read",
    )
    parser.add_argument("--json", type=Path, help="also write every phase and move here")
    parser.add_argument(
        "--reference",
        type=Path,
        help=f"also serve this checkout's app as variant {REFERENCE!r}, the baseline, on the "
        "same cores (the code before, measured in the same minutes)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="after each one-session phase, the same session's moves once more: every chart "
        "is then cached, so a move's CPU is its fixed share (Streamlit, the page's run)",
    )
    args = parser.parse_args()
    cores = args.cpus or len(os.sched_getaffinity(0))

    def start(env: dict[str, str], root: Path | None = None):
        if args.replicas:  # ``root``: the reference's replicas run its checkout
            return Replicas(args.replicas, env, args.cpus, root)
        pin = ["taskset", "-c", f"0-{args.cpus - 1}"] if args.cpus else None
        if root is None:
            return AppServer(env=env, prefix=pin)
        return AppServer(env=env | {"PYTHONPATH": str(root)}, prefix=pin, root=root.resolve())

    servers = {}
    if args.reference:
        servers[REFERENCE] = start(VARIANTS["config"], args.reference)
    servers |= {name: start(VARIANTS[name]) for name in args.variants}
    baseline = next(iter(servers))
    phases: list[Phase] = []
    try:
        idle = {
            name: warm_up(server, settle_s=args.settle_seconds, view=args.view)
            for name, server in servers.items()
        }
        first = 0  # each N its own starts; every variant the same ones
        for n in args.sessions:
            for name, server in servers.items():
                limits = (args.think, args.max_seconds, idle[name], args.view, cores, first)
                phases.append(measure(server, n, args.moves, name, *limits))
                print(row(phases[-1]), flush=True)
                if args.again and n == 1:
                    phases.append(measure(server, n, args.moves, f"{name} again", *limits))
                    print(row(phases[-1]), flush=True)
                if REPLICAS:
                    print(f"  sessions per replica: {dict(REPLICAS)}", flush=True)
            first += n
    finally:
        for server in servers.values():
            server.stop()
    pinned = f"server pinned to {args.cpus} core(s) with taskset" if args.cpus else "unpinned"
    print(
        f"\nMachine: {machine()}; the sessions and the server share it; view: {args.view}; {pinned}"
    )
    print(
        "Server idle CPU, subtracted: "
        + ", ".join(f"{k} {1e3 * v:.0f} ms/s" for k, v in idle.items())
    )
    print()
    print(HEADER)
    for phase in phases:
        print(row(phase))
    print("\n".join(["", *ratios(phases, baseline)]))
    print()
    for phase in phases:
        kinds = ", ".join(
            f"{kind} p50 {phase.kind_ms(kind, 50):.0f} / p95 {phase.kind_ms(kind, 95):.0f} ms"
            + ("" if phase.sessions > 1 else f" (server CPU {phase.kind_cpu_ms(kind):.1f} ms)")
            for kind in VIEWS[phase.view][1]
        )
        print(f"{phase.variant}, N = {phase.sessions}: {kinds}")
    for phase in phases:
        for error in phase.errors[:5]:
            print(f"error ({phase.variant}, N = {phase.sessions}): {error[:200]}")
    if args.json:
        args.json.write_text(json.dumps([as_json(p) for p in phases], indent=1))


def as_json(phase: Phase) -> dict:
    """``phase``'s fields and moves, with its per-move CPU figures."""
    kinds = {kind: phase.kind_cpu_ms(kind) for kind in VIEWS[phase.view][1]}
    return asdict(phase) | {
        "cpu_ms": phase.cpu_ms,
        "cpu_median_ms": phase.cpu_median_ms,
        "kind_cpu_ms": kinds,
    }


if __name__ == "__main__":
    main()
