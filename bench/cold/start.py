"""Cold start: a new server process with an empty JAX cache, to the first paths drawn.

Each round starts the app (``APPS``) with ``OPTIVIZ_JAX_CACHE`` in a new empty folder
(as a hosted app wakes up), opens it in a fresh headless Chromium context as
soon as ``/_stcore/health`` answers, and stops the clock when the first Plotly line path
is drawn (``PATHS_JS``). Rounds alternate with the bare page ``bench/apps/bare_app.py`` (one
``st.plotly_chart``), so all see the same machine load; the ratio is each over bare.
Timed from the server's spawn: the server answering health, the page's plotly.js
loaded, and the first paths drawn; with the CPU seconds the server had used by then,
which a loaded machine stretches less than the wall clock (each round prints the load
average).

``--timeline`` says when each step of a start happened, from the browser's resource
timings: the page opened, its first element (the preload), plotly.js loaded, the page
run's widgets arriving (the server's imports done), the chart's modules, the first paths.

``--profile`` says where the time goes instead, in one fresh process per part: the
imports (Streamlit, JAX, the core, Plotly, the page), and the first page's run through
``AppTest`` with every XLA compile it makes and how long each took (JAX's compile log),
and whether it imported pandas and pyarrow (Streamlit's data-frame scan).

``--reference ROOT`` adds Optiviz's two starts of another checkout to the same alternated
rounds (``--reference-path DIR``: a folder first on its servers' ``PYTHONPATH``, such as
its own ml_dtypes installed with ``pip install --target DIR``), so a change is measured
against the code before it under the same load.

    .venv/bin/python -m bench.cold                 # 3 rounds of Optiviz and bare
    .venv/bin/python -m bench.cold start --rounds 5 --reference /tmp/ref --reference-path /tmp/pins
    .venv/bin/python -m bench.cold --timeline
    .venv/bin/python -m bench.cold --profile
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
from pathlib import Path
from typing import NamedTuple

from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.server import ROOT, AppServer

PATHS_JS = """() => [...document.querySelectorAll('.js-plotly-plot .scatterlayer path.js-line')]
  .some(p => (p.getAttribute('d') || '').length > 8)"""
"""True once a Plotly graph has drawn a line with at least a few points."""

PLOTLY_JS = """() => {
  const e = performance.getEntriesByType('resource')
    .filter(r => /plotly/i.test(r.name) && !/plotly_adapter/.test(r.name));
  return e.length ? Math.max(...e.map(r => r.responseEnd)) : null;
}"""
"""When the page's plotly.js bundle had arrived, ms after navigation (null if none): the
bare page's Plotly chunks from Streamlit, Optiviz's ``vendor/plotly.min.js`` (not the
chart's own ``plotly_adapter.js``, which comes with the chart's element)."""

APPS = {"optiviz app": "app.py", "streamlit run app.py": "app.py", "bare": "bench/apps/bare_app.py"}
BARE = "bare"
"""What each round starts: ``optiviz app`` (``streamlit run`` through the package's
command, ``optiviz.cli.launch``), ``streamlit run app.py`` (as Community Cloud starts it),
and the bare page."""


TIMEOUT_MS = 300_000

STEPS_JS = r"""() => {
  const at = (re) => {
    const e = performance.getEntriesByType('resource').filter(r => re.test(r.name));
    return e.length ? [Math.min(...e.map(r => r.startTime)), Math.max(...e.map(r => r.responseEnd))]
      : null;
  };
  return {
    origin: performance.timeOrigin,
    first: at(/BidiComponent|PlotlyChart/),
    plotly: at(/plotly\.min\.js|PlotlyChart/),
    widgets: at(/(Radio|Selectbox|Slider)\.[^/]*\.js$/),
    chart: at(/optiviz\.chart\/[^/]*\.js$/),
    highlighter: at(/SyntaxHighlighter/) !== null,
  };
}"""
"""Each step's resources as [first start, last end] in ms after navigation (null if none):
the first element's chunk (the preload component, or the bare page's Plotly chart), plotly.js,
the first widgets' chunks (they load once the page run sends its sidebar, after its
imports), the chart component's own modules; and whether Streamlit's syntax highlighter
loaded."""

STEPS = {
    "first": "first element",
    "plotly": "plotly.js",
    "widgets": "widgets",
    "chart": "chart modules",
}


def one_start(browser, name: str, env: dict[str, str], root: Path = ROOT) -> dict[str, float]:
    """Seconds from spawning the server (``name`` of the checkout at ``root``) to its
    health answer, plotly.js, first paths, and the CPU seconds the server's processes had
    used by the first paths (``cpu``)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**env, "OPTIVIZ_JAX_CACHE": cache}
        boot = name == "optiviz app"
        command = [sys.executable, "-m", "optiviz", "app"] if boot else None
        server = AppServer(env=env, app=APPS[name], command=command, root=root)
        try:
            server.wait_healthy(timeout=120)
            healthy = time.perf_counter() - server.started
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            opened = time.perf_counter() - server.started
            page.goto(server.url)
            page.wait_for_function(PATHS_JS, timeout=TIMEOUT_MS, polling=50)
            drawn = time.perf_counter() - server.started
            cpu = server.cpu_s()
            plotly_ms = page.evaluate(PLOTLY_JS)
            steps = page.evaluate(STEPS_JS)
            context.close()
        finally:
            server.stop()
    plotly = opened + plotly_ms / 1e3 if plotly_ms is not None else float("nan")
    times = {"healthy": healthy, "plotly": plotly, "drawn": drawn, "cpu": cpu}
    spawned = time.time() - (time.perf_counter() - server.started)
    navigated = steps["origin"] / 1e3 - spawned
    times["opened"] = navigated
    for key in STEPS:
        span = steps[key]
        times[f"{key} from"] = navigated + span[0] / 1e3 if span else float("nan")
        times[f"{key} to"] = navigated + span[1] / 1e3 if span else float("nan")
    times["highlighter"] = float(steps["highlighter"])
    return times


