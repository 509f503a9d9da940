"""The fit view's α acts on release, and its slider's help says why (no family: a family's
fit scenes and arrays are over the budget, ``bench.sweep fit-family``)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from optiviz.scenes.params import PARAMS
from optiviz.ui.fit import RELEASE_NOTE

APP = Path(__file__).resolve().parents[1] / "app.py"
LINK = {"surface": "polynomial_regression", "mode": "single", "alpha": "0.01", "steps": "60"}


def test_the_fit_views_alpha_and_k_say_they_act_on_release() -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update(LINK | {"schedule": "exponential", "k": "0.01"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for key in ("alpha", "k"):
        (slider,) = [w for w in at.get("select_slider") + at.get("slider") if w.key == key]
        assert slider.help == f"{PARAMS[key].help} {RELEASE_NOTE}"
    assert not [c for c in at.get("bidi_component") if c.proto.id.endswith("-map")]
