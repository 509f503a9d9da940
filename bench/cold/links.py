"""A lesson's link opened first on a new server that has drawn only its default page (#22).

For each lesson, a new server (``optiviz app`` or ``streamlit run app.py``) starts with
``OPTIVIZ_JAX_CACHE`` in a new empty folder. A fresh headless Chromium context opens the
default page's link as soon as ``/_stcore/health`` answers; once it is drawn, another
fresh context opens the lesson's link (``lessons.query``). Each is timed from the
navigation to the page loaded (``LOADED_JS``: a Plotly graph drawn, the script run
over, no exception box); the ratio is the lesson's over the default page's, the
target 1.5x. The background warm-up runs as it does in production.

    .venv/bin/python -m bench.cold links                    # every lesson, optiviz app
    .venv/bin/python -m bench.cold links --lessons overfitting range-test --app streamlit
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

from optiviz.devtools.live_app import ERRORS_JS, AppServer, launch_chromium, machine
from optiviz.scenes import lessons

LOADED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const drawn = [...document.querySelectorAll('.js-plotly-plot .main-svg')].length > 0;
  return drawn && app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
"""True once a Plotly graph is drawn and the page's script run has ended."""

COMMANDS = {
    "optiviz": [sys.executable, "-m", "optiviz", "app"],
    "streamlit": None,
}
"""How the server starts: ``optiviz app`` (the boot compile) or ``streamlit run app.py``."""

TIMEOUT_MS = 300_000


def _open(browser, url: str) -> float:
    """Seconds from navigating a fresh context to ``url`` to the page loaded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_timeout(300)  # the first script run starts after the socket opens
    page.wait_for_function(LOADED_JS, timeout=TIMEOUT_MS, polling=50)
    seconds = time.perf_counter() - started
    errors = page.evaluate(ERRORS_JS)
    context.close()
    if errors:
        raise RuntimeError(f"{url}: {errors}")
    return seconds


def one_lesson(browser, lesson: lessons.Lesson, app: str) -> dict[str, float]:
    """The default page's and then ``lesson``'s load time on one new server."""
    with tempfile.TemporaryDirectory() as cache:
        server = AppServer(env={"OPTIVIZ_JAX_CACHE": cache}, command=COMMANDS[app])
        try:
            server.wait_healthy(timeout=120)
            default = _open(browser, server.url)
            lesson_s = _open(browser, server.url + lessons.query(lesson))
        finally:
            server.stop()
    return {"default": default, "lesson": lesson_s}


def main() -> None:
    parser = argparse.ArgumentParser(prog=sys.argv[0], description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="lesson ids (default: every lesson)")
    parser.add_argument("--app", choices=list(COMMANDS), default="optiviz", help="server start")
    args = parser.parse_args()
    every = lessons.load()
    chosen = [every[i] for i in args.lessons] if args.lessons else list(every.values())
    print(f"Machine: {machine()}; Chromium headless, --disable-gpu; {args.app} app\n")
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for lesson in chosen:
            times = one_lesson(browser, lesson, args.app)
            ratio = times["lesson"] / times["default"]
            rows.append((lesson.id, times["default"], times["lesson"], ratio))
            print(
                f"  {lesson.id}: default page {times['default']:.1f} s, lesson "
                f"{times['lesson']:.1f} s, {ratio:.2f}x",
                flush=True,
            )
        browser.close()
    print("\n| lesson | default page's link s | lesson's link s | ratio |\n|---|---|---|---|")
    for name, default, lesson_s, ratio in rows:
        print(f"| {name} | {default:.1f} | {lesson_s:.1f} | {ratio:.2f}x |")
    ratios = [r[3] for r in rows]
    within = sum(r <= 1.5 for r in ratios)
    print(
        f"\nMedian {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x; "
        f"{within} of {len(ratios)} within 1.5x"
    )


if __name__ == "__main__":
    main()
