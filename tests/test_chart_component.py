"""The chart component's Python side: its data is refused before it is sent, and its
JavaScript, plotly.js and asset directory are where optiviz/pyproject.toml declares them and
Streamlit finds them."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
import urllib.request
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from optiviz.devtools.server import AppServer
from optiviz.ui import chart_component, figure, pick, share
from tests.support import child

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "data",
    [
        {"figure": {"data": [{"x": [float("nan")]}], "layout": {}}},
        {"figure": {"data": [{"x": np.zeros(3)}], "layout": {}}},
        {"figure": {"data": [], "layout": {}}},
        {"kind": "map"},
    ],
)
def test_data_the_chart_cannot_draw_is_refused(data) -> None:
    with pytest.raises(ValueError, match="the chart's data"):
        chart_component.check_json(data)


MANIFEST = ROOT / "optiviz" / "pyproject.toml"
"""The components' manifest inside the package, which Streamlit reads at server start."""


PRELOAD = "preload"
"""app.py's first element: loader.js mounted alone as ``optiviz.preload``."""


def test_the_package_manifest_declares_the_components_over_the_asset_dir() -> None:
    """The chart, the student's map, the page's preload, the share link and the fit view's
    figures: five components over one asset directory, declared in the manifest the package
    ships (its project the repository's own, name and version), each entry module there
    (pick.js imports the chart's loader.js and plotly_adapter.js); the repository's
    pyproject.toml declares none of its own."""
    manifest = tomllib.loads(MANIFEST.read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert manifest["project"] == {k: project["project"][k] for k in ("name", "version")}
    assert manifest["project"]["name"] == chart_component.PROJECT
    entries = manifest["tool"]["streamlit"]["component"]["components"]
    assert [(e["name"], e["asset_dir"]) for e in entries] == [
        (chart_component.NAME, chart_component.ASSET_DIR),
        (pick.NAME, chart_component.ASSET_DIR),
        (PRELOAD, chart_component.ASSET_DIR),
        (share.NAME, chart_component.ASSET_DIR),
        (figure.NAME, chart_component.ASSET_DIR),
    ]
    assert "streamlit" not in project.get("tool", {})
    assert f"{chart_component.PROJECT}.{pick.NAME}" == pick.COMPONENT
    for name in (chart_component.JS, pick.JS, "loader.js", share.JS, figure.JS):
        js = ROOT / "optiviz" / chart_component.ASSET_DIR / name
        assert "export default function" in js.read_text()
    pick_js = (ROOT / "optiviz" / chart_component.ASSET_DIR / pick.JS).read_text()
    assert 'from "./loader.js"' in pick_js and 'from "./plotly_adapter.js"' in pick_js


def test_streamlit_finds_the_manifest_of_the_installed_checkout() -> None:
    """The checkout is installed (``-e .`` in requirements.txt): Streamlit's scan of the
    installed distributions, which a server and AppTest run at start, finds the package's
    manifest and resolves the asset directory to this checkout's."""
    from streamlit.components.v2.manifest_scanner import scan_component_manifests

    found = {m.name: (m, root) for m, root in scan_component_manifests()}
    manifest, root = found[chart_component.PROJECT]
    assert [c.name for c in manifest.components] == [
        chart_component.NAME,
        pick.NAME,
        PRELOAD,
        share.NAME,
        figure.NAME,
    ]
    assert root.resolve() == (ROOT / "optiviz").resolve()


INSTALLED_PLOTLY = resources.files("plotly") / "package_data" / "plotly.min.js"


def test_the_vendored_plotly_js_is_the_installed_plotly_packages_own() -> None:
    """plotly.js ships as a component asset: byte for byte the pinned ``plotly``
    package's bundle, and the URL the chart's loader.js loads it from."""
    vendored = ROOT / "optiviz" / chart_component.ASSET_DIR / chart_component.PLOTLY_JS
    assert vendored.read_bytes() == INSTALLED_PLOTLY.read_bytes(), (
        f"refresh the copy: cp {INSTALLED_PLOTLY} {vendored.relative_to(ROOT)}"
    )
    loader = (vendored.parents[1] / "loader.js").read_text()
    assert f'export const PLOTLY = "./{chart_component.PLOTLY_JS}";' in loader


def test_a_new_server_serves_plotly_js_from_the_components_assets() -> None:
    """Before any page has run, the new server answers the chart's asset URL of plotly.js
    with the plotly package's own bundle (Streamlit registered the manifest at start),
    and pick's asset URL with the same bytes."""
    server = AppServer()
    try:
        server.wait_healthy()
        served = []
        for name in (chart_component.NAME, pick.NAME):
            path = f"_stcore/bidi-components/optiviz.{name}/{chart_component.PLOTLY_JS}"
            with urllib.request.urlopen(server.url + path, timeout=30) as response:
                served.append(response.read())
    finally:
        server.stop()
    assert served == [INSTALLED_PLOTLY.read_bytes()] * 2


def test_a_streamlit_without_the_manifest_says_how_to_install(monkeypatch) -> None:
    """A checkout that was never installed (Streamlit's scan finds no optiviz manifest):
    the page says which command installs it, in place of a traceback."""
    from streamlit.components.v2 import manifest_scanner
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", lambda: [])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert [e.value for e in at.error] == [chart_component.NOT_INSTALLED]
    assert "pip install -r requirements.txt" in chart_component.NOT_INSTALLED


def _default_view() -> dict:
    """The chart data of the page opened bare: the staircase's race of the three default
    presets (``params.DEFAULT_PRESETS``), settled with its α family."""
    from optiviz.devtools.examples import staircase_settings
    from optiviz.scenes import params
    from optiviz.ui import explore_chart

    return explore_chart.chart_for(staircase_settings(presets=params.DEFAULT_PRESETS))


def test_the_default_view_with_its_family_fits_the_byte_budget() -> None:
    """≤ 250 KB for the default view settled with its families (the background inline, as
    the chart is built; the component then sends it as a URL)."""
    data = _default_view()
    (alpha,) = data["sliders"]
    assert alpha["key"] == "alpha" and alpha["count"] == len(alpha["stops"])  # every stop
    assert len(json.dumps(data)) <= 250_000


@pytest.mark.parametrize("steps", [150, 2000])
def test_positions_are_quantised_within_a_five_thousandth_of_the_span(steps) -> None:
    """Every position inside the view's box decodes within 1/5000 of the box's span of the
    engine's, and a NaN (after a divergence) decodes as NaN."""
    from optiviz.core import surfaces
    from optiviz.figures import packing
    from optiviz.scenes import params
    from optiviz.scenes.family import family

    surface = surfaces.get("staircase")
    box = [list(b) for b in surface.bounds]
    stops = params.alpha_options()[::9]
    fam = family(surface, "momentum", "alpha", stops, alpha=0.0, steps=steps)
    assert "diverged" in fam.verdicts
    for axis in (0, 1):
        lo, hi = box[axis]
        values = fam.positions[..., axis]
        back = packing.dequantised(packing.quantised(values, lo, hi), lo, hi)
        assert np.array_equal(np.isnan(back), np.isnan(values))
        inside = (values >= lo) & (values <= hi)
        assert np.max(np.abs(back[inside] - values[inside])) <= (hi - lo) / 5000


def test_packed_arrays_decode_to_what_was_packed() -> None:
    """``packed``'s filters round-trip (undone here as the chart's decode.js undoes them)."""
    import base64
    import zlib

    from optiviz.figures import packing

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 65536, (3, 7, 2)).astype(np.uint16)
    spec = packing.packed(codes, "u2", "delta")
    raw = np.frombuffer(zlib.decompress(base64.b64decode(spec["zdata"])), "<u2").reshape(3, 7, 2)
    assert np.array_equal(np.cumsum(raw.astype(np.int64), axis=1) % 65536, codes)
    floats = rng.normal(size=(4, 5)).astype(np.float32)
    spec = packing.packed(floats, "f4", "shuffle")
    planes = np.frombuffer(zlib.decompress(base64.b64decode(spec["zdata"])), np.uint8)
    assert np.array_equal(planes.reshape(4, -1).T.copy().view("<f4").reshape(4, 5), floats)


