"""What a teacher clicks, one function each: sidebar pickers, the chart's controls, the
map, the lab's landscape, lesson buttons and downloads. Each returns a short description
of what it did, for the walk's log; ``RERUNS`` names the clicks that rerun the app."""

from __future__ import annotations

import random
import re

from optiviz.core import surfaces
from tests.support import browser

ALREADY = "already"
"""How a click's description starts when the option was already chosen (nothing done)."""
CUSTOM_LABEL = "✏️ Type your own formula"
PICTURES = ("Top view + loss + α_t", "3-D view")
LAB_PICTURES = ("Map", "3-D landscape")
MODES = ("Compare learning rates", "Compare optimizers", "Single run", "Many seeds (noise)")
FORMULAS = ("x^2 + 10*y^2", "(1-x)^2 + 100*(y-x^2)^2", "x^2 + 5*y^2 + sin(3*x)", "x^4 - x^2 + y^2")


def surface_label(name: str) -> str:
    """The "Loss surface" option of a registry name (or 'custom'), as the page spells it."""
    if name == "custom":
        return CUSTOM_LABEL
    s = surfaces.get(name)
    return _spaces(f"{s.dim}-D · {s.label}")


def surface_order() -> list[str]:
    """The "Loss surface" options in the select box's order: 1-D first, then 'custom'."""
    return [*sorted(surfaces.names(), key=lambda n: surfaces.get(n).dim), "custom"]


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _exactly(text: str) -> re.Pattern:
    return re.compile(f"^{re.escape(text)}$")


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def choose(page, label: str, option: str) -> str:
    """Pick ``option`` in the select box ``label`` (a react-aria combobox)."""
    box = page.get_by_role("combobox", name=label)
    if _spaces(box.input_value()) == _spaces(option):
        return f"{ALREADY} {label} = {option}"
    listbox = page.get_by_role("listbox")
    for _ in range(3):
        box.click()
        try:
            listbox.wait_for(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - a click that closed it; try again
            page.keyboard.press("Escape")
    for item in listbox.get_by_role("option").all():
        if _spaces(item.inner_text()) == _spaces(option):
            item.click()
            return f"{label} → {option}"
    page.keyboard.press("Escape")
    raise LookupError(f"no option {option!r} in {label!r}")


def radio(page, group: str, option: str) -> str:
    """Click ``option`` of the sidebar radio group whose label is ``group``."""
    box = _sidebar(page).locator('[data-testid="stRadio"]').filter(has_text=group).first
    choice = box.locator("label").filter(has_text=_exactly(option)).first
    if choice.locator("input").is_checked():
        return f"{ALREADY} {group} = {option}"
    choice.click()
    return f"{group} → {option}"


def segment(page, option: str) -> str:
    """Click ``option`` of a segmented control (the picture choices)."""
    group = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]')
    button = group.locator('button[role="radio"]').filter(has_text=_exactly(option)).first
    if not button.count():
        return f"{ALREADY} shown: no picture control here (a 1-D or data surface)"
    if button.get_attribute("aria-checked") == "true":
        return f"{ALREADY} picture = {option}"
    button.click()
    return f"picture → {option}"


def type_formula(page, formula: str) -> str:
    """Type ``formula`` into "Your loss f(x, y)" and press Enter."""
    box = page.get_by_role("textbox", name="Your loss f(x, y)")
    box.fill(formula)
    box.press("Enter")
    return f"formula → {formula}"


def press(page, slider: str, key: str, times: int) -> str:
    """Press ``key`` ``times`` times on the sidebar slider ``slider``."""
    thumb = page.get_by_role("slider", name=slider)
    for _ in range(times):
        thumb.press(key)
    return f"{slider}: {key} ×{times}"


def chart_button(page, selector: str, name: str) -> str:
    """Click a button of the top view's own bar (Play, Pause, a speed)."""
    page.locator(selector).first.click()
    page.wait_for_timeout(400)
    return name


