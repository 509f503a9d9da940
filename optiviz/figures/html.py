"""Self-contained HTML pages: the app's chart saved with its data, and a figure as Plotly
exports it.

``chart_html`` is the explore page's download: the chart's own ES modules
(``optiviz/ui/chart/``, entry ``standalone.js``) run on the chart's data, so the saved
page draws its frames, readout, controls, verdicts and sliders as the app does, with
nothing built twice. plotly.js, the modules (as ``data:`` URLs in an import map) and the
data are inline: the file works offline. ``figure_html`` saves a figure without frames
(the fit view's).
"""

from __future__ import annotations

import base64
import html
import json
import re
from importlib import resources

import plotly.io as pio
import plotly.offline

from optiviz.figures import style

CHART_DIR = resources.files("optiviz").joinpath("ui", "chart")
"""The chart component's asset directory: its ES modules."""

ENTRY = "standalone.js"
"""The saved page's module: the chart drawn from the data in the page."""

PREFIX = "optiviz/"
"""The bare name a module goes by in the page's import map: ``optiviz/<file>``. A module
loaded from a ``data:`` URL has no folder to resolve ``./x.js`` against, so each relative
import is rewritten to this name, which the import map resolves."""

RELATIVE = re.compile(r"""(\b(?:from|import)\s*\(?\s*)(["'])\./([\w.-]+\.js)\2""")
"""A static, re-exporting or dynamic import of a sibling module: ``from "./x.js"``."""

DATA_ID = "optiviz-data"
CHART_ID = "optiviz-page-chart"
"""The ids of the page's JSON data and of the chart's element (``standalone.js`` reads them)."""

NOTE = (
    "Saved from Optiviz. ▶ Play runs the steps, the step slider shows any one, and a click "
    "on a run's verdict under the chart hides or shows the run."
)
"""The line under the page's title."""

SLIDERS_NOTE = " {} move over the stops this file holds."
"""Added to ``NOTE`` where the page keeps sliders (``offline_slider``): their symbols."""


def chart_modules(entry: str = ENTRY) -> dict[str, str]:
    """The source of ``entry`` and of every module it imports, directly or not, by file
    name, each relative import ``"./x.js"`` written as ``"optiviz/x.js"`` (``PREFIX``).
    Raises FileNotFoundError for an import of a module that is not in ``CHART_DIR``."""
    out: dict[str, str] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in out:
            continue
        source = CHART_DIR.joinpath(name).read_text(encoding="utf-8")
        todo += [m.group(3) for m in RELATIVE.finditer(source)]
        out[name] = RELATIVE.sub(lambda m: f"{m[1]}{m[2]}{PREFIX}{m[3]}{m[2]}", source)
    return out


def import_map(modules: dict[str, str]) -> dict:
    """The page's import map: each module's bare name to a base64 ``data:`` URL of its
    source."""
    return {
        "imports": {
            PREFIX + name: "data:text/javascript;base64,"
            + base64.b64encode(source.encode("utf-8")).decode("ascii")
            for name, source in sorted(modules.items())
        }
    }


OFFLINE_HELP = "In this saved page it moves from {} to {}, the stops the page holds."


def offline_slider(slider: dict) -> dict | None:
    """A chart slider (``chart_sliders.slider_chart``) cut to the stops its families hold, its
    help saying so (``OFFLINE_HELP``), or None where they hold fewer than two: with no
    server to ask, a stop outside the families could never be drawn. Indices (the stop
    shown, the marks) move with the cut."""
    first, count = slider["first"], slider["count"]
    if count < 2 or not slider["families"]:
        return None
    cut = slice(first, first + count)
    texts = slider["texts"][cut]
    marks = [
        {**mark, "index": mark["index"] - first}
        for mark in slider["marks"]
        if first <= mark["index"] < first + count
    ]
    return {
        **slider,
        "stops": slider["stops"][cut],
        "texts": texts,
        "help": f"{slider['help']} {OFFLINE_HELP.format(texts[0], texts[-1])}",
        "strip": slider["strip"][cut],
        "index": slider["index"] - first,
        "marks": marks,
        "first": 0,
    }


