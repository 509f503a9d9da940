// plotly.js, loaded once per page from the URL the server gives (the chart and the
// student's map share it: window.__optivizPlotly), and page-relative URLs.

export function pageUrl(path) {
  // Media URLs are absolute paths on the server; the app may live under a base path.
  return new URL(path.replace(/^\//, ""), new URL(".", window.location.href)).href;
}

export function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__optivizPlotly) {
    window.__optivizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = pageUrl(url);
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
