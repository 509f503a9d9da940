"""Write the shipped first screen, ``assets/first_screen.json`` (``optiviz.ui.first_screen``).

    python scripts/first_screen.py           # write it
    python scripts/first_screen.py --check   # exit 1 if the file differs from the engine's

The default page is run once (``AppTest``, nothing shipped) to learn which chart it asks
for; that chart is then computed by the engine (``explore_chart.compute_chart``) and written.
Run it again whenever the default page's settings or the engine's output change;
``tests/test_first_screen.py`` fails until then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from optiviz import resources  # noqa: E402
from optiviz.scenes.settings import Settings  # noqa: E402
from optiviz.ui import explore, explore_chart, first_screen  # noqa: E402


def default_request() -> tuple[Settings, bool]:
    """The (settings, three_d) the default page asks ``explore.chart_for`` for, read from
    a run of the app with nothing shipped; raises RuntimeError if the page fails."""
    asked: list[tuple[Settings, bool]] = []
    chart_for, enabled = explore.chart_for, first_screen.ENABLED

    def record(s: Settings, three_d: bool = False) -> dict:
        asked.append((s, three_d))
        return chart_for(s, three_d)

    explore.chart_for, first_screen.ENABLED = record, False
    try:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        app.run()
    finally:
        explore.chart_for, first_screen.ENABLED = chart_for, enabled
    if app.exception or len(asked) != 1:
        raise RuntimeError(f"the default page failed or drew {len(asked)} charts: {app.exception}")
    return asked[0]


def build() -> str:
    """The snapshot file's text, from the engine."""
    settings, three_d = default_request()
    return first_screen.encode(settings, three_d, explore_chart.compute_chart(settings, three_d))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    path = resources.CHECKOUT / "assets" / first_screen.NAME
    text = build()
    if args.check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'equal to' if same else 'DIFFERS from'} the engine's first screen")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(text.encode()) / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
