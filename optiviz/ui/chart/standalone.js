// The HTML download's entry (optiviz/figures/html.py writes the page): the app's own chart
// (chart.js) drawn from the chart data saved in the page, with no server behind it.
//
// The page holds plotly.js, every module as a data: URL named in its import map, and the
// data (the same optiviz.figures.chart_data.map_chart dict the app's chart gets) in a JSON
// script. Play, the step slider, hiding a run and the α and k sliders over the stops their
// families hold all work as in the app; a click on the map or a slider's release would ask
// the server for a new view, and here asks nothing.

import render from "./chart.js";

const DATA_ID = "optiviz-data"; // the JSON script that holds the chart's data
const CHART_ID = "optiviz-page-chart"; // the element the chart draws into

render({
  data: JSON.parse(document.getElementById(DATA_ID).textContent),
  parentElement: document.getElementById(CHART_ID),
  setTriggerValue: () => {},
});
