// The student's map: a static Plotly graph (no hover, no zoom, no drag) that reports the
// data coordinates of a tap or a click, setTriggerValue("pick", {x, y}).
//
// A pointer event is used rather than Plotly's own click: a finger's tap on a Plotly graph
// shows its hover label but selects nothing, while pointerup comes the same from a mouse,
// a pen and a finger. plotly.js is the one the chart serves (loader.js), and the point
// under the pointer is read by plotly_adapter.mapPoint, as the chart's own click is.

import { loadPlotly, pageUrl, payload } from "./loader.js";
import { mapPoint } from "./plotly_adapter.js";

const TAP_PX = 10; // a pointer that moved further between press and release scrolled

export default function ({ data: sent, parentElement, setTriggerValue }) {
  const data = payload(sent);
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
    const m = figure.layout.margin;
    const width = parentElement.clientWidth || 360;
    const fit = (width - m.l - m.r) * data.aspect + m.t + m.b;
    figure.layout.height = Math.min(figure.layout.height, Math.round(fit));
  }
  for (const image of figure.layout.images || []) {
    if (image.source.startsWith("/")) image.source = pageUrl(image.source);
  }
  loadPlotly().then((Plotly) => {
    Plotly.react(gd, figure.data, figure.layout, { staticPlot: true, responsive: true });
    if (gd.__listening) return;
    gd.__listening = true;
    let down = null;
    gd.addEventListener("pointerdown", (e) => (down = [e.clientX, e.clientY]));
    gd.addEventListener("pointerup", (e) => {
      if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > TAP_PX) return;
      const point = mapPoint(gd, e);
      if (point) gd.__send("pick", point);
    });
  });
}
