"""The warm-up: its plan covers what every lesson opens, a warmed lesson opens without an
XLA compile, it gives way to page runs, it stops cleanly at exit, and its heap freeze."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from jax import monitoring
from streamlit.testing.v1 import AppTest

from optiviz import scenes
from optiviz.core import surfaces
from optiviz.scenes import lessons
from optiviz.ui import (
    explore_chart,
    first_screen,
    lab_results,
    warmup,
    warmup_plan,
    warmup_runner,
    warmup_visits,
)
from tests.support import child

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
LESSONS = lessons.load()


class _Node:
    pass


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_freeze_heap_freezes_survivors_and_collects_later_cycles():
    survivor = _Node()
    try:
        frozen = warmup.freeze_heap()
        assert frozen == gc.get_freeze_count() > 1000
        assert not any(o is survivor for o in gc.get_objects(generation=2))
        garbage = _cycle()
        assert garbage() is not None
        gc.collect()
        assert garbage() is None, "a cycle made after the freeze must still be collected"
    finally:
        gc.unfreeze()


def test_freeze_heap_first_collects_what_is_already_garbage():
    gc.disable()
    try:
        garbage = _cycle()
        warmup.freeze_heap()
        assert garbage() is None, "garbage frozen before a collection would leak for good"
    finally:
        gc.unfreeze()
        gc.enable()


def test_warm_up_freezes_only_when_switched_on(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup_plan, "plan", list)
    monkeypatch.setattr(warmup, "START_DELAY_S", 0.0)
    monkeypatch.setattr(warmup, "freeze_heap", lambda: calls.append(1) or 0)
    monkeypatch.setattr(warmup, "FREEZE", True)
    warmup._work()
    assert calls == [1]
    monkeypatch.setattr(warmup, "FREEZE", False)
    warmup._work()
    assert calls == [1]


def _shape(s) -> tuple:
    """What the compiled programs of an explore or lab page depend on (not the number of
    runs: every run goes through the single run's program)."""
    surface = scenes.resolve_surface(s.surface, s.formula, s.degree)
    optimizers = s.compare_optimizers if s.mode == "optimizers" else (s.optimizer,)
    return (surface, s.mode, optimizers, s.steps)


PLAN = warmup_plan.plan()


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_the_plan_holds_every_page_a_lesson_opens(lesson_id: str) -> None:
    """Read from the lesson itself: its page, surface (and degree), mode, optimizers,
    number of runs and steps are those of a visit in the plan, with the 3-D view of a
    surface in x and y, and the lab's budget."""
    values = LESSONS[lesson_id].settings
    page = values.get("page", "explore")
    surface = scenes.resolve_surface(
        values["surface"], warmup_visits.DEFAULT_FORMULA, values.get("degree")
    )
    optimizers = tuple(values.get("compare_optimizers", [values.get("optimizer", "sgd")]))
    mode = values.get("mode", "single" if page == "lab" else "compare")
    steps = values.get("steps", surface.default_steps)
    # (the surface's own page may share the shape with other steps or presets)
    wanted = [
        v
        for v in PLAN
        if v.page == page
        and _shape(v.settings)[:3] == (surface, mode, optimizers)
        and v.settings.steps == steps
    ]
    assert wanted, f"no visit of {page} on {surface.name} with {mode} / {optimizers} / {steps}"
    if page == "lab":
        assert {v.budget for v in wanted} == {values.get("lab_budget", warmup_visits.LAB_BUDGET)}
    elif mode == "compare":
        assert len(values["presets"]) in {len(v.settings.presets) for v in wanted}
    elif mode == "seeds":
        assert {v.settings.n_seeds for v in wanted} == {values["n_seeds"]}
    if page == "explore" and surface.dim == 2 and "degree" not in surface.extras:
        assert {v.three_d for v in wanted} == {False, True}, "the lesson's 3-D view"


def test_the_plan_visits_every_surface_and_the_default_pages_views_first() -> None:
    names = {v.settings.surface for v in PLAN}
    assert set(surfaces.names()) | {"custom"} <= names
    labs = {v.settings.surface for v in PLAN if v.page == "lab"}
    assert {n for n in surfaces.names() if warmup_plan.lab_shows(surfaces.get(n))} <= labs
    first_lesson = next(i for i, v in enumerate(PLAN) if v.label in LESSONS)
    home = [v for v in PLAN[:first_lesson] if v.settings.surface == warmup_visits.DEFAULT_SURFACE]
    assert {v.settings.mode for v in home} == {"compare", "optimizers", "single", "seeds"}
    assert any(v.three_d for v in home) and any(v.page == "lab" for v in home)
    assert len({v.key for v in PLAN}) == len(PLAN), "each visit once"


def test_the_labs_caches_hold_every_lab_the_warm_up_visits() -> None:
    labs = [v for v in PLAN if v.page == "lab"]
    assert 0 < len(labs) <= lab_results.SURFACES


def _query(lesson: lessons.Lesson) -> dict:
    query = parse_qs(urlsplit(lessons.link(lesson)).query)
    return {k: v if len(v) > 1 else v[0] for k, v in query.items()}


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_a_warmed_lesson_opens_without_compiling(lesson_id: str, monkeypatch) -> None:
    """After the lesson's visits, opening its link runs no new XLA program: every program
    the page needs was made by the warm-up (the in-process caches answer)."""
    monkeypatch.setattr(warmup, "ENABLED", False)
    warmup.configure_compilation_cache()
    first = AppTest.from_file(str(APP), default_timeout=300)
    first.run()
    for visit in warmup_plan.lesson_visits(LESSONS[lesson_id]):
        warmup_runner.warm(visit)
    lowered = []

    def listen(event: str, duration: float, **kw) -> None:
        if event.endswith("jaxpr_to_mlir_module_duration"):
            lowered.append(kw.get("fun_name"))

    monitoring.register_event_duration_secs_listener(listen)
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.query_params.update(_query(LESSONS[lesson_id]))
        at.run()
    finally:
        monitoring.unregister_event_duration_listener(listen)
    assert not at.exception
    assert lowered == [], f"compiled on open: {lowered}"


LAB_CALLS = (
    (lab_results, "landscape"),
    (lab_results, "search"),
    (lab_results, "lr_range_test"),
    (lab_results.decay_search, "decay_landscape"),
    (lab_results.decay_search, "decay_search"),
)
"""What the lab page computes, as its cached functions call it."""
LAB_CACHES = (
    lab_results.cached_landscape,
    lab_results.cached_search,
    lab_results.cached_decay_landscape,
    lab_results.cached_decay_search,
    lab_results.cached_range_test,
)


def _count_lab_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    for module, name in LAB_CALLS:
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


LAB = {"page": "lab"}
LAB_OPENS = {
    "default page, then its lab": ("default surface, lab", None, None),
    "beale's lab link": ("beale, lab", LAB | {"surface": "beale"}, None),
    "the polynomial's lab link": (
        "polynomial_regression, lab",
        LAB | {"surface": "polynomial_regression"},
        None,
    ),
    "search-budget's link": ("search-budget", _query(LESSONS["search-budget"]), None),
    "logistic regression's lab, then the polynomial's": (
        "polynomial_regression, lab",
        LAB | {"surface": "logistic_regression"},
        "polynomial_regression",
    ),
}
"""A lab as a teacher opens it: (the warm-up's visit, the link opened or None for the
default page whose "Hyperparameter lab" is then clicked, the surface then picked in the
lab's sidebar or None). Logistic regression's lab searches k, the polynomial's λ."""


@pytest.mark.parametrize("opened", list(LAB_OPENS))
def test_a_warmed_lab_opens_without_computing_its_landscape(opened: str, monkeypatch) -> None:
    """The warm-up keeps the lab's results in the page's caches: after its visit, the
    page calls the landscape, the searches and the range test 0 times (the warm-up's own
    calls were made, so the counter counts)."""
    label, query, picked = LAB_OPENS[opened]
    monkeypatch.setattr(warmup, "ENABLED", False)
    for cache in LAB_CACHES:
        cache.clear()
    calls = _count_lab_calls(monkeypatch)
    (visit,) = [v for v in PLAN if v.page == "lab" and v.label == label]
    warmup_runner.warm(visit)
    prefix = "decay_" if "polynomial" in label else ""
    made = {name: calls.count(name) for name in set(calls)}
    assert made == {f"{prefix}landscape": 1, f"{prefix}search": 3, "lr_range_test": 1}
    calls.clear()
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params.update(query or {})
    at.run()
    if query is None:
        at.radio(key="page").set_value("lab").run()
    if picked is not None:
        calls.clear()  # the first lab's own results were not warmed
        at.selectbox(key="surface").set_value(picked).run()
        assert at.radio(key="lab_space").value == "weight_decay"
    assert not at.exception
    drawn = [c for c in at.get("bidi_component") if c.proto.id.endswith("-landscape_chart")]
    assert drawn, "the lab drew its landscape"
    assert calls == [], f"computed on open: {calls}"


def _page_run(seconds: float) -> list[float]:
    """A page run in another thread, as a page's script thread reports it, ``seconds``
    long; returns once it has started, with a list that gets its end time."""
    started, ended = threading.Event(), []

    def run() -> None:
        warmup_runner.RUNS.start()
        started.set()
        time.sleep(seconds)
        ended.append(time.monotonic())
        warmup_runner.RUNS.end()

    threading.Thread(target=run).start()
    started.wait()
    return ended


def test_the_worker_waits_for_a_run_in_flight(monkeypatch) -> None:
    made = []
    monkeypatch.setattr(warmup_runner, "warm", lambda visit: made.append(time.monotonic()))
    monkeypatch.setattr(warmup_runner, "DONE", set())
    start = time.monotonic()
    ended = _page_run(0.5)
    assert warmup_runner.run_plan([PLAN[0]]) == 1
    assert made and made[0] >= ended[0], "a visit started while a page run was in flight"
    assert made[0] - start < warmup_runner.RUN_TIMEOUT_S / 2, "waited for the timeout, not the run"


def test_the_worker_lets_the_browser_draw_after_a_run(monkeypatch) -> None:
    """After a page run ends, its browser draws what it sent: the worker's next visit
    starts ``DRAW_GRACE_S`` after the run's end, not at once."""
    made = []
    monkeypatch.setattr(warmup_runner, "warm", lambda visit: made.append(time.monotonic()))
    monkeypatch.setattr(warmup_runner, "DONE", set())
    monkeypatch.setattr(warmup_runner, "DRAW_GRACE_S", 0.6)
    ended = _page_run(0.2)
    assert warmup_runner.run_plan([PLAN[0]]) == 1
    assert made[0] - ended[0] >= 0.6, "a visit started while the browser drew the run"
    assert made[0] - ended[0] < 0.6 + warmup_runner.RUN_TIMEOUT_S / 2


def test_a_lab_visit_gives_way_between_its_calls(monkeypatch) -> None:
    """The lab's range test, landscape and searches take seconds each: a page run that
    starts during one of them is waited for before the next."""
    calls: list[tuple[str, float]] = []
    runs: list[list[float]] = []

    def call(name: str) -> None:
        calls.append((name, time.monotonic()))
        if name == "landscape":
            runs.append(_page_run(0.5))

    monkeypatch.setattr(lab_results, "cached_range_test", lambda *a: call("range test"))
    monkeypatch.setattr(
        lab_results,
        "score_calls",
        lambda *a: [lambda n=n: call(n) for n in ("landscape", "search")],
    )
    (visit,) = [v for v in PLAN if v.label == "beale, lab"]
    warmup_runner.warm(visit)
    assert [name for name, _ in calls] == ["range test", "landscape", "search"]
    (ended,) = runs
    assert ended and calls[-1][1] >= ended[0], "the search started while the run was in flight"


def test_stop_ends_the_worker_between_visits(monkeypatch) -> None:
    made = []
    monkeypatch.setattr(warmup_runner, "DONE", set())
    monkeypatch.setattr(warmup_runner, "_STOP", threading.Event())

    def slow(visit) -> None:
        made.append(visit.label)
        time.sleep(0.3)

    monkeypatch.setattr(warmup_runner, "warm", slow)
    worker = threading.Thread(target=warmup_runner.run_plan, args=(PLAN[:5],))
    worker.start()
    time.sleep(0.1)
    assert warmup_runner.stop(worker, timeout=5)
    assert made == [PLAN[0].label], "stop waits for the current visit and starts no other"


EXIT_SCRIPT = textwrap.dedent(
    """
    import time
    from streamlit.testing.v1 import AppTest
    from optiviz.ui import warmup
    at = AppTest.from_file({app!r}, default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    time.sleep(6)
    assert warmup._start().is_alive(), "the warm-up is still at work at exit"
    """
)


def test_a_process_that_ran_the_app_exits_cleanly_while_the_warm_up_works(tmp_path) -> None:
    """Issue 27: the warm-up's thread still compiling or running XLA at interpreter exit
    crashed the process (here 2 of 3 runs without the exit hook ended with 139). At exit
    it now finishes its current call and stops."""
    script = tmp_path / "run_app.py"
    script.write_text(EXIT_SCRIPT.format(app=str(APP)))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPTIVIZ_WARMUP": "1"}
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]


