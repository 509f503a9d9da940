"""The protocol client of ``bench.bench_protocol`` against a real ``streamlit run app.py``.

Guards the load benchmark from silent rot: a client that sent a widget in the wrong wire
form, or lost track of the page, would still "finish" runs of a broken page.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import bench_protocol
from bench.protocol_client import SUCCESS, ProtocolSession
from tests.support.live_app import AppServer


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    app = AppServer()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def test_two_moves_each_finish_without_an_exception_and_send_bytes(server):
    phase = bench_protocol.measure(server, sessions=1, moves=2, think_s=0.0)
    assert [m.label for m in phase.moves] == [bench_protocol.ALPHA, bench_protocol.K]
    for move in phase.moves:
        assert move.ok, move.error
        assert move.bytes > 10_000, "a move redraws the map: tens of kB at least"
        assert move.seconds > 0
    assert phase.cpu_s > 0 and phase.rss_mb > 100
    # One session: each move's own CPU is read; a rerun costs the server some, and no
    # more than both cores for as long as it took.
    assert all(0 < m.cpu_s < 2 * m.seconds + 0.05 for m in phase.moves), phase.moves
    assert phase.cpu_median_ms > 0


def test_run_time_agrees_with_the_process_clock() -> None:
    """A process's CPU clock read from outside, against Python's own, with the work done
    in a thread that has ended by the second reading (as a script run's thread has)."""
    pid = [os.getpid()]
    before, clock = bench_protocol.run_time_s(pid), time.process_time()

    def work() -> None:
        while time.process_time() - clock < 0.2:
            sum(i * i for i in range(1000))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    used, spent = bench_protocol.run_time_s(pid) - before, time.process_time() - clock
    assert used == pytest.approx(spent, rel=0.1)


async def _alpha_moves(port: int) -> tuple[ProtocolSession, list, list[list[str]]]:
    """Open the page, then move α up twice; the session, its runs and α after each."""
    async with ProtocolSession(port, bench_protocol.start_query(3)) as session:
        runs = [await session.rerun()]
        alphas = [session.widget(bench_protocol.ALPHA).value]
        for _ in range(2):
            runs.append(
                await session.rerun({bench_protocol.ALPHA: session.notch(bench_protocol.ALPHA)})
            )
            alphas.append(session.widget(bench_protocol.ALPHA).value)
        return session, runs, alphas


def test_alpha_moves_one_option_up_and_the_session_adopts_the_servers_values(server):
    session, runs, alphas = asyncio.run(_alpha_moves(server.port))
    for run in runs:
        assert run.status in SUCCESS and not run.exceptions
    options = list(session.widget(bench_protocol.ALPHA).proto.options)
    assert [options.index(a[0]) - options.index(alphas[0][0]) for a in alphas] == [0, 1, 2]
    presets = session.widget("Learning rates to race").value
    assert "my α" in presets, "compare mode adds 'my α' when α moves; the client must adopt it"
    assert session.widget(bench_protocol.K).value, "the exponential schedule draws k"
    assert "start_x=0.36" in session.query and session.page_script_hash


async def _runs_of_moves(port: int) -> list:
    """Open the page, move α twice, then k; every run."""
    async with ProtocolSession(port, bench_protocol.start_query(5)) as session:
        runs = [await session.rerun()]
        for label in (bench_protocol.ALPHA, bench_protocol.ALPHA, bench_protocol.K):
            runs.append(await session.rerun({label: session.notch(label)}))
        return runs


def test_moving_alpha_reruns_only_its_fragment_and_moving_k_the_whole_app(server):
    """α's slider lives in a fragment with everything α moves: a move sends α, the chart
    (which writes the verdicts and the first steps itself) and the share link, and nothing
    else: not the sidebar's other controls, the picture control, the formulas or the
    download buttons. The first move adds 'my α' to the race list in the sidebar, so that
    one, and a move of k, rerun the whole app."""
    opened, first, second, k_move = asyncio.run(_runs_of_moves(server.port))
    finished = ForwardMsg.ScriptFinishedStatus
    assert opened.status == finished.FINISHED_SUCCESSFULLY
    assert first.reruns == 1 and first.status == finished.FINISHED_SUCCESSFULLY
    assert "Steps" in first.widgets and "Learning rates to race" in first.widgets

    assert second.reruns == 0 and second.status == finished.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert bench_protocol.ALPHA in second.widgets
    for outside in ("Loss surface", "Learning rates to race", "Optimizer", "Steps", "Start x"):
        assert outside not in second.widgets, second.widgets
    assert second.elements == ["slider", "bidi_component", "code"], "α, the chart, the link"
    assert second.widgets == [bench_protocol.ALPHA]
    assert second.bytes > 10_000, "with the new paths"
    assert len(second.elements) < len(opened.elements) / 2, (second.elements, opened.elements)

    assert k_move.status == finished.FINISHED_SUCCESSFULLY
    assert {"Steps", bench_protocol.K, bench_protocol.ALPHA} <= set(k_move.widgets)
