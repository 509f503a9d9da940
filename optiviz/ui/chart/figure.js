// A Plotly figure as the server built it (data, layout, frames), drawn with the page's own
// plotly.js: the one loader.js loads once per page for the chart, the student's map and the
// page's preload. Streamlit's own Plotly element would first download and parse a second
// plotly.js, its PlotlyChart bundle, once the page's run has sent the figure. Frames
// animate as in st.plotly_chart (Play, Pause and the step slider of the figure's layout).

import { loadPlotly, payload } from "./loader.js";
import { themed } from "./theme.js";

// What st.plotly_chart's Streamlit theme gives a figure and the figure does not set
// itself: a bold title flush left, axis titles clear of their ticks at Streamlit's sizes
// (measured in Chromium on st.plotly_chart: 15.75 px tick labels, 18.375 px axis titles),
// no vertical grid lines, margins that grow to fit. A template, so the figure's own
// layout wins; the colours are the page's (theme.js).
const TICK_PX = 15.75;
const AXIS_TITLE_PX = 18.375;
const LOOK = {
  title: { x: 0, xanchor: "left", pad: { l: 4 }, font: { size: 16, weight: 700 } },
  xaxis: {
    automargin: true,
    showgrid: false,
    tickfont: { size: TICK_PX },
    title: { font: { size: AXIS_TITLE_PX }, standoff: 24 },
  },
  yaxis: {
    automargin: true,
    tickfont: { size: TICK_PX },
    title: { font: { size: AXIS_TITLE_PX }, standoff: 32 },
  },
};

export default function ({ data: sent, parentElement }) {
  const { figure, config } = payload(sent);
  let gd = parentElement.querySelector(":scope > .optiviz-figure");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optiviz-figure";
    gd.style.width = "100%";
    parentElement.appendChild(gd);
  }
  const layout = { template: { layout: LOOK }, ...themed(figure.layout, parentElement) };
  loadPlotly().then((Plotly) =>
    Plotly.react(gd, {
      data: figure.data,
      layout,
      frames: figure.frames,
      config: { responsive: true, ...config },
    }),
  );
}
