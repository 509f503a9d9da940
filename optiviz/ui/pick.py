"""The student's map: a static Plotly graph (no hover, no zoom, no drag) that reports the
data coordinates of a tap or a click, ``setTriggerValue("pick", {x, y})``.

A pointer event is used rather than Plotly's own click: a finger's tap on a Plotly graph
shows its hover label but selects nothing, while ``pointerup`` comes the same from a
mouse, a pen and a finger. plotly.js is the one the chart component serves.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from optiviz.ui import chart_component, state

NAME = "optiviz_pick"
JS = """
const TAP_PX = 10; // a pointer that moved further between press and release scrolled
function pageUrl(path) {
  return new URL(path.replace(/^\\//, ""), new URL(".", window.location.href)).href;
}
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__optivizPlotly) {
    window.__optivizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = pageUrl(url);
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__optivizPlotly = null; reject(new Error("no plotly.js")); };
      document.head.appendChild(script);
    });
  }
  return window.__optivizPlotly;
}
function toData(gd, event) {
  // The map's data coordinates under the pointer (linear axes), or null outside its plot.
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  const px = event.clientX - box.left - xa._offset, py = event.clientY - box.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  const [x0, x1] = xa.range, [y0, y1] = ya.range;
  return { x: x0 + (px / xa._length) * (x1 - x0), y: y1 - (py / ya._length) * (y1 - y0) };
}
export default function ({ data, parentElement, setTriggerValue }) {
  let gd = parentElement.querySelector(":scope > .optiviz-pick");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optiviz-pick";
    gd.style.touchAction = "manipulation";
    parentElement.appendChild(gd);
  }
  gd.__send = setTriggerValue;
  const { figure } = data;
  if (data.aspect) {
    // One unit as long on both axes: the map's height from the width it gets, at most its own.
    const m = figure.layout.margin, width = parentElement.clientWidth || 360;
    const fit = (width - m.l - m.r) * data.aspect + m.t + m.b;
    figure.layout.height = Math.min(figure.layout.height, Math.round(fit));
  }
  for (const image of figure.layout.images || []) {
    if (image.source.startsWith("/")) image.source = pageUrl(image.source);
  }
  loadPlotly(data.plotly).then((Plotly) => {
    Plotly.react(gd, figure.data, figure.layout, { staticPlot: true, responsive: true });
    if (gd.__listening) return;
    gd.__listening = true;
    let down = null;
    gd.addEventListener("pointerdown", (e) => (down = [e.clientX, e.clientY]));
    gd.addEventListener("pointerup", (e) => {
      if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > TAP_PX) return;
      const point = toData(gd, e);
      if (point) gd.__send("pick", point);
    });
  });
}
"""


def pick_map(
    figure: dict, *, key: str, on_pick: Callable[[], None], aspect: float | None = None
) -> None:
    """Draw ``figure`` (a map from ``optiviz.figures.answers``) under ``key``; ``on_pick``
    runs when the student taps it (read the point with ``picked(key)``). ``aspect``
    (height / width of the plot, for a map at one scale on both axes) fits the graph's
    height to the width the page gives it, so a phone shows no empty bands."""
    data = {"figure": figure, "plotly": chart_component.plotly_url(), "aspect": aspect}
    chart_component.check_json(data)
    chart_component._ensure_assets()  # serves plotly.js at chart_component.plotly_url()
    mount = st.components.v2.component(NAME, js=JS, isolate_styles=False)
    mount(key=key, data=data, on_pick_change=on_pick)


def picked(key: str) -> dict | None:
    """The point ``{"x", "y"}`` just tapped on the map ``key``, or None."""
    value = state.get(key)
    point = value.get("pick") if value else None
    return point if isinstance(point, dict) else None
