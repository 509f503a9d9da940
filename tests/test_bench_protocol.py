"""The protocol client (``optiviz.devtools.protocol``) and the load benchmark's command
line against a real ``streamlit run app.py``.

Guards the load benchmark from silent rot: a client that sent a widget in the wrong wire
form, or lost track of the page, would still "finish" runs of a broken page. The
benchmark is run as its command, since tests/ imports nothing from bench/.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from optiviz.devtools import moves
from optiviz.devtools.cpu import run_time_s
from optiviz.devtools.protocol import ProtocolSession
from optiviz.devtools.rerun import succeeded
from optiviz.devtools.server import ROOT, AppServer
from optiviz.scenes import params


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    app = AppServer()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


BENCH = [sys.executable, "-m", "bench.load", "protocol"]
"""The protocol load benchmark's command."""


def test_two_moves_each_finish_without_an_exception_and_send_bytes(tmp_path) -> None:
    """One session of two moves, think time 0, through the benchmark's own command line
    (its own server, warmed up as the benchmark does)."""
    out = tmp_path / "phases.json"
    flags = ["--sessions", "1", "--moves", "2", "--think", "0", "--json", str(out)]
    flags += ["--settle-seconds", "60"]
    quiet = os.environ | {"OPTIVIZ_WARMUP": "0"}  # no background compile: the server settles
    subprocess.run(
        [*BENCH, *flags], cwd=ROOT, check=True, timeout=600, capture_output=True, env=quiet
    )
    (phase,) = json.loads(out.read_text())
    made = phase["moves"]
    assert [m["label"] for m in made] == [moves.ALPHA, moves.K]
    for move in made:
        assert move["ok"], move["error"]
        assert move["bytes"] > 10_000, "a move redraws the map: tens of kB at least"
        assert move["seconds"] > 0
    assert phase["cpu_s"] > 0 and phase["rss_mb"] > 100
    # One session: each move's own CPU is read; a rerun costs the server some, and no
    # more than both cores for as long as it took.
    assert all(0 < m["cpu_s"] < 2 * m["seconds"] + 0.05 for m in made), made
    assert phase["cpu_median_ms"] > 0


def test_run_time_agrees_with_the_process_clock() -> None:
    """A process's CPU clock read from outside, against Python's own, with the work done
    in a thread that has ended by the second reading (as a script run's thread has)."""
    pid = [os.getpid()]
    before, clock = run_time_s(pid), time.process_time()

    def work() -> None:
        while time.process_time() - clock < 0.2:
            sum(i * i for i in range(1000))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    used, spent = run_time_s(pid) - before, time.process_time() - clock
    assert used == pytest.approx(spent, rel=0.1)


async def _moves(port: int, kinds: tuple[str, ...]) -> tuple[ProtocolSession, list, list]:
    """Open the page, then make ``kinds``' moves; the session, its runs and the address
    after each."""
    async with ProtocolSession(port, moves.start_query(3)) as session:
        runs, queries = [await session.rerun()], [parse_qs(session.query)]
        for kind in kinds:
            kwargs, _ = moves.change(session, kind, 1)
            runs.append(await session.rerun(**kwargs))
            queries.append(parse_qs(session.query))
        return session, runs, queries


def test_a_chart_slider_release_moves_one_stop_and_the_session_adopts_the_address(server):
    """α and k are the chart's sliders: a release is the chart component's ``slider``
    trigger, and the page writes the new stop into the address."""
    kinds = (moves.ALPHA, moves.ALPHA, moves.K)
    session, runs, queries = asyncio.run(_moves(server.port, kinds))
    for run in runs:
        assert succeeded(run.status) and not run.exceptions
    stops = params.alpha_options()
    first = float(queries[0]["alpha"][0])  # the surface's α, which may lie between stops
    alphas = [stops.index(float(q["alpha"][0])) for q in queries[1:3]]
    assert stops[alphas[0]] == moves._stop(stops, first, 1)[0] and alphas[1] == alphas[0] + 1
    assert "k" not in queries[2] and queries[3]["k"] == [f"{params.k_options()[1]:g}"]
    assert "my α" in session.widget("Learning rates to race").value
    # a release after the first reruns only α's fragment: the chart and the share link
    finished = ForwardMsg.ScriptFinishedStatus
    assert runs[2].status == finished.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert runs[2].elements == ["bidi_component", "bidi_component"], runs[2].elements
    assert runs[2].bytes > 10_000, "with the new paths"


