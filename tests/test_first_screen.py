"""The shipped first screen (``optiviz.ui.first_screen``): it is exactly the engine's chart
for the default page, a new server draws it without an XLA compile, only that request
gets it, and a server whose engine disagrees drops it."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from optiviz import resources, scenes
from optiviz.devtools.compiles import LISTEN_PY
from optiviz.scenes.explore import run_names
from optiviz.scenes.params import MY_ALPHA, PARAMS
from optiviz.ui import chart_component, explore_chart, first_screen
from scripts import first_screen as generator
from tests.support import child

SHIPPED = first_screen.load()


def test_the_shipped_first_screen_is_the_engines_chart_for_the_default_page() -> None:
    """The default page's request, read from a run of the app, is the snapshot's, and the
    engine's data for it equals the snapshot's exactly (every number, every string)."""
    assert SHIPPED is not None, f"assets/{first_screen.NAME} is missing"
    settings, three_d = generator.default_request()
    assert (repr(settings), three_d) == (repr(SHIPPED.settings), SHIPPED.three_d), (
        "the default page's settings changed: run scripts/first_screen.py"
    )
    engine = first_screen.normal(explore_chart.compute_chart(settings, three_d))
    assert engine == SHIPPED.data, "the engine's first screen changed: run scripts/first_screen.py"
    text = resources.read_asset(first_screen.NAME)
    assert text == first_screen.encode(settings, three_d, engine), "the file is not its encode"


FIRST_RUN = (
    LISTEN_PY
    + r"""
import json, sys
import optiviz.ui
from optiviz.ui import chart_component, first_screen
from streamlit.testing.v1 import AppTest
sent = []
chart = chart_component.chart
chart_component.chart = lambda data, **kw: sent.append(data) or chart(data, **kw)
app = AppTest.from_file(sys.argv[1], default_timeout=600)
app.run()
print(json.dumps({"compiles": len(compiles), "sent": [first_screen.normal(d) for d in sent],
                  "exceptions": [e.message for e in app.exception]}))