BOOT_CHILD = r"""
import json, sys, threading
from jax import monitoring
from streamlit.testing.v1 import AppTest
from optiviz.ui import first_screen, warmup, warmup_runner

lowered = []
monitoring.register_event_duration_secs_listener(
    lambda event, duration, **kw: lowered.append(threading.current_thread().name)
    if event.endswith("jaxpr_to_mlir_module_duration") else None
)
warmup.BOOT_IDLE_S = float(sys.argv[2])
before = [m for m in warmup.PRELOAD if m in sys.modules]
thread = warmup.boot()
warmup.ENABLED = False  # no background plan after the page: only the boot compiles
exceptions = []
if sys.argv[3] == "visit":
    at = AppTest.from_file(sys.argv[1], default_timeout=600)
    at.run()
    exceptions = [e.message for e in at.exception]
elif sys.argv[3] == "stop":
    warmup_runner.stop(thread)  # the server stopping while the boot waits for a visitor
alive = thread.is_alive()
thread.join()
print(json.dumps({"alive": alive, "lowered": lowered, "kept": first_screen.shipped() is not None,
                  "exceptions": exceptions, "before": before,
                  "after": [m for m in warmup.PRELOAD if m in sys.modules]}))
"""


def _boot(tmp_path, shipped: bool, idle_s: float, visit: bool | str) -> dict:
    env = {
        "OPTIVIZ_WARMUP": "1",
        "OPTIVIZ_JAX_CACHE": str(tmp_path),
        "OPTIVIZ_SNAPSHOT": "1" if shipped else "0",
    }
    args = (
        str(APP),
        str(idle_s),
        visit if isinstance(visit, str) else "visit" if visit else "none",
    )
    report = child.report(BOOT_CHILD, *args, env=env)
    assert report["exceptions"] == []
    return report


