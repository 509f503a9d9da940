// plotly.js, loaded once per page (the chart, the student's map and the page's preload
// share it: window.__optivizPlotly) from the component's own assets: vendor/plotly.min.js,
// beside this module, so its URL follows this module's (any base path, no server-given URL).

export const PLOTLY = "./vendor/plotly.min.js";

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
