// A Plotly figure as the server built it (data, layout, frames), drawn with the page's own
// plotly.js: the one loader.js loads once per page for the chart, the student's map and the
// page's preload. Streamlit's own Plotly element would first download and parse a second
// plotly.js, its PlotlyChart bundle, once the page's run has sent the figure. Frames
// animate as in st.plotly_chart (Play, Pause and the step slider of the figure's layout).
// A figure sent with `clicks` reports plotly_click's first point, setTriggerValue("click",
// clickedPoint(event)): the figure.py side's on_click.

import { loadPlotly, payload } from "./loader.js";
import { themed } from "./theme.js";

// What st.plotly_chart's Streamlit theme gives a figure and the figure does not set
// itself: a bold title flush left, axis titles clear of their ticks at Streamlit's sizes
// (measured in Chromium on st.plotly_chart: 15.75 px tick labels, 18.375 px axis titles),
// no vertical grid lines, margins that grow to fit. A template, so the figure's own
// layout wins; the colours are the page's (theme.js).
// In a window narrower than NARROW_PX (a phone: Streamlit stacks its columns there),
// plotly.js's own 12 px type, so that ticks stay upright and one panel's labels do not
// run into the next one's, and a legend at the figure's foot (one the figure does not
// place itself; plotly.js makes room for it under the axis title), where one at the right
// would take a third of the width from the data.
const TYPE = { wide: [15.75, 18.375], narrow: [12, 14] };
const NARROW_PX = 640;
const LEGEND_UNDER = {
  orientation: "h",
  x: 0,
  xanchor: "left",
  yref: "container",
  y: 0,
  yanchor: "bottom",
};

export function look(width) {
  const narrow = width > 0 && width < NARROW_PX;
  const [tick, title] = TYPE[narrow ? "narrow" : "wide"];
  return {
    ...(narrow ? { legend: LEGEND_UNDER } : {}),
    title: { x: 0, xanchor: "left", pad: { l: 4 }, font: { size: 16, weight: 700 } },
    xaxis: {
      automargin: true,
      showgrid: false,
      tickfont: { size: tick },
      title: { font: { size: title }, standoff: 24 },
    },
    yaxis: {
      automargin: true,
      tickfont: { size: tick },
      title: { font: { size: title }, standoff: 32 },
    },
  };
}

function plainValue(value) {
  // A typed array (plotly.js decodes plotly.py's base64 arrays into them), or a row of
  // one, as a JSON list; anything else as it is.
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

export function clickedPoint(event) {
  // plotly_click's first point as JSON: its trace's number and name, its index (a
  // heatmap's [row, column]), x, y and customdata; null for a click that picked none.
  const point = event && event.points && event.points[0];
  if (!point) return null;
  return {
    curveNumber: point.curveNumber,
    name: point.data ? point.data.name : undefined,
    pointNumber: plainValue(point.pointNumber),
    pointIndex: plainValue(point.pointIndex),
    x: plainValue(point.x),
    y: plainValue(point.y),
    customdata: plainValue(point.customdata),
  };
}

function container(parentElement) {
  let gd = parentElement.querySelector(":scope > .optiviz-figure");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optiviz-figure";
    gd.style.width = "100%";
    parentElement.appendChild(gd);
  }
  return gd;
}

export default function ({ data: sent, parentElement, setTriggerValue }) {
  const { figure, config, clicks } = payload(sent);
  const gd = container(parentElement);
  gd.__send = clicks ? setTriggerValue : null;
  const template = { layout: look(window.innerWidth) };
  const layout = { template, ...themed(figure.layout, parentElement) };
  loadPlotly().then((Plotly) =>
    Plotly.react(gd, {
      data: figure.data,
      layout,
      frames: figure.frames,
      config: { responsive: true, ...config },
    }).then(() => {
      if (gd.__listening) return;
      gd.__listening = true;
      gd.on("plotly_click", (event) => {
        const point = clickedPoint(event);
        if (point && gd.__send) gd.__send("click", point);
      });
    }),
  );
}