def test_without_a_snapshot_the_first_page_waits_for_the_boot_compile(tmp_path) -> None:
    """``boot`` at server start compiles the first screen; the first page run, started
    while it works, waits and then lowers no program of its own."""
    report = _boot(tmp_path, shipped=False, idle_s=60.0, visit=True)
    assert not report["alive"]
    assert set(report["lowered"]) == {"optiviz-boot"}, "the page compiled too"


def test_a_shipped_first_screen_is_drawn_while_nothing_compiles(tmp_path) -> None:
    """With the first screen shipped, a visitor's first page lowers no program and the boot
    leaves the compile to the background compile after that page."""
    report = _boot(tmp_path, shipped=True, idle_s=60.0, visit=True)
    assert report["lowered"] == [], f"compiled beside the first page: {set(report['lowered'])}"


def test_with_no_visitor_the_boot_compiles_and_confirms_the_shipped_screen(tmp_path) -> None:
    report = _boot(tmp_path, shipped=True, idle_s=0.1, visit=False)
    assert set(report["lowered"]) == {"optiviz-boot"}
    assert report["before"] == [], "the app's imports already held what the boot preloads"
    assert report["after"] == list(warmup.PRELOAD), "the first page's imports, preloaded"
    assert report["kept"], "the boot's data differed from the shipped first screen"


