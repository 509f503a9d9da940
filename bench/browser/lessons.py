"""Every lesson, view and surface opened on a running server: seconds from the click or
link to the chart drawn, with ratios to the default page's link in the same run.

Real ``streamlit run app.py`` on loopback (``optiviz.devtools.page.AppServer``),
headless Chromium.

- **Warm server.** A fresh server (its JAX persistent cache, ``OPTIVIZ_JAX_CACHE``, in an
  empty temporary folder) draws its default page; then, while the background compile
  runs, α's → key is pressed a few times (key to new paths drawn, as ``bench.browser key``),
  and again once the server's CPU has gone quiet (the warm-up is done; the wait is
  printed). On that warm server, the default page's link is opened a few times (the
  baseline); then in one tab each lesson's "Open this lesson" button on the Lessons page
  (each lesson's first visit), each explore view and picture on the default surface and
  the lab's pictures, every surface picked in the sidebar and the 3-D picture of each
  surface in x and y; then, in a new session (the lab's link, ``?page=lab``), the lab of
  each surface it searches, picked in its sidebar; last, each lesson's link
  (``lessons.query``) in a new tab (its results computed by its button's visit, so this
  measures a new tab's own cost). Each is timed from the click (or ``goto``) to the end
  of the rerun with a Plotly graph drawn, with the server's CPU seconds meanwhile; the
  load average and the server's RSS are printed after the warm-up and at the end.
- **Cold links.** For each lesson, a fresh server with an empty JAX cache opens the
  default page's link, then (having drawn only that page) the lesson's link: the ratio
  of the two is the issue's "within 1.5x" target. Default and lesson alternate, one
  server per lesson; each link's server CPU seconds are printed beside its seconds.

- **Compiles** (``--only compiles``, no browser): for each lesson, a fresh process makes
  the lesson's calls (the default page before it is shipped and compiles nothing) and
  reports their CPU seconds, XLA compiles and the engine's programs among them: the
  server's own share of a cold link.

Run from the repository root with ``.venv/bin/python -m bench.browser lessons``
(``--only warm``, ``--only cold`` or ``--only compiles``; ``--lessons id ...`` for a
subset of the lessons, ``--parts labs ...`` of the warm server's groups, ``--labs name
...`` of the labs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from optiviz.core import surfaces
from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.compiles import LISTEN_PY
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE, WATCH_GRAPH_JS, press
from optiviz.devtools.server import ROOT, AppServer
from optiviz.devtools.socket_hook import RERUN_DONE_JS, SOCKET_HOOK_JS, WATCH_STATE_JS
from optiviz.scenes import lessons, params
from optiviz.ui import options as opt

CHART = ".js-plotly-plot .main-svg"
"""A drawn Plotly graph: the explore map, the fit view's figures and the lab's all have one."""

SIDEBAR = '[data-testid="stSidebar"]'
VIEWPORT = {"width": 1400, "height": 1000}
TARGET_S = 3.0
"""The issue's target on a warm server: every lesson, view and surface within 3 s."""


def new_page(browser):
    """A tab with the script-finished counter and the α-move watcher installed."""
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(SOCKET_HOOK_JS)
    page.add_init_script(WATCH_GRAPH_JS)
    return page


