"""Screenshots of every page, every lesson and every surface, for a person to look at.

    python scripts/gallery.py [--out docs/gallery] [--width 1440] [--height 900] [--dark]

Starts ``streamlit run app.py`` on a free loopback port (optiviz.devtools.page.AppServer),
opens each address in Debian's headless Chromium and writes one viewport-sized PNG
per address (Streamlit scrolls inside its own container, so a taller ``--height``
shows more of a page). With ``--dark`` the server runs Streamlit's dark theme and the files get a
``-dark`` suffix. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from optiviz import surfaces  # noqa: E402
from optiviz.devtools.chromium import launch_chromium  # noqa: E402
from optiviz.devtools.page import ERRORS_JS, FIRST_CHART_MS, IDLE  # noqa: E402
from optiviz.devtools.server import AppServer  # noqa: E402
from optiviz.scenes import lessons  # noqa: E402

SETTLE_MS = 2500
"""Time after the script run ends for Plotly to lay out and draw."""


def shots() -> dict[str, str]:
    """File stem to query string: the pages, then each lesson, then each surface's two views."""
    out = {
        "explore": "",
        "explore-optimizers": "?mode=optimizers",
        "explore-presenter": "?present=1",
        "lab": "?page=lab",
        "lessons": "?page=lessons",
    }
    for i, lesson in enumerate(lessons.load().values(), start=1):
        out[f"lesson-{i:02d}-{lesson.id}"] = lessons.query(lesson)  # the link the app lists
    for name in surfaces.names():
        out[f"surface-{name}"] = "?" + urlencode({"surface": name})
        if surfaces.get(name).dim == 2:
            out[f"surface-{name}-3d"] = "?" + urlencode({"surface": name, "picture": "3-D view"})
    return out


def _shoot(page, address: str, path: Path) -> list[str]:
    page.goto(address)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    page.wait_for_timeout(SETTLE_MS)
    page.wait_for_selector(IDLE, timeout=FIRST_CHART_MS)
    png = page.screenshot(timeout=FIRST_CHART_MS)
    # 256 colours are plenty for a flat UI and cut the file to about a quarter.
    Image.open(io.BytesIO(png)).quantize(256, method=Image.Quantize.FASTOCTREE).save(
        path, optimize=True
    )
    errors = page.evaluate(ERRORS_JS)
    return [f"{path.stem}: {errors}"] if errors else []


def capture(url: str, out: Path, size: tuple[int, int], suffix: str, only: str = "") -> list[str]:
    """Write one screenshot per address (whose stem contains ``only``) under ``out``;
    return the pages that showed errors."""
    problems = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for stem, query in shots().items():
                if only not in stem:
                    continue
                page = browser.new_page(
                    viewport={"width": size[0], "height": size[1]},
                    color_scheme="dark" if suffix else "light",
                )
                try:
                    problems += _shoot(page, url + query, out / f"{stem}{suffix}.png")
                except PlaywrightError as error:
                    problems.append(f"{stem}: {str(error).splitlines()[0]}")
                page.close()
                print(stem, flush=True)
        finally:
            browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--dark", action="store_true", help="Streamlit's dark theme")
    parser.add_argument("--only", default="", help="only the shots whose name contains this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {"STREAMLIT_THEME_BASE": "dark"} if args.dark else {}
    with AppServer(env=env) as server:
        server.wait_healthy()
        size, suffix = (args.width, args.height), "-dark" * args.dark
        problems = capture(server.url, args.out, size, suffix, args.only)
    for line in problems:
        print("ERROR", line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
