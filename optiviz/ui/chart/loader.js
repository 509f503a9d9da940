// The components' payload as the server sends it (payload), and plotly.js, loaded once
// per page (the chart, the student's map and the page's preload
// share it: window.__optivizPlotly) from the component's own assets: vendor/plotly.min.js,
// beside this module, so its URL follows this module's (any base path, no server-given URL).
//
// This module is also a component of its own (optiviz.preload, app.py's first element):
// mounted before the server imports JAX and the app, it starts the download and parse of
// plotly.js then, and imports the chart's own modules (three rounds of fetches, one per
// level of their imports), so the chart, whose element comes once the page's run has
// computed it, finds both loaded. It draws nothing and takes no room on the page.

export const PLOTLY = "./vendor/plotly.min.js";
export const CHART = "../optiviz.chart/chart.js";
// The chart component's module, at the URL Streamlit serves it from (each component's
// assets under /_stcore/bidi-components/<name>/, and the preload is optiviz.preload): the
// browser evaluates a module once per URL, so the chart's own import finds this one.

export function payload(data) {
  // The server sends the chart its payload as the UTF-8 bytes of its JSON (``encoded`` in
  // optiviz/ui/chart_component.py: Streamlit then serialises nothing again), and the other
  // components theirs as a one-element list (``sent``: Streamlit scans a dict's values
  // for data frames, which imports pandas); the HTML download and the tests pass the
  // payload itself.
  if (data instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(data));
  return Array.isArray(data) ? data[0] : data;
}

export function pageUrl(path) {
  // Media URLs are absolute paths on the server; the app may live under a base path.
  return new URL(path.replace(/^\//, ""), new URL(".", window.location.href)).href;
}

export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__optivizPlotly) {
    window.__optivizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(PLOTLY, import.meta.url).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__optivizPlotly = null;
        reject(new Error("plotly.js could not be loaded"));
      };
      document.head.appendChild(script);
    });
  }
  return window.__optivizPlotly;
}

export default function preload({ parentElement }) {
  // Streamlit's element box around this empty component would still add a row gap.
  const box = parentElement.closest('[data-testid="stElementContainer"]');
  if (box) box.style.display = "none";
  loadPlotly().catch(() => {}); // a chart that asks again reports a failed load
  import(new URL(CHART, import.meta.url).href).catch(() => {}); // the chart's import retries
}
