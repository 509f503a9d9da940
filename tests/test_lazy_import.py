"""``import optiviz`` loads its public names on first use (PEP 562), and ``optiviz app``
hands over to Streamlit before JAX is imported; each case runs in a fresh interpreter."""

from __future__ import annotations

import pytest

import optiviz
from tests.support import child

PACKAGE = r"""
import json, sys
import optiviz
bare = sorted(m for m in ("jax", "numpy", "optax", "optiviz.core") if m in sys.modules)
listed = sorted(set(optiviz.__all__) - set(dir(optiviz)))
run = optiviz.simulate("staircase", "sgd", alpha=0.8)
from optiviz import simulate, sweep
import optiviz.surfaces.datasets as old
import optiviz.core.surfaces.datasets as new
from optiviz import surfaces
print(json.dumps({
    "bare": bare,
    "unlisted": listed,
    "verdict": run.verdict,
    "same": [simulate is sys.modules[simulate.__module__].simulate,
             sweep is sys.modules[sweep.__module__].sweep, old is new,
             surfaces is sys.modules["optiviz.core.surfaces"]],
    "spec": old.__spec__.name,
}))
"""


def test_import_optiviz_alone_loads_no_jax_and_every_name_on_use() -> None:
    out = child.report(PACKAGE, env={})
    assert out["bare"] == []
    assert out["unlisted"] == []
    assert out["verdict"] == "converged"
    assert out["same"] == [True, True, True, True]
    assert out["spec"] == "optiviz.core.surfaces.datasets"


def test_the_public_names_are_the_modules_own() -> None:
    from optiviz.analysis.range_test import lr_range_test
    from optiviz.core.stability import critical_alpha

    assert optiviz.lr_range_test is lr_range_test
    assert optiviz.critical_alpha is critical_alpha
    assert set(optiviz.__all__) <= set(dir(optiviz))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        optiviz.no_such_name  # noqa: B018


APP_HANDOVER = r"""
import json, sys
from streamlit.web import cli as streamlit_cli
from optiviz.cli import launch

seen = {}

def main(args, prog_name):
    seen["loaded"] = sorted(m for m in ("jax", "numpy", "optiviz.core") if m in sys.modules)
    seen["args"] = list(args)

streamlit_cli.main = main
launch.boot = lambda: None  # the page's imports, which load JAX in their own thread
from optiviz.cli import main as optiviz_main
status = optiviz_main(["app", "--server.port=8999"])
print(json.dumps({**seen, "status": status}))
"""


def test_optiviz_app_hands_over_to_streamlit_before_jax_is_imported() -> None:
    out = child.report(APP_HANDOVER, env={"OPTIVIZ_WARMUP": "0"})
    assert out["loaded"] == []
    assert out["args"][0] == "run" and out["args"][1].endswith("app.py")
    assert out["args"][-1] == "--server.port=8999"
    assert out["status"] == 0


def test_the_qr_code_writer_is_imported_when_a_question_draws_its_code() -> None:
    """segno is not among the page's imports (``test_app_import`` checks the first run);
    ``qr_image`` imports it and draws the code."""
    from optiviz.ui import classroom

    assert classroom.qr_image("http://localhost:8501/?room=ABC123").startswith('<img src="data:')