class Start(NamedTuple):
    """One row of the benchmark: an app (a key of ``APPS``) of a checkout, with the
    environment its server gets."""

    label: str
    name: str
    root: Path
    env: dict[str, str]


def starts(reference: Path | None, reference_path: str | None) -> list[Start]:
    """Each app of this checkout, then (with ``reference``) Optiviz's two of that
    checkout, whose servers get ``reference_path`` first on ``PYTHONPATH`` (a folder of
    the reference's own pins, where they differ from this venv's)."""
    out = [Start(name, name, ROOT, {}) for name in APPS]
    if reference is not None:
        env = {"PYTHONPATH": reference_path} if reference_path else {}
        out += [Start(f"{name} (reference)", name, reference, env) for name in APPS if name != BARE]
    return out


def rounds(n: int, rows: list[Start]) -> dict[str, list[dict[str, float]]]:
    """``n`` rounds of every start, in alternated order (reversed every other round)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[dict[str, float]]] = {row.label: [] for row in rows}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for i in range(n):
            for row in rows if i % 2 == 0 else reversed(rows):
                out[row.label].append(one_start(browser, row.name, row.env, row.root))
                times = out[row.label][-1]
                print(
                    f"  round {i + 1} {row.label}: healthy {times['healthy']:.1f} s, plotly.js "
                    f"{times['plotly']:.1f} s, widgets {times['widgets from']:.1f} s, paths "
                    f"{times['drawn']:.1f} s, server CPU {times['cpu']:.1f} s "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        browser.close()
    return out


IMPORTS = r"""
import json, time
t = {}
for name, stmt in [
    ("streamlit", "import streamlit"),
    ("jax", "import jax, jax.numpy"),
    ("optax", "import optax"),
    ("optiviz core", "import optiviz, optiviz.scenes"),
    ("plotly", "import plotly.graph_objects"),
    ("optiviz figures", "import optiviz.figures.chart_data"),
    ("optiviz ui", "import optiviz.ui"),
]:
    start = time.perf_counter()
    exec(stmt)
    t[name] = time.perf_counter() - start
print(json.dumps(t))
"""

FIRST_RUN = r"""
import json, logging, re, time
started = time.perf_counter()
from streamlit.testing.v1 import AppTest
import jax
compiles = []
class Log(logging.Handler):
    def emit(self, record):
        m = re.search(r"Finished XLA compilation of (.+) in ([0-9.e-]+) sec", record.getMessage())
        if m:
            compiles.append((m.group(1), float(m.group(2))))
        m = re.search(r"Finished tracing \+ transforming (.+) for pjit in ([0-9.e-]+) sec",
                      record.getMessage())
        if m:
            traces.append((m.group(1), float(m.group(2))))
