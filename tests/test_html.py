"""The HTML download's page (``optiviz.figures.html.chart_html``): the chart's modules
inline and importable by the names the page gives them, the data saved as strict JSON,
the sliders cut to the stops their families hold. The page is run in Chromium by
``tests/test_browser_download.py``."""

from __future__ import annotations

import base64
import json
import re

import pytest

from optiviz.figures import html
from optiviz.figures.html import chart_html, chart_modules, import_map, offline_slider

SPECIFIER = re.compile(r"""\b(?:from|import)\s*\(?\s*["']([^"']+)["']""")
"""Every module specifier a source imports from (static, re-export or dynamic)."""


def _page_parts(page: str) -> tuple[dict, dict, str]:
    """The page's import map, its saved data and its module script's text."""
    imports = re.search(r'<script type="importmap">(.*?)</script>', page, re.S)[1]
    data = re.search(rf'<script type="application/json" id="{html.DATA_ID}">(.*?)</script>', page)
    module = re.search(r'<script type="module">(.*?)</script>', page)[1]
    return json.loads(imports), json.loads(data[1]), module


def _slider(first: int, count: int, families: int = 1) -> dict:
    stops = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
    return {
        "key": "alpha",
        "symbol": "α",
        "help": "How far each step goes.",
        "stops": stops,
        "texts": [f"{v:g}" for v in stops],
        "index": 3,
        "marks": [{"label": "good", "index": 1}, {"label": "too large", "index": 4}],
        "first": first,
        "count": count,
        "strip": [None] * first + [[1, 0.0]] * count + [None] * (6 - first - count),
        "families": [{"run": 0}] * families,
    }


def _chart() -> dict:
    figure = {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}], "layout": {}}
    return {"kind": "map", "figure": figure, "animation": {"runs": []}, "sliders": [_slider(1, 4)]}


def test_every_module_the_entry_needs_is_in_the_map_under_the_name_it_is_imported_by() -> None:
    modules = chart_modules()
    assert html.ENTRY in modules and "chart.js" in modules and "frames.js" in modules
    assert "pick.js" not in modules  # the student's map is not part of the chart
    imported = {html.ENTRY}
    for name, source in modules.items():
        for specifier in SPECIFIER.findall(source):
            assert specifier.startswith(html.PREFIX), (name, specifier)  # none left to resolve
            imported.add(specifier.removeprefix(html.PREFIX))
    assert imported == set(modules)  # each one imported, none missing


def test_the_import_map_holds_each_source_as_written() -> None:
    modules = chart_modules()
    imports = import_map(modules)["imports"]
    assert set(imports) == {html.PREFIX + name for name in modules}
    for name, source in modules.items():
        head, body = imports[html.PREFIX + name].split(",", 1)
        assert head == "data:text/javascript;base64"
        assert base64.b64decode(body).decode("utf-8") == source


def test_only_the_relative_imports_are_renamed() -> None:
    source = html.CHART_DIR.joinpath("chart.js").read_text(encoding="utf-8")
    rewritten = chart_modules("chart.js")["chart.js"]
    assert rewritten.replace('"optiviz/', '"./') == source
    assert 'from "optiviz/family.js";' in rewritten and 'from "./' not in rewritten


def test_a_slider_is_cut_to_the_stops_its_families_hold() -> None:
    cut = offline_slider(_slider(1, 4))
    assert cut["stops"] == [0.2, 0.5, 1.0, 2.0] and cut["texts"] == ["0.2", "0.5", "1", "2"]
    assert cut["index"] == 2 and cut["first"] == 0 and cut["count"] == 4
    assert cut["strip"] == [[1, 0.0]] * 4
    assert cut["marks"] == [{"label": "good", "index": 0}, {"label": "too large", "index": 3}]
    assert cut["help"].startswith("How far each step goes. ") and "from 0.2 to 2" in cut["help"]


@pytest.mark.parametrize("slider", [_slider(0, 0, 0), _slider(2, 1), _slider(0, 4, 0)])
def test_a_slider_whose_families_hold_under_two_stops_is_left_out(slider) -> None:
    assert offline_slider(slider) is None


def test_the_page_is_self_contained_and_saves_the_data_as_sent() -> None:
    data = _chart()
    data["figure"]["data"][0]["name"] = "a </script><!-- run"
    page = chart_html(data, config={"displaylogo": False}, title="Saved <view>")
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing loaded from elsewhere
    assert "<title>Saved &lt;view&gt;</title>" in page
    assert page.count("</script>") == page.count("<script")  # the name ended nothing early
    imports, saved, module = _page_parts(page)
    assert saved == html.saved_data(data, {"displaylogo": False})
    assert saved["figure"] == data["figure"] and saved["present"] is False
    assert [s["stops"] for s in saved["sliders"]] == [[0.2, 0.5, 1.0, 2.0]]
    assert (
        module == f'import "{html.PREFIX}{html.ENTRY}";'
        and module.split('"')[1] in imports["imports"]
    )
    assert "Plotly" in page[: page.index('<script type="importmap">')]  # plotly.js first
    assert "α move over the stops this file holds." in page


def test_the_page_names_no_slider_it_left_out() -> None:
    page = chart_html({**_chart(), "sliders": [_slider(0, 0, 0)]}, config={})
    assert _page_parts(page)[1]["sliders"] == [] and "move over the stops" not in page


def test_the_page_refuses_data_it_cannot_draw() -> None:
    with pytest.raises(ValueError, match="no animated figure"):
        chart_html({"figure": {"data": []}, "animation": {}}, config={})
    with pytest.raises(ValueError, match="strict JSON"):
        chart_html({**_chart(), "notes": [float("nan")]}, config={})