def test_a_server_stopping_before_its_first_visitor_compiles_nothing(tmp_path) -> None:
    """Stopped while it waits for a visitor, the boot ends without compiling the first
    screen (it would hold the interpreter's exit for seconds)."""
    report = _boot(tmp_path, shipped=True, idle_s=60.0, visit="stop")
    assert not report["alive"]
    assert report["lowered"] == [], f"compiled while stopping: {set(report['lowered'])}"


def test_the_background_compile_starts_with_the_first_screen() -> None:
    """A server without the boot (``streamlit run app.py``) draws the shipped first screen,
    so its background compile makes the first screen's programs before the neighbours'."""
    first = warmup_plan.first_screen()
    assert first.settings == first_screen.load().settings
    assert warmup_plan.plan()[0] == warmup_plan.plan_for(1)[0] == first


def test_on_one_core_the_warm_up_compiles_only_the_first_screens_next_pages() -> None:
    whole, one = warmup_plan.plan_for(2), warmup_plan.plan_for(1)
    assert whole == warmup_plan.plan()
    assert one == whole[: len(one)], "a prefix: the default page's views first"
    assert {v.label.split(",")[0] for v in one} == {"default page", "default surface"}
    assert len(one) < len(whole) / 5


@pytest.mark.parametrize("name", ["rosenbrock", "logistic_regression"])
def test_a_surface_visit_is_the_page_a_pick_of_that_surface_opens(name, monkeypatch) -> None:
    """The warm-up's visit of a surface is keyed by the settings the explore page opens
    with when the surface is picked (its α and start included), so the scene and families
    it leaves are the ones the click asks for (the visit's α 0.1 and no start computed
    logistic regression's on the click: 3.7 s of server CPU)."""
    seen = []
    compute = explore_chart.compute_chart
    monkeypatch.setattr(
        explore_chart, "compute_chart", lambda s, d=False: (seen.append(s), compute(s, d))[1]
    )
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    seen.clear()
    next(w for w in at.selectbox if w.label == "Loss surface").set_value(name).run()
    assert not at.exception
    visit = next(v for v in warmup_plan.plan() if v.label == name)
    assert seen and all(
        explore_chart.settings_key(s) == explore_chart.settings_key(visit.settings) for s in seen
    )