def test_decimal3_keeps_the_readouts_three_digits() -> None:
    """|gradient| and step lengths travel as 3-digit decimals: each decodes to a number
    written with 3 significant digits exactly as its float32 is; 0, inf and NaN survive."""
    from optiviz.figures import packing

    rng = np.random.default_rng(2)
    values = np.float32(10.0 ** rng.uniform(-30, 20, 5000)).astype(np.float64)
    back = packing.undecimal3(packing.decimal3(values))
    assert [f"{v:.3g}" for v in back] == [f"{v:.3g}" for v in values]
    special = packing.undecimal3(packing.decimal3([0.0, np.inf, np.nan, 1e-45]))
    assert special[0] == 0 and np.isposinf(special[1]) and np.isnan(special[2]) and special[3] == 0


def test_the_background_travels_inline_in_the_charts_data() -> None:
    """The top view's background is a ``data:`` URI in what the component is sent: no
    media file, so the chart needs no route beyond its declared assets."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    (chart,) = [c for c in at.get("bidi_component") if c.proto.id.endswith("-map")]
    (image,) = chart_component.received(chart.proto.bytes)["figure"]["layout"]["images"]
    assert image["source"].startswith("data:image/png;base64,")


def test_a_family_sent_before_goes_by_reference() -> None:
    """The second view drawn from the same α family sends a reference to it, not its
    arrays; a family not sent before goes whole."""
    from optiviz.ui import sliders

    data = _default_view()
    sent: set[str] = set()

    def sent_before(key: str) -> bool:
        seen = key in sent
        sent.add(key)
        return seen

    first = sliders.by_reference(data, sent_before)
    again = sliders.by_reference(data, sent_before)
    (whole,), (ref,) = first["sliders"][0]["families"], again["sliders"][0]["families"]
    assert "xy" in whole and ref == {"ref": whole["key"], "run": whole["run"]}
    assert len(json.dumps(again)) < len(json.dumps(first)) - 100_000


PRELOAD_FIRST = r"""
import importlib.abc, json, sys
from streamlit.testing.v1 import AppTest