def saved_data(data: dict, config: dict) -> dict:
    """The chart's ``data`` as the saved page draws it: its sliders cut to what their
    families hold (``offline_slider``), Plotly's ``config``, not in presenter mode."""
    sliders = [s for s in map(offline_slider, data.get("sliders", [])) if s is not None]
    return {**data, "sliders": sliders, "config": config, "present": False}


def _script_json(value) -> str:
    """``value`` as JSON that no ``</script>`` or ``<!--`` inside it can end early."""
    return json.dumps(value, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c")


def _theme_css() -> str:
    """Streamlit's colour variables, which the chart's modules read, from the app's light
    and dark themes (``style.THEMES``), the dark one where the reader's system prefers it."""

    def variables(theme: dict) -> str:
        return (
            f"--st-text-color:{theme['textColor']};"
            f"--st-background-color:{theme['backgroundColor']};"
            f"--st-secondary-background-color:{theme['secondaryBackgroundColor']};"
            f"--st-primary-color:{theme['primaryColor']};"
        )

    light, dark = style.THEMES["light"], style.THEMES["dark"]
    return (
        f":root{{{variables(light)}--st-base-radius:0.5rem;color-scheme:light dark}}"
        f"@media (prefers-color-scheme: dark){{:root{{{variables(dark)}}}}}"
        "body{margin:0;background:var(--st-background-color);color:var(--st-text-color);"
        f"font-family:{style.FONT['family']}}}"
        "main{max-width:1280px;margin:0 auto;padding:0.75rem 1.5rem}"
        "h1{font-size:1.5rem;margin:0.25rem 0}p{margin:0 0 0.75rem;font-size:0.875rem}"
    )


def chart_html(data: dict, *, config: dict, title: str = "Optiviz") -> str:
    """One HTML page that runs the app's chart offline on ``data`` (the top view's
    ``chart_data.map_chart`` dict with its ``sliders``), drawn with Plotly ``config``:
    plotly.js, the chart's modules (``chart_modules``, ``import_map``) and the data
    (``saved_data``) inline, under ``title`` and a line that says what works (``NOTE``).
    Raises ValueError for data with no figure, or not strict JSON."""
    if not data.get("figure", {}).get("data") or not data.get("animation"):
        raise ValueError("the chart's data has no animated figure to save")
    saved = saved_data(data, config)
    try:
        payload = _script_json(saved)
    except ValueError as error:
        raise ValueError(f"the chart's data is not strict JSON: {error}") from error
    symbols = " and ".join(slider["symbol"] for slider in saved["sliders"])
    note = NOTE + (SLIDERS_NOTE.format(symbols) if symbols else "")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_theme_css()}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n'
        f'<script type="importmap">{_script_json(import_map(chart_modules()))}</script>\n'
        f"</head>\n<body>\n<main>\n<h1>{html.escape(title)}</h1>\n"
        f"<p>{html.escape(note)}</p>\n"
        f'<div id="{CHART_ID}"></div>\n</main>\n'
        f'<script type="application/json" id="{DATA_ID}">{payload}</script>\n'
        f'<script type="module">import "{PREFIX}{ENTRY}";</script>\n'
        "</body>\n</html>\n"
    )


def figure_html(figure: dict, title: str = "Optiviz") -> str:
    """One HTML page with plotly.js inlined (Plotly's own export): it works offline, with
    any buttons and slider the figure has."""
    if not figure.get("data"):
        raise ValueError("the figure has no data to export")
    html_ = pio.to_html(
        figure, include_plotlyjs=True, full_html=True, auto_play=False, validate=False
    )
    return html_.replace("<head>", f"<head><title>{title}</title>", 1)