"""
)


@pytest.mark.parametrize("shipped", [True, False], ids=["shipped", "engine"])
def test_a_new_server_draws_the_first_screen_at_once(shipped: bool, tmp_path) -> None:
    """A fresh process with an empty JAX cache: its first page run sends the shipped chart
    and compiles nothing; with the snapshot switched off it compiles, and sends the
    same data (the engine's, cold, in another process)."""
    env = {
        "OPTIVIZ_JAX_CACHE": str(tmp_path),
        "OPTIVIZ_WARMUP": "0",
        "OPTIVIZ_SNAPSHOT": "1" if shipped else "0",
    }
    out = child.report(FIRST_RUN, str(child.ROOT / "app.py"), env=env)
    assert out["exceptions"] == []
    # named by its contents, whichever made it (chart_component.digest), families whole
    token = f"{chart_component.digest(SHIPPED.data)}-f"
    assert out["sent"] == [SHIPPED.data | {chart_component.TOKEN: token}]
    if shipped:
        assert out["compiles"] == 0, "the shipped first screen needs no program"
    else:
        assert out["compiles"] > 0


def test_only_the_exact_request_is_served(monkeypatch) -> None:
    s = SHIPPED.settings
    assert first_screen.lookup(s, SHIPPED.three_d) == SHIPPED.data
    assert first_screen.matches(s, SHIPPED.three_d)
    other = next(a for a in PARAMS["alpha"].options() if a != s.alpha)
    for request in (
        (replace(s, alpha=other), SHIPPED.three_d),
        (replace(s, steps=s.steps + 1), SHIPPED.three_d),
        (s, not SHIPPED.three_d),
    ):
        assert first_screen.lookup(*request) is None
        assert not first_screen.matches(*request)
    monkeypatch.setattr(first_screen, "ENABLED", False)
    assert first_screen.lookup(s, SHIPPED.three_d) is None
    assert not first_screen.matches(s, SHIPPED.three_d)


def test_a_snapshot_the_engine_disagrees_with_is_dropped(monkeypatch) -> None:
    monkeypatch.setattr(first_screen, "_DROPPED", threading.Event())
    s = SHIPPED.settings
    assert first_screen.verify(SHIPPED.data)
    assert first_screen.lookup(s, SHIPPED.three_d) is not None
    figure = SHIPPED.data["figure"]
    trace = figure["data"][0]
    packed = trace["x"]["bdata"]  # one float32 of the path, packed: change its first bits
    moved = trace | {"x": trace["x"] | {"bdata": ("B" if packed[0] == "A" else "A") + packed[1:]}}
    data = SHIPPED.data | {"figure": figure | {"data": [moved, *figure["data"][1:]]}}
    assert not first_screen.verify(data)
    assert first_screen.lookup(s, SHIPPED.three_d) is None


IMPORT_APP = (
    LISTEN_PY
    + r"""
import json
import optiviz.ui
from optiviz.core import surfaces
names = surfaces.names()
print(json.dumps({"compiles": len(compiles), "names": names}))
"""
)


def test_importing_the_app_compiles_nothing(tmp_path) -> None:
    """A new server's imports, the whole surface registry included (the data surfaces'
    minima are found by NumPy's Newton method), make no XLA program."""
    out = child.report(IMPORT_APP, env={"OPTIVIZ_JAX_CACHE": str(tmp_path)})
    assert {"linear_regression", "logistic_regression", "polynomial_regression"} <= set(
        out["names"]
    )
    assert out["compiles"] == 0


@pytest.mark.parametrize("mode", ["compare", "optimizers", "seeds", "single"])
def test_run_names_are_the_scenes_without_running_it(mode: str) -> None:
    """The presenter's question form names the view's runs from the settings alone."""
    s = replace(SHIPPED.settings, mode=mode, steps=20, n_seeds=3)
    if mode == "compare":
        s = replace(s, presets=(*s.presets, MY_ALPHA), alpha=0.3)
    assert run_names(s) == [r.name for r in scenes.scene(s).runs]


def test_the_presenters_first_page_compiles_nothing(tmp_path) -> None:
    """Presenter mode's first page (its question form names the runs) is drawn from the
    shipped first screen with no XLA compile."""
    env = {"OPTIVIZ_JAX_CACHE": str(tmp_path), "OPTIVIZ_WARMUP": "0"}
    out = child.report(PRESENTER_RUN, str(child.ROOT / "app.py"), env=env)
    assert out["exceptions"] == []
    assert out["compiles"] == 0


PRESENTER_RUN = FIRST_RUN.replace("app.run()", 'app.query_params["present"] = "1"\napp.run()')


SERVER_FIRST = r"""
import json, sys, threading, time
from streamlit.web import cli
from optiviz.cli import launch

launch.IDLE_S = 1.0

def main(args, prog_name):
    importing = [t for t in threading.enumerate() if t.name == "optiviz-import"]
    seen = {"imported": "jax" in sys.modules, "importing": [t.is_alive() for t in importing]}
    time.sleep(0.5)  # the server starting, its first browser loading the page
    seen["starting"] = "jax" in sys.modules
    if sys.argv[1] == "visitor":
        import optiviz.ui  # the page run's own imports, after its preload
    for thread in importing:
        thread.join(300)
    from optiviz.ui import warmup
    seen["after"] = hasattr(sys.modules["optiviz.ui"], "main")
    seen["booting"] = warmup._BOOTING.is_set()
    warmup._STOP.set()  # the boot, if any, waits for a visitor: end it
    print(json.dumps(seen))

cli.main = main
launch.app_command([])
"""


@pytest.mark.parametrize("case", ["idle", "visitor"])
def test_optiviz_app_boots_only_a_server_that_no_page_run_has_reached(case) -> None:
    """``optiviz app`` hands over to Streamlit's server before the page's modules are
    imported, and its thread imports none of them while the server starts. With no page
    run begun within ``IDLE_S`` it imports them itself and starts the first screen's boot;
    once a page run has imported them it does nothing more: the start is then
    ``streamlit run app.py``'s."""
    seen = child.report(SERVER_FIRST, case, env={"OPTIVIZ_WARMUP": "1"}, timeout=300)
    assert seen.pop("imported") is False and seen.pop("importing") == [True]
    assert seen.pop("starting") is False
    assert seen == {"after": True, "booting": case == "idle"}