def drawn(page) -> list[str]:
    """Wait for a finished run with a graph drawn; the page's exception texts."""
    page.wait_for_function("(window.__optivizFinished || 0) > 0", timeout=FIRST_CHART_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_selector(CHART, timeout=FIRST_CHART_MS)
    return page.evaluate(ERRORS_JS)


def open_link(browser, url: str) -> tuple[float, list[str], object]:
    """Seconds from ``goto(url)`` in a new tab to its first run drawn; errors; the tab."""
    page = new_page(browser)
    start = time.perf_counter()
    page.goto(url)
    errors = drawn(page)
    return time.perf_counter() - start, errors, page


def link_seconds(browser, url: str) -> tuple[float, list[str]]:
    """``open_link``, closing the tab."""
    seconds, errors, page = open_link(browser, url)
    page.close()
    return seconds, errors


@dataclass(frozen=True)
class Timing:
    """One click: seconds to the rerun's end with a graph drawn, and the server's CPU
    seconds meanwhile (``AppServer.cpu_s``; the work the click cost the server, which
    other jobs on the machine do not stretch as they stretch the seconds)."""

    seconds: float
    cpu: float


SERVER: list[AppServer] = []
"""The server being measured (its CPU clocks are read around each click)."""


def _cpu() -> float:
    return SERVER[-1].cpu_s() if SERVER else float("nan")


def timed_rerun(page, action: Callable[[], None], chart: bool = True) -> Timing:
    """``action`` (a click) to the end of the rerun it starts, a graph drawn."""
    page.evaluate(WATCH_STATE_JS)
    cpu, start = _cpu(), time.perf_counter()
    action()
    page.wait_for_function(RERUN_DONE_JS, timeout=FIRST_CHART_MS, polling="raf")
    if chart:
        page.wait_for_selector(CHART, timeout=FIRST_CHART_MS)
    return Timing(time.perf_counter() - start, _cpu() - cpu)


def timed_link(browser, url: str, keep: bool = False) -> tuple[Timing, object]:
    """``open_link`` with the server's CPU seconds meanwhile; the page's errors, or with
    ``keep`` the tab itself, left open."""
    cpu = _cpu()
    seconds, errors, page = open_link(browser, url)
    timing = Timing(seconds, _cpu() - cpu)
    if keep:
        return timing, page
    page.close()
    return timing, errors


def wait_quiet(server: AppServer, limit: float = 1200, share: float = 0.05) -> float:
    """Seconds until the server's CPU stays under ``share`` of one core for 2 s."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        before = server.cpu_s()
        time.sleep(2.0)
        if server.cpu_s() - before < 2.0 * share:
            return time.perf_counter() - start - 2.0
    raise TimeoutError(f"the server was still busy after {limit:.0f} s")


def alpha_ms(page, moves: int) -> list[float]:
    """Key → new paths drawn (ms) for ``moves`` presses of → on α."""
    return [(m["drawn"] - m["key"]) for m in (press(page) for _ in range(moves))]


def pick_surface(page, name: str) -> None:
    """Choose ``name`` in the sidebar's "Loss surface" box."""
    label = "✏️ Type your own formula" if name == "custom" else _surface_label(name)
    page.locator(SIDEBAR).locator('[data-testid="stSelectbox"]').filter(
        has_text="Loss surface"
    ).click()
    page.get_by_role("option", name=label, exact=True).click()


def _surface_label(name: str) -> str:
    s = surfaces.get(name)
    return f"{s.dim}-D · {s.label}"


def go_to_page(page, label: str) -> None:
    """Click ``label`` in the sidebar's page radio (unless it is the page shown) and wait
    for the rerun."""
    radio = page.locator(SIDEBAR).get_by_role("radio", name=label, exact=True)
    if not radio.is_checked():
        label_of = page.locator(SIDEBAR).get_by_text(label, exact=True)
        timed_rerun(page, label_of.click, chart=False)


def lesson_clicks(page, chosen: list[lessons.Lesson]) -> dict[str, float]:
    """Each lesson's "Open this lesson" button on the Lessons page, in one tab."""
    order = list(lessons.load())
    out = {}
    for lesson in chosen:
        go_to_page(page, opt.PAGES["lessons"])
        button = page.get_by_role("button", name="Open this lesson").nth(order.index(lesson.id))
        out[lesson.id] = timed_rerun(page, button.click)
    return out


def radio(page, label: str) -> None:
    """Click the picture segment ``label``."""
    page.get_by_role("radio", name=label, exact=True).click()


def sidebar_choice(page, label: str) -> None:
    """Click the sidebar's radio option ``label`` (its text: the input itself is hidden)."""
    page.locator(SIDEBAR).get_by_text(label, exact=True).click()


def view_clicks(page) -> dict[str, float]:
    """On the default surface, each explore view (Compare optimizers, Single run, Many
    seeds, Compare learning rates again), then the 3-D picture and back; in the lab, the
    3-D landscape and back to the map; all in one tab."""
    out = {}
    go_to_page(page, opt.PAGES["explore"])
    timed_rerun(page, lambda: pick_surface(page, params.DEFAULT_SURFACE))
    for key in [*[m for m in opt.MODES if m != "compare"], "compare"]:
        label = opt.MODES[key]
        out[f"view: {label}"] = timed_rerun(page, lambda v=label: sidebar_choice(page, v))
    for picture in (params.PICTURES[1], params.PICTURES[0]):
        out[f"picture: {picture}"] = timed_rerun(page, lambda v=picture: radio(page, v))
    go_to_page(page, opt.PAGES["lab"])
    for picture in (params.LAB_PICTURES[1], params.LAB_PICTURES[0]):
        out[f"lab picture: {picture}"] = timed_rerun(page, lambda v=picture: radio(page, v))
    return out


def load_average() -> str:
    """The machine's 1-minute load average, for the tables' context (2 cores)."""
    return f"{os.getloadavg()[0]:.1f}"


def surface_clicks(page) -> tuple[dict[str, Timing], dict[str, Timing]]:
    """Every surface picked on the explore page; then its 3-D picture (surfaces in x and
    y), all in one tab."""
    top, three_d = {}, {}
    go_to_page(page, opt.PAGES["explore"])
    for name in [*opt.SURFACE_NAMES, "custom"]:
        top[name] = timed_rerun(page, lambda n=name: pick_surface(page, n))
        if name == "custom" or surfaces.get(name).dim == 2:
            button = page.get_by_role("radio", name="3-D view", exact=True)
            three_d[name] = timed_rerun(page, button.click)
            back = page.get_by_role("radio", name="Top view + loss + α_t", exact=True)
            timed_rerun(page, back.click)
    return top, three_d


LAB_SURFACES = [
    n for n in opt.SURFACE_NAMES if surfaces.get(n).dim == 2 or "degree" in surfaces.get(n).extras
]
"""The surfaces the lab searches, in the sidebar's order."""


def lab_clicks(browser, url: str, names: list[str]) -> dict[str, Timing]:
    """The lab as a new session opens it: its link (``?page=lab``, the default surface),
    then each surface in ``names`` picked in its sidebar, then its 3-D landscape, in one
    tab. A session of its own: the lessons clicked before leave their optimizer and
    schedule in theirs, and the lab of those is one no warm-up can foresee."""
    out = {}
    out["lab link (default surface)"], page = timed_link(browser, url + "?page=lab", keep=True)
    for name in names:
        if name != params.DEFAULT_SURFACE:
            out[name] = timed_rerun(page, lambda n=name: pick_surface(page, n))
    first = page.get_by_role("radio", name=params.LAB_PICTURES[1], exact=True)
    out["3-D landscape (last surface)"] = timed_rerun(page, first.click)
    errors = page.evaluate(ERRORS_JS)
    page.close()
    if errors:
        print(f"Exception boxes in the lab: {errors[:3]}")
    return out


def _table(title: str, times: dict[str, Timing], baseline: float) -> None:
    print(f"\n| {title} | s | server CPU s | / default link | within {TARGET_S:g} s |")
    print("|---|---|---|---|---|")
    for name, t in times.items():
        ok = "yes" if t.seconds <= TARGET_S else "**no**"
        print(f"| {name} | {t.seconds:.2f} | {t.cpu:.2f} | {t.seconds / baseline:.2f}× | {ok} |")
    worst = max(times.values(), key=lambda t: t.seconds)
    cpu = max(t.cpu for t in times.values())
    print(
        f"| **worst** | **{worst.seconds:.2f}** | {cpu:.2f} | {worst.seconds / baseline:.2f}× | |"
    )


PARTS = ("lessons", "views", "surfaces", "labs", "links")
"""The warm server's groups of clicks, in the order they run (``--parts``)."""


def warm(browser, chosen: list[lessons.Lesson], args: argparse.Namespace) -> None:
    """The warm-server measurements, printed as Markdown tables: the ``args.parts`` groups,
    the labs of ``args.labs``."""
    with tempfile.TemporaryDirectory() as cache:
        server = AppServer(env={"OPTIVIZ_JAX_CACHE": cache}, root=args.root)
        SERVER.append(server)
        try:
            server.wait_healthy()
            first, errors, page = open_link(browser, server.url)
            busy = alpha_ms(page, args.moves)
            quiet = wait_quiet(server)
            idle = alpha_ms(page, args.moves)
            page.close()
            print(f"\nFirst page drawn in {first:.1f} s; the server's CPU went quiet (warm-up")
            print(f"done) {quiet:.0f} s later; server RSS then {server.rss_mb():.0f} MiB.\n")
            print("| α → key to drawn, ms | median | range |")
            print("|---|---|---|")
            for name, ms in (("while the warm-up runs", busy), ("after it", idle)):
                print(f"| {name} | {statistics.median(ms):.0f} | {min(ms):.0f}–{max(ms):.0f} |")
            defaults = [link_seconds(browser, server.url)[0] for _ in range(3)]
            baseline = statistics.median(defaults)
            print(f"\nDefault page's link on the warm server: {baseline:.2f} s median")
            print(f"({', '.join(f'{s:.2f}' for s in defaults)}).")
            print(f"Load average before the clicks: {load_average()}.")
            errors += _clicks(browser, server.url, chosen, args, baseline)
            print(f"\nLoad average after: {load_average()}; server RSS {server.rss_mb():.0f} MiB.")
            print(f"Exception boxes seen: {len(errors)} {errors[:3]}")
        finally:
            server.stop()


def _clicks(browser, url: str, chosen, args: argparse.Namespace, baseline: float) -> list:
    """The clicks of ``args.parts``, each group's table printed; the exception texts."""
    parts, errors = set(args.parts), []
    if parts & {"lessons", "views", "surfaces"}:
        page = new_page(browser)
        page.goto(url)
        drawn(page)
        if "lessons" in parts:
            buttons = lesson_clicks(page, chosen)
            _table("lesson button, Lessons page (first visit)", buttons, baseline)
        if "views" in parts:
            _table("view switched (default surface; lab)", view_clicks(page), baseline)
        if "surfaces" in parts:
            top, three_d = surface_clicks(page)
            _table("surface picked (explore)", top, baseline)
            _table("3-D view of that surface", three_d, baseline)
        errors += page.evaluate(ERRORS_JS)
        page.close()
    if "labs" in parts:
        _table("lab of a surface (new session)", lab_clicks(browser, url, args.labs), baseline)
    if "links" in parts:
        links = {}
        for lesson in chosen:
            links[lesson.id], bad = timed_link(browser, url + lessons.query(lesson))
            errors += bad
        _table("lesson link (new tab, after its button)", links, baseline)
    return errors


def cold(browser, chosen: list[lessons.Lesson], root: Path) -> None:
    """For each lesson, a fresh server with an empty JAX cache: default link, then the
    lesson's link; printed as a Markdown table of both (seconds, and the server's CPU
    seconds meanwhile, which the machine's load stretches less), their ratio and the load
    average."""
    print(
        "\n| cold server, lesson | default link s (server CPU s) | lesson link s (server CPU s)"
        " | ratio | within 1.5× | load |"
    )
    print("|---|---|---|---|---|---|")
    ratios = []
    for lesson in chosen:
        with tempfile.TemporaryDirectory() as cache:
            server = AppServer(env={"OPTIVIZ_JAX_CACHE": cache}, root=root)
            SERVER.append(server)
            try:
                server.wait_healthy()
                base, _ = timed_link(browser, server.url)
                link, _ = timed_link(browser, server.url + lessons.query(lesson))
            finally:
                SERVER.remove(server)
                server.stop()
        ratio = link.seconds / base.seconds
        ratios.append(ratio)
        ok = "yes" if ratio <= 1.5 else "**no**"
        print(
            f"| {lesson.id} | {base.seconds:.2f} ({base.cpu:.2f}) | {link.seconds:.2f}"
            f" ({link.cpu:.2f}) | {ratio:.2f}× | {ok} | {load_average()} |"
        )
    print(f"| **worst** | | | **{max(ratios):.2f}×** | | |")


COMPILES_PY = (
    LISTEN_PY
    + r"""
import json, sys, time
from collections import Counter
from optiviz.core import engine, feeds, stability
from optiviz.scenes import lessons
from optiviz.ui import warmup_plan, warmup_runner
def traced():
    return Counter({**engine.TRACES, **feeds.TRACES, **stability.TRACES})
visit = warmup_plan.lesson_visits(lessons.load()[sys.argv[1]])[0]
before, cpu, wall = traced(), time.process_time(), time.perf_counter()
warmup_runner.warm(visit)
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                  "compiles": len(compiles), "compile_s": sum(compiles),
                  "programs": dict(traced() - before)}))
"""
)
"""A child's report of a lesson's first open on a server that drew only its default page:
that page is shipped (``optiviz.ui.first_screen``) and compiles nothing, so the child makes
only the calls the lesson's page makes (``warmup_runner.warm`` of its visit), in a fresh
process with no JAX cache, with JAX's backend compiles listened to and the engine's
programs counted by kind (``engine``, ``feeds`` and ``stability``'s ``TRACES``: trajectory,
sweep, rates, noise, weights, extremes; the rest, the map's grids, are the other
compiles)."""


def compiles(chosen: list[lessons.Lesson], root: Path) -> None:
    """For each lesson, a fresh process serving ``root``'s code makes the lesson's calls
    as its first page after the shipped default one: its CPU seconds (the compiles' share
    of a cold link, which the machine's load stretches less than the seconds), its XLA
    compiles and the engine's programs among them."""
    print(
        "\n| lesson, first open after the default page | CPU s | s | XLA compiles | compile s"
        " | engine programs |"
    )
    print("|---|---|---|---|---|---|")
    env = {**os.environ, "PYTHONPATH": str(root), "OPTIVIZ_WARMUP": "0"}
    for lesson in chosen:
        with tempfile.TemporaryDirectory() as cache:
            env["OPTIVIZ_JAX_CACHE"] = cache
            out = subprocess.run(
                [sys.executable, "-c", COMPILES_PY, lesson.id],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(r["programs"].items())) or "none"
        print(
            f"| {lesson.id} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['compiles']}"
            f" | {r['compile_s']:.2f} | {kinds} |"
        )
    print(f"\nLoad average at the end: {load_average()}.")


def main() -> None:
    """Print the machine, then the warm-server and cold-link tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["warm", "cold", "compiles"],
        help="one of the two parts, or (compiles, no browser) each lesson's CPU and programs"
        " as a fresh process's first page after the shipped default one",
    )
    parser.add_argument("--lessons", nargs="+", help="lesson ids (default: every lesson)")
    parser.add_argument("--moves", type=int, default=5, help="α presses per measurement")
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="the warm server's groups"
    )
    parser.add_argument(
        "--labs", nargs="+", choices=LAB_SURFACES, default=LAB_SURFACES, help="labs to open"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    every = lessons.load()
    chosen = [every[i] for i in args.lessons] if args.lessons else list(every.values())
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu; serving {args.root}")
    if args.only == "compiles":
        compiles(chosen, args.root)
        return
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        if args.only != "cold":
            warm(browser, chosen, args)
        if args.only != "warm":
            cold(browser, chosen, args.root)
        browser.close()


if __name__ == "__main__":
    main()
