"""A class answers a question: ``--students`` browserless sessions against one
``streamlit run app.py`` on loopback while the presenter's page polls.

The presenter (``?present=1``, an ``optiviz.devtools.protocol.ProtocolSession``) asks "Which
run settles first?" (``--kind where``: "Where will the ball be after N steps?") with the
page's own Ask the class form, then reruns its live
answers fragment every time the server's ``auto_rerun`` asks (every
``optiviz.ui.classroom.LIVE_S``), as the browser does, and reads the count it shows.
Every student opens ``?room=CODE`` at once; when all are in (a class joins while the
presenter talks), each picks a choice with the page's radio (or taps a random point of
the map: the pick component's trigger) at a random moment of the next ``--spread``
seconds, and changes it once 0.3 to 1 s later (a second answer replaces the first).
While it waits, each student's page reruns its reveal watch (the fragment that asks
whether the room is still open) every ``optiviz.ui.student.WATCH_S``, as the browser's
timer does, so the load includes it. Checked and printed:

- every student's last answer is stored within ``--deadline`` seconds of the start of
  answering;
- the store holds exactly one answer per student, their last choice;
- the presenter's count catches up: for the k-th first answer, the time from sending it
  to the first presenter poll that shows at least k answers (p50, p95, max; the target
  is p95 ≤ 2 s, i.e. about ``LIVE_S`` plus one fragment run);
- no run failed, no error was shown, and the server's resident memory stayed ≤ 1 GiB
  (sampled every 0.2 s).

The rooms live in a fresh SQLite file (``OPTIVIZ_ROOMS_URL``); ``--redis URL`` uses a
Redis database instead. Run from the repository root with
``.venv/bin/python -m bench.load rooms`` (quick check: ``--students 10``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from optiviz import rooms
from optiviz.devtools.cpu import machine
from optiviz.devtools.protocol import ProtocolSession
from optiviz.devtools.rerun import Run
from optiviz.devtools.server import AppServer
from optiviz.ui import ask, classroom, student

CODE = re.compile(rf"^Code \*\*`([{rooms.ALPHABET}]{{{rooms.CODE_LEN}}})`\*\*$")
COUNT = re.compile(r"^\*\*(\d+)\*\* answers?$")
RSS_LIMIT_MB = 1024.0
CATCH_UP_S = 2.0


class Presenter(ProtocolSession):
    """A session (the presenter's or a student's) that also knows when its page's reveal
    watch is next due."""

    next_watch: float = 0.0


def _count(run: Run) -> int | None:
    for text in run.texts:
        found = COUNT.match(text)
        if found:
            return int(found.group(1))
    return None


class Tally:
    """What the bench saw: polls, first answers, errors, memory."""

    def __init__(self) -> None:
        self.polls: list[tuple[float, int]] = []
        self.first: list[float] = []
        self.done: list[float] = []
        self.errors: list[str] = []
        self.rss: list[float] = []
        self.poll_s: list[float] = []
        self.answer_s: list[float] = []
        self.join_s: list[float] = []
        self.watch_s: list[float] = []
        self.joined = 0

    def check(self, run: Run, what: str) -> None:
        if not run.ok:
            self.errors.append(f"{what}: status {run.status} {run.exceptions}")
        shown = [t for t in run.texts if t in (rooms.NO_ROOM, rooms.TOO_FAST, rooms.FULL)]
        if shown:
            self.errors.append(f"{what}: {shown}")


async def _ask(port: int, kind: str) -> tuple[Presenter, str]:
    presenter = Presenter(port, query="present=1")
    await presenter.__aenter__()
    await presenter.rerun()
    await presenter.rerun({"Question": ask.KINDS[kind]})
    run = await presenter.rerun(click="Ask the class")
    code = next((m.group(1) for t in run.texts for m in [CODE.search(t)] if m), None)
    if code is None or not run.ok:
        raise RuntimeError(f"the presenter could not ask: {run.exceptions or run.texts}")
    return presenter, code


async def _poll(presenter: Presenter, tally: Tally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(classroom.LIVE_S)
        run = await presenter.rerun_fragment(presenter.auto)
        tally.check(run, "presenter poll")
        tally.poll_s.append(run.seconds)
        count = _count(run)
        if count is not None:
            tally.polls.append((time.perf_counter(), count))


def _answers(question: dict, rng: random.Random) -> list[tuple[dict, str, object]]:
    """Two answers, each as (rerun keyword arguments, its confirmation, what is stored):
    two choices by the radio, or two taps on the map (the pick component's trigger)."""
    if question["kind"] == "which":
        picks = rng.sample(question["choices"], 2)
        return [({"changes": {"Your answer": c}}, f"Your answer: {c}.", c) for c in picks]
    out = []
    for _ in range(2):
        axes = rooms.AXES[: len(question["bounds"])]
        point = {
            a: rng.uniform(lo, hi) for a, (lo, hi) in zip(axes, question["bounds"], strict=True)
        }
        stored = tuple(round(v, 3) + 0.0 for v in point.values())
        out.append(({"trigger": (student.PICK, "pick", point)}, "Your answer: (", stored))
    return out


async def _student(
    port: int,
    code: str,
    question: dict,
    args: tuple[float, asyncio.Event],
    tally: Tally,
    i: int,
) -> object:
    """Open the page, wait for the class to be in, then answer and change the answer."""
    spread, go = args
    rng = random.Random(i)
    async with Presenter(port, query=f"room={code}") as s:
        run = await s.rerun()
        tally.check(run, f"student {i} opening")
        tally.join_s.append(run.seconds)
        s.next_watch = time.perf_counter() + student.WATCH_S
        answers = _answers(question, rng)
        tally.joined += 1
        await _watching(s, tally, i, event=go)
        await _watching(s, tally, i, seconds=rng.uniform(0, spread))
        for n, (how, confirmation, _) in enumerate(answers):
            sent = time.perf_counter()
            run = await s.rerun(**how)
            tally.check(run, f"student {i} answer {n}")
            tally.answer_s.append(run.seconds)
            if not any(t.startswith(confirmation) for t in run.texts):
                tally.errors.append(f"student {i}: no {confirmation!r}: {run.texts[-2:]}")
            if n == 0:
                tally.first.append(sent)
            else:
                tally.done.append(time.perf_counter())
            s.next_watch = time.perf_counter() + student.WATCH_S  # a full run restarts it
            await _watching(s, tally, i, seconds=rng.uniform(0.3, 1.0))
        return answers[-1][2]


async def _watching(
    s: Presenter,
    tally: Tally,
    i: int,
    seconds: float = math.inf,
    event: asyncio.Event | None = None,
) -> None:
    """Wait ``seconds`` (or until ``event``) as a student's open page does: its reveal
    watch fragment reruns every ``student.WATCH_S``."""
    end = time.perf_counter() + seconds
    while not (event and event.is_set()) and time.perf_counter() < end:
        step = max(0.0, min(end, s.next_watch) - time.perf_counter())
        if event:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), step)
        else:
            await asyncio.sleep(step)
        if s.auto and time.perf_counter() >= s.next_watch:
            run = await s.rerun_fragment(s.auto)
            tally.check(run, f"student {i} watch")
            tally.watch_s.append(run.seconds)
            s.next_watch = time.perf_counter() + student.WATCH_S