def speed(page, rng: random.Random) -> str:
    """Click one of the speed buttons under the top view."""
    buttons = page.locator(".optiviz-speed button").all()
    button = rng.choice(buttons)
    text = button.inner_text()
    button.click()
    return f"speed {text}"


def verdict(page, rng: random.Random) -> str:
    """Click one run's verdict line (which hides or shows the run)."""
    rows = page.locator(".optiviz-verdict").all()
    i = rng.randrange(len(rows))
    text = rows[i].inner_text()
    rows[i].click()
    browser.settle(page)
    return f"verdict #{i} ({text.split(':')[0].lstrip('● ')})"


PLOT_AREA_JS = """() => {
  const gd = document.querySelector('.optiviz-chart');
  gd.scrollIntoView({block: 'center'});
  const r = gd.getBoundingClientRect(), x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  return {left: r.left + x._offset, top: r.top + y._offset, width: x._length,
          height: y._length, x: x.range, y: y.range};
}"""


def map_point(page, rng: random.Random) -> str:
    """Click a random point inside the top view's plot area (it sets the start)."""
    area = page.evaluate(PLOT_AREA_JS)
    fx, fy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    page.mouse.click(area["left"] + fx * area["width"], area["top"] + fy * area["height"])
    x = area["x"][0] + fx * (area["x"][1] - area["x"][0])
    y = area["y"][1] - fy * (area["y"][1] - area["y"][0])
    return f"map click at ({x:.3g}, {y:.3g})"


LAB_POINTS_JS = """(name) => {
  const gd = document.querySelector('.st-key-landscape_chart .js-plotly-plot');
  if (!gd) return [];
  gd.scrollIntoView({block: 'center'});
  const r = gd.getBoundingClientRect(), L = gd._fullLayout;
  const trace = (gd._fullData || []).find(d => d.name === name);
  if (!trace || !trace.x) return [];
  const xa = L[(trace.xaxis || 'x').replace('x', 'xaxis')], ya = L[(trace.yaxis || 'y')
    .replace('y', 'yaxis')];
  return Array.from(trace.x).map((x, i) => [r.left + xa._offset + xa.c2p(x),
    r.top + ya._offset + ya.c2p(trace.y[i]), 10 ** x, 10 ** trace.y[i]]);
}"""
"""The page coordinates (and α, k) of each point of the lab map's trace ``name``."""


def lab_point(page, rng: random.Random, trace: str) -> str:
    """Click one point of the lab map's trace: "cells", "trials" or the best star."""
    try:
        handle = page.wait_for_function(
            f"(name) => {{ const p = ({LAB_POINTS_JS})(name); return p.length ? p : null; }}",
            arg=trace,
        )
    except Exception as exc:
        raise LookupError(f"the lab map shows no trace {trace!r}") from exc
    points = handle.json_value()
    x, y, alpha, k = rng.choice(points)
    page.mouse.click(x, y)
    return f"lab {trace} click at α={alpha:.3g}, k={k:.3g}"


def best_trace(page) -> str:
    """The name of the lab map's best-trial star (its name names the strategy)."""
    page.wait_for_selector(".st-key-landscape_chart .js-plotly-plot .main-svg")
    return page.evaluate(
        """() => { const gd = document.querySelector('.st-key-landscape_chart .js-plotly-plot');
        const t = gd && (gd._fullData || []).find(d => d.marker && d.marker.symbol === 'star');
        return t ? t.name : ''; }"""
    )


def button(page, pattern: str, rng: random.Random | None = None) -> str:
    """Click a button whose text matches ``pattern`` (a random one of several)."""
    buttons = page.get_by_role("button", name=re.compile(pattern)).all()
    if not buttons:
        raise LookupError(f"no button matches {pattern!r}")
    chosen = rng.choice(buttons) if rng else buttons[0]
    text = chosen.inner_text()
    chosen.click()
    return f"button '{text}'"


def download(page, name: str) -> tuple[str, str]:
    """Click a download button; returns the description and the file's text."""
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    path = info.value.path()
    return f"download '{name}'", open(path, encoding="utf-8").read()