asked = []

class NoJax(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "jax":
            asked.append(name)
            raise ImportError("jax is not imported yet")

sys.meta_path.insert(0, NoJax())
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
first = at.main.children[0]
print(json.dumps({
    "type": first.type, "id": first.proto.id, "js": first.proto.js_source_path,
    "jax": asked,
    "elements": [e.type for e in at.main.children.values()],
}))
"""


def test_the_preload_is_the_pages_first_element_sent_before_jax_is_imported() -> None:
    """app.py mounts loader.js as the component ``optiviz.preload`` before it imports the
    app: with JAX made unimportable, the page still holds the preload as its first and
    only element, and the run fails only at the import."""
    page = child.report(PRELOAD_FIRST, str(ROOT / "app.py"), env={}, timeout=300)
    assert page["elements"] == ["bidi_component", "exception"], page
    assert page["id"].endswith(f"optiviz-{PRELOAD}") and page["js"].endswith("loader.js"), page
    assert page["jax"] == ["jax"], page  # the app's first import of JAX, refused


PRELOAD_JS = r"""
const appended = [];
const box = { style: {} };
globalThis.window = globalThis;
globalThis.document = {
  createElement: (tag) => ({ tag }),
  head: { appendChild: (el) => appended.push(el) },
};
const { default: preload, loadPlotly, payload, PLOTLY } = await import(process.argv.at(-1));
const sent = { figure: {} };
const parentElement = { closest: (s) => (s === '[data-testid="stElementContainer"]' ? box : null) };
preload({ parentElement });
const waiting = loadPlotly();
window.Plotly = { version: "stub" };
appended[0].onload();
const first = await waiting;
const again = await loadPlotly();
process.stdout.write(JSON.stringify({
  display: box.style.display, scripts: appended.map((s) => [s.tag, s.src]), PLOTLY,
  resolved: first === window.Plotly && again === window.Plotly,
  unwrapped: payload([sent]) === sent && payload(sent) === sent,
  parsed: payload(new TextEncoder().encode(JSON.stringify({ a: [1, "α"] }))),
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_preload_hides_its_box_and_loads_plotly_js_once_from_beside_itself() -> None:
    """loader.js's default export (the preload component): it hides Streamlit's element
    box around it and appends one script, plotly.js at ``vendor/plotly.min.js`` beside
    the module; a later ``loadPlotly`` (the chart's) waits for that same script. Its
    ``payload`` takes the server's one-element list apart (``chart_component.sent``)."""
    loader = ROOT / "optiviz" / chart_component.ASSET_DIR / "loader.js"
    done = subprocess.run(
        [shutil.which("node"), "--input-type=module", "-e", PRELOAD_JS, "--", loader.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["display"] == "none"
    assert out["scripts"] == [["script", (loader.parent / chart_component.PLOTLY_JS).as_uri()]]
    assert out["PLOTLY"] == f"./{chart_component.PLOTLY_JS}" and out["resolved"]
    assert out["unwrapped"]  # the server's one-element list, or the payload itself
    assert out["parsed"] == {"a": [1, "α"]}  # the chart's bytes (chart_component.encoded)


NO_PANDAS = r"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300).run()
maps = [c for c in at.get("bidi_component") if c.proto.id.endswith("-map")]
charts = [json.loads(c.proto.bytes) for c in maps]
print(json.dumps({
    "imported": sorted(m for m in ("pandas", "pyarrow") if m in sys.modules),
    "shapes": [(type(c).__name__, "figure" in c) for c in charts],
    "exceptions": len(at.exception),
}))
"""


def test_a_new_processs_first_page_imports_neither_pandas_nor_pyarrow() -> None:
    """The chart's payload goes as bytes (``encoded``), which Streamlit does not scan for
    data frames: a new process's first page run draws its chart without importing pandas
    or pyarrow (most of a second on a new server)."""
    page = child.report(NO_PANDAS, str(ROOT / "app.py"), env={}, timeout=600)
    assert page == {"imported": [], "shapes": [["dict", True]], "exceptions": 0}, page


def test_the_chart_is_sent_its_payload_as_the_bytes_of_one_json_text() -> None:
    """The page's chart goes as bytes (``encoded``): Streamlit forwards them and
    serialises nothing; they are the JSON of the cached chart with the page's config and
    presenter mode, and a value that is not strict JSON is refused, not sent."""
    from streamlit.testing.v1 import AppTest

    from optiviz.ui.explore_chart import PLOT_CONFIG

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    (chart,) = [c for c in at.get("bidi_component") if c.proto.id.endswith("-map")]
    assert chart.proto.WhichOneof("data") == "bytes"
    data = chart_component.element_data(chart.proto)
    assert data["config"] == PLOT_CONFIG and data["present"] is False
    assert data["figure"]["data"] and data["token"] and data["sliders"]
    assert json.loads(chart_component.encoded(data)) == data
    with pytest.raises(ValueError, match="cannot be sent"):
        chart_component.encoded(data | {"x": float("nan")})