def _kept(stored: list[dict]) -> list:
    return sorted(a["choice"] if "choice" in a else tuple(a[k] for k in rooms.AXES if k in a)
                  for a in stored)  # fmt: skip


async def _memory(server: AppServer, tally: Tally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        tally.rss.append(server.rss_mb())
        await asyncio.sleep(0.2)


def catch_up(first: list[float], polls: list[tuple[float, int]]) -> np.ndarray:
    """Per first answer k (in send order): the first poll at or after it showing ≥ k
    answers, less its send time; inf where no poll ever did."""
    out = []
    for k, sent in enumerate(sorted(first), start=1):
        seen = [t for t, n in polls if t >= sent and n >= k]
        out.append(min(seen) - sent if seen else np.inf)
    return np.array(out)


async def bench(server: AppServer, url: str, students: int, spread: float, kind: str) -> dict:
    tally, stop = Tally(), asyncio.Event()
    memory = asyncio.create_task(_memory(server, tally, stop))
    presenter, code = await _ask(server.port, kind)
    question = rooms.open_store(url).question(code)
    poll = asyncio.create_task(_poll(presenter, tally, stop))
    go = asyncio.Event()
    answering = asyncio.gather(
        *(_student(server.port, code, question, (spread, go), tally, i) for i in range(students))
    )
    while tally.joined < students and not answering.done():
        await asyncio.sleep(0.05)
    opened = time.perf_counter()
    go.set()
    last = await answering
    settle = time.perf_counter() + CATCH_UP_S + classroom.LIVE_S
    while time.perf_counter() < settle and not any(n >= students for _, n in tally.polls):
        await asyncio.sleep(0.1)
    await asyncio.sleep(classroom.LIVE_S)
    stop.set()
    await poll
    await memory
    await presenter.__aexit__()
    stored = rooms.open_store(url).answers(code)
    return {
        "answered_s": max(tally.done) - opened,
        "stored": len(stored),
        "voters": len({a["voter"] for a in stored}),
        "last_kept": _kept(stored) == sorted(last),
        "catch_up": catch_up(tally.first, tally.polls),
        "errors": tally.errors,
        "rss_mb": max(tally.rss),
        "poll_s": np.array(tally.poll_s),
        "answer_s": np.array(tally.answer_s),
        "join_s": np.array(tally.join_s),
        "watch_s": np.array(tally.watch_s),
        "polls": len(tally.polls),
    }


def report(r: dict, students: int, deadline: float) -> bool:
    lag = r["catch_up"]
    p50, p95 = np.percentile(lag, [50, 95])
    rows = [
        ("all answered (s)", f"{r['answered_s']:.2f}", f"≤ {deadline:g}",
         r["answered_s"] <= deadline),
        ("answers stored", f"{r['stored']} ({r['voters']} voters)", f"= {students}",
         r["stored"] == r["voters"] == students),
        ("stored = each one's last choice", str(r["last_kept"]), "True", r["last_kept"]),
        ("catch-up p50 / p95 / max (s)", f"{p50:.2f} / {p95:.2f} / {lag.max():.2f}",
         f"p95 ≤ {CATCH_UP_S:g}", p95 <= CATCH_UP_S),
        ("errors", str(len(r["errors"])), "0", not r["errors"]),
        ("server RSS max (MiB)", f"{r['rss_mb']:.0f}", f"≤ {RSS_LIMIT_MB:.0f}",
         r["rss_mb"] <= RSS_LIMIT_MB),
    ]  # fmt: skip
    print(f"\n| {'measure':34} | {'value':24} | {'target':10} | ok |")
    print(f"|{'-' * 36}|{'-' * 26}|{'-' * 12}|----|")
    for name, value, target, ok in rows:
        print(f"| {name:34} | {value:24} | {target:10} | {'✓' if ok else '✗'}  |")
    poll, answer, join = r["poll_s"], r["answer_s"], r["join_s"]
    print(
        f"\npresenter polls: {r['polls']}, fragment run median {np.median(poll) * 1000:.0f} ms"
        f" (p95 {np.percentile(poll, 95) * 1000:.0f}); student answer run median "
        f"{np.median(answer) * 1000:.0f} ms (p95 {np.percentile(answer, 95) * 1000:.0f}); "
        f"catch-up p95 / refresh interval = {p95 / classroom.LIVE_S:.2f}; opening the page "
        f"(all {students} at once) median {np.median(join):.2f} s, max {join.max():.2f} s"
    )
    watch = r["watch_s"]
    if watch.size:
        print(
            f"students' reveal watch (every {student.WATCH_S:g} s): {watch.size} runs, median "
            f"{np.median(watch) * 1000:.0f} ms (p95 {np.percentile(watch, 95) * 1000:.0f})"
        )
    for error in r["errors"][:10]:
        print("error:", error)
    return all(ok for *_, ok in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--spread", type=float, default=5.0, help="first answers within, s")
    parser.add_argument("--deadline", type=float, default=10.0, help="all answered within, s")
    parser.add_argument("--redis", default="", help="redis://host:port/db instead of SQLite")
    parser.add_argument(
        "--kind", default="settles", choices=["settles", "where"], help="which question"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-rooms-"))
    url = args.redis or f"sqlite:///{folder / 'rooms.sqlite3'}"
    with AppServer(env={rooms.ENV: url}, log=folder / "streamlit.log") as server:
        server.wait_healthy()
        result = asyncio.run(bench(server, url, args.students, args.spread, args.kind))
    print(f"\nMachine: {machine()}; the sessions and the server share it; store: {url}")
    print(f"Question: {ask.KINDS[args.kind]}")
    ok = report(result, args.students, args.deadline)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
