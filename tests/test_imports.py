"""The core never imports the UI layers."""

from __future__ import annotations

import subprocess
import sys


def test_core_import_pulls_in_no_streamlit_or_plotly() -> None:
    code = (
        "import sys, optiviz, optiviz.core.surfaces, optiviz.core.dynamics, optiviz.core.engine, "
        "optiviz.core.surfaces.datasets, optiviz.core.verdicts, optiviz.core.limits; "
        "optiviz.simulate('parabola', 'sgd', alpha=0.1, steps=3); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