def test_the_default_pages_views_are_visited_as_the_page_opens_them() -> None:
    home = warmup_plan.first_screen().settings
    for visit in warmup_plan.neighbours():
        if visit.page == "explore":
            assert (visit.settings.alpha, visit.settings.start) == (home.alpha, home.start)


def test_a_fit_surface_visit_leaves_the_scene_its_pick_asks_for(monkeypatch) -> None:
    """The polynomial model's page (the fit view) asks its cached scene for the visit's
    settings, and after the visit that scene is not computed again."""
    from optiviz.ui import fit

    asked = []
    cached = fit.scene_for
    monkeypatch.setattr(fit, "scene_for", lambda s: (asked.append(s), cached(s))[1])
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    asked.clear()
    surface = next(w for w in at.selectbox if w.label == "Loss surface")
    surface.set_value("polynomial_regression").run()
    assert not at.exception
    visit = next(v for v in warmup_plan.plan() if v.label == "polynomial_regression")
    assert asked and all(
        explore_chart.settings_key(s) == explore_chart.settings_key(visit.settings) for s in asked
    )
    cached.clear()
    computed = []
    scene = fit.scenes.scene
    monkeypatch.setattr(fit.scenes, "scene", lambda s: (computed.append(s), scene(s))[1])
    warmup_runner.warm(visit)
    assert len(computed) == 1
    cached(visit.settings)
    assert len(computed) == 1, "the page computed the scene the visit had made"