traces = []
for name in ("jax._src.interpreters.pxla", "jax._src.dispatch", "jax._src.compiler"):
    logging.getLogger(name).addHandler(Log())
jax.config.update("jax_log_compiles", True)
imported = time.perf_counter() - started
app = AppTest.from_file("app.py", default_timeout=600)
start = time.perf_counter()
app.run()
run = time.perf_counter() - start
import sys
print(json.dumps({"imports": imported, "run": run, "compiles": compiles, "traces": traces,
                  "exceptions": [e.message for e in app.exception],
                  "data frames": [m for m in ("pandas", "pyarrow") if m in sys.modules]}))
"""


def _child(code: str, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, **env, "OPTIVIZ_JAX_CACHE": cache, "OPTIVIZ_WARMUP": "0"}
        env["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
        env["PYTHONPATH"] = str(ROOT)
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def profile(env: dict[str, str]) -> None:
    imports = _child(IMPORTS, env)
    print("Imports in a fresh process (each on top of those above it):")
    for name, seconds in imports.items():
        print(f"  {name}: {seconds:.2f} s")
    print(f"  total: {sum(imports.values()):.2f} s")
    first = _child(FIRST_RUN, env)
    print(f"\nFirst page run (AppTest, empty JAX cache, no warm-up): {first['run']:.2f} s")
    total = sum(s for _, s in first["compiles"])
    print(f"  {len(first['compiles'])} XLA compiles, {total:.2f} s in all:")
    for name, seconds in sorted(first["compiles"], key=lambda c: -c[1]):
        print(f"    {seconds:6.2f} s  {name}")
    traced = sum(s for _, s in first["traces"])
    print(f"  tracing: {len(first['traces'])} traces, {traced:.2f} s")
    frames = ", ".join(first["data frames"]) or "neither"
    print(f"  pandas, pyarrow imported (Streamlit's data-frame scan): {frames}")
    if first["exceptions"]:
        print(f"  exceptions: {first['exceptions']}")


def timeline(out: dict[str, list[dict[str, float]]]) -> None:
    """Each app's median start, step by step: seconds from the server's spawn."""
    print("\n| app | healthy | page opened | " + " | ".join(STEPS.values()) + " | first paths |")
    print("|---|---|---|" + "---|" * len(STEPS) + "---|")
    for name, runs in out.items():
        m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        spans = [f"{m[f'{k} from']:.1f}-{m[f'{k} to']:.1f}" for k in STEPS]
        row = [f"{m['healthy']:.1f}", f"{m['opened']:.1f}", *spans, f"{m['drawn']:.1f}"]
        print(f"| {name} | " + " | ".join(row) + " |")
    loaded = [name for name, runs in out.items() if any(r["highlighter"] for r in runs)]
    print(f"\nStreamlit's syntax highlighter loaded by: {', '.join(loaded) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="starts of each app")
    parser.add_argument("--profile", action="store_true", help="where the time goes")
    parser.add_argument(
        "--timeline", action="store_true", help="also each step of a start, from the browser"
    )
    parser.add_argument(
        "--reference",
        type=Path,
        help="another checkout (at an older commit, say): its optiviz app and streamlit run "
        "app.py start in the same alternated rounds",
    )
    parser.add_argument(
        "--reference-path",
        help="a folder put first on PYTHONPATH for the reference's servers only (its own "
        "pins where they differ, installed with pip install --target)",
    )
    args = parser.parse_args()
    env: dict[str, str] = {}
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu\n")
    if args.profile:
        profile(env)
        return
    rows = starts(args.reference, args.reference_path)
    out = rounds(args.rounds, rows)
    print("\n| app | healthy s | plotly.js s | first paths s | server CPU s |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, runs in out.items():
        medians[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        m = medians[name]
        print(
            f"| {name} | {m['healthy']:.1f} | {m['plotly']:.1f} | {m['drawn']:.1f} "
            f"| {m['cpu']:.1f} |"
        )
    print(f"\nFirst paths over the bare page's (medians of {args.rounds} rounds; each round's):")
    for name in out:
        if name != BARE:
            each = [r["drawn"] / b["drawn"] for r, b in zip(out[name], out[BARE], strict=True)]
            print(
                f"  {name}: {medians[name]['drawn'] / medians[BARE]['drawn']:.2f}x; "
                + ", ".join(f"{x:.2f}x" for x in each)
            )
    if args.timeline:
        timeline(out)


if __name__ == "__main__":
    main()
