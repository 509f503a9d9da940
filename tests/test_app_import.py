"""``app.py``'s first run imports the page's modules with the cyclic collector paused, and
leaves the collector as it found it."""

from __future__ import annotations

import pytest

from tests.support import child

FIRST_RUN = r"""
import gc, json, sys
from streamlit.testing.v1 import AppTest

if sys.argv[2] == "off":
    gc.disable()
during = []

def note(phase, info):
    page = sys.modules.get("optiviz.ui")
    if phase == "start" and page is not None and not hasattr(page, "main"):
        during.append(info["generation"])

gc.callbacks.append(note)
at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.run()
gc.callbacks.remove(note)
print(json.dumps({"exceptions": [e.message for e in at.exception], "during": during,
                  "enabled": gc.isenabled(), "imported": "optiviz.ui" in sys.modules,
                  "segno": "segno" in sys.modules}))
"""


@pytest.mark.parametrize("collector", ["on", "off"])
def test_the_page_modules_import_with_no_collection_midway(collector: str) -> None:
    out = child.report(
        FIRST_RUN, str(child.ROOT / "app.py"), collector, env={"OPTIVIZ_WARMUP": "0"}
    )
    assert out["exceptions"] == [] and out["imported"]
    assert out["during"] == [], f"collections during the import: {out['during']}"
    assert out["enabled"] is (collector == "on"), "the collector was left changed"
    assert out["segno"] is False, "the first page imported the QR-code writer (classroom)"
