"""The HTML download (⬇ Animation as HTML): bytes, build time, and the page opened offline.

For each view, the download (``explore._animation``: the app's chart and its sliders on
``chart_data`` in a page of its own, ``figures.html.chart_html``) against the baseline
of the same view as Plotly exports it (``figure_html`` of ``path_animation``, the
notebook's figure, with its frames built in Python): the file's bytes, the server's
time to build it on a warm process (the chart's data is cached by the app, so the
download's time is the page alone), and in headless Chromium (``--disable-gpu``, the
network off) the time from opening the file to the chart drawn and Play's frame rate.
Run from the repository root with ``.venv/bin/python -m bench.browser download``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from optiviz.devtools.chromium import launch_chromium
from optiviz.devtools.cpu import machine
from optiviz.devtools.page import COUNT_FRAMES_JS
from optiviz.figures.animation import path_animation
from optiviz.figures.html import figure_html
from optiviz.scenes import grids
from optiviz.scenes.settings import Settings
from optiviz.ui import explore, explore_chart, first_screen

DRAWN_JS = """async () => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd.querySelector('.main-svg')) return false;
  if (gd.__optiviz) await gd.__optiviz.chain;
  return true;
}"""
"""True once the page's graph is drawn (and the chart's queued draws are done)."""

PLAY_JS = """() => {
  const button = document.querySelector('.optiviz-play');
  if (button) return button.click();
  const gd = document.querySelector('.js-plotly-plot');
  const [frames, options] = gd.layout.updatemenus[0].buttons[0].args;
  Plotly.animate(gd, frames, options);
}"""
"""Press Play: the chart's button, or the Plotly figure's own (its updatemenu's args)."""


def views() -> dict[str, Settings]:
    """The default view and three others: one run, two optimizers, a data surface."""
    snapshot = first_screen.load()
    s = snapshot.settings if snapshot is not None else Settings()
    return {
        "default (race of three, staircase)": s,
        "single run": replace(s, mode="single"),
        "Compare optimizers (sgd, adam)": replace(
            s, mode="optimizers", compare_optimizers=("sgd", "adam")
        ),
        "linear regression (data surface)": replace(
            s, surface="linear_regression", start=(0.0, 0.0)
        ),
    }


def plotly_export(s: Settings) -> str:
    """The baseline: the same view as one Plotly figure with Python-built frames."""
    scene = explore_chart.scene_for(explore_chart.drawn_settings(s)[0])
    grid = grids.surface_grid(scene.surface, 161)
    figure = path_animation(
        scene.runs, scene.surface, grid, cloud=scene.cloud, model_x=scene.model_x
    )
    return figure_html(figure)


def built(make, s: Settings, repeats: int) -> tuple[str, float]:
    """The page ``make(s)`` writes (after one warm-up call) and its median build time (ms)."""
    make(s)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        page = make(s)
        times.append(1e3 * (time.perf_counter() - start))
    return page, statistics.median(times)


def opened(browser, path: Path, seconds: float) -> tuple[float, float]:
    """Open ``path`` offline: ms from navigation to the graph drawn, and Play's frames/s."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function(DRAWN_JS, timeout=120_000, polling=50)
    drawn = page.evaluate("performance.now()")
    page.evaluate(COUNT_FRAMES_JS)
    page.evaluate(PLAY_JS)
    page.wait_for_timeout(1000 * seconds)
    frames = page.evaluate("window.__optivizFrames")
    context.close()
    span = (frames[-1][0] - frames[0][0]) / 1e3 if len(frames) > 1 else float("nan")
    return drawn, (len(frames) - 1) / span


def main() -> None:
    """Print, per view, both pages' bytes, build time, time to drawn and frame rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="builds and openings per page")
    parser.add_argument("--seconds", type=float, default=3.0, help="play time per opening")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"Machine: {machine()}; Chromium headless, --disable-gpu, offline\n")
    pages = {
        "download": explore._animation,
        "Plotly export": plotly_export,
    }
    folder = Path(tempfile.mkdtemp(prefix="optiviz-download-"))
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for view, s in views().items():
            rows = {}
            for name, make in pages.items():
                page, ms = built(make, s, args.repeats)
                path = folder / f"{len(rows)}.html"
                path.write_text(page, encoding="utf-8")
                runs = [opened(browser, path, args.seconds) for _ in range(args.repeats)]
                drawn = statistics.median(r[0] for r in runs)
                rate = statistics.median(r[1] for r in runs)
                rows[name] = (len(page.encode()), ms, drawn, rate)
            print(view)
            for name, (size, ms, drawn, rate) in rows.items():
                print(
                    f"  {name:14} {size / 1e6:6.3f} MB, built in {ms:5.0f} ms, drawn "
                    f"{drawn:5.0f} ms after opening, Play {rate:4.1f} frames/s"
                )
            (new, old) = rows["download"], rows["Plotly export"]
            print(
                f"  download / export: bytes {new[0] / old[0]:.3f}x, build {new[1] / old[1]:.2f}x,"
                f" drawn {new[2] / old[2]:.2f}x, frames/s {new[3] / old[3]:.2f}x\n"
            )
        browser.close()


if __name__ == "__main__":
    main()