def test_start_and_surface_moves_change_the_page(server):
    kinds = (moves.START, moves.SURFACE)
    session, runs, queries = asyncio.run(_moves(server.port, kinds))
    assert all(run.ok for run in runs), [run.exceptions for run in runs]
    assert float(queries[1]["start_x"][0]) == pytest.approx(float(queries[0]["start_x"][0]) + 0.1)
    assert queries[2]["surface"] != queries[1]["surface"]


async def _default_view_releases(port: int) -> tuple[list, list, list]:
    """The default view (no decay): α let go four times, the last as a chart that did not
    draw the stop would send it; the runs, the address after each, and ``drawn``."""
    async with ProtocolSession(port, moves.start_query(5, schedule="")) as session:
        runs, queries, drawn = [await session.rerun()], [], []
        for i in range(4):
            kwargs, _ = moves.change(session, moves.ALPHA, 1)
            key, event, value = kwargs["trigger"]
            value = value | ({"drawn": False} if i == 3 else {})
            drawn.append(value["drawn"])
            runs.append(await session.rerun(trigger=(key, event, value)))
            queries.append(parse_qs(session.query)["alpha"][0])
        return runs, queries, drawn


def test_a_release_the_chart_drew_is_answered_with_keep(server):
    """Where the chart's α family held the stop let go at (the client says so as the chart
    does: ``drawn``), the chart is told to keep the payload it holds
    (``chart_component.kept``), and the client keeps its sliders, so the next release is
    held too; where it did not, the new paths."""
    runs, queries, drawn = asyncio.run(_default_view_releases(server.port))
    assert all(run.ok for run in runs), [run.exceptions for run in runs]
    stops = [f"{v:g}" for v in params.alpha_options()]
    assert stops.index(queries[1]) == stops.index(queries[0]) + 1
    assert stops.index(queries[3]) == stops.index(queries[1]) + 2
    # the first: the shipped view's family held it too; the third: after a kept answer
    assert drawn == [True, True, True, False]
    for run in runs[2:4]:
        assert run.elements == ["bidi_component", "bidi_component"], run.elements
        assert run.bytes < 6_000, "the chart kept"
    assert runs[4].bytes > 10_000, "the chart computed at the new α"


async def _decay_view_releases(port: int, kinds: tuple[str, ...]) -> tuple[list, list, list]:
    """The decay view: α and k let go one stop at a time, each ``drawn`` as the client's
    chart has it; the runs, the address after each, and ``drawn``."""
    async with ProtocolSession(port, moves.start_query(7)) as session:
        runs, queries, drawn = [await session.rerun()], [], []
        for kind in kinds:
            kwargs, _ = moves.change(session, kind, 1)
            drawn.append(kwargs["trigger"][2]["drawn"])
            runs.append(await session.rerun(**kwargs))
            queries.append(parse_qs(session.query))
        return runs, queries, drawn


def test_decay_view_releases_are_answered_with_a_keep_and_the_stale_families(server):
    """In the decay view k has families too (each computed at one α): every release the
    chart drew is a keep with only the other slider's families at the new value
    (``release.answer``), which the client applies as the chart does, so that the next
    release is held too; the first α (which adds "my α" to the race) reruns the app."""
    kinds = (moves.ALPHA, moves.K, moves.ALPHA, moves.K, moves.ALPHA)
    runs, queries, drawn = asyncio.run(_decay_view_releases(server.port, kinds))
    assert all(run.ok for run in runs), [run.exceptions for run in runs]
    assert drawn == [True] * len(kinds)
    assert "bidi_component" in runs[1].elements and len(runs[1].elements) > 2, "the app"
    for run, kind in zip(runs[1:], kinds, strict=True):
        if run is not runs[1]:
            assert run.elements == ["bidi_component", "bidi_component"], run.elements
        # k let go: my α's α family at the new k; α: my α's k family at the new α
        assert run.bytes < (170_000 if kind == moves.K else 75_000), (kind, run.bytes)
    ks = [f"{v:g}" for v in params.k_options()]
    assert ks.index(queries[3]["k"][0]) == ks.index(queries[1]["k"][0]) + 1
