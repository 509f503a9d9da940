// Streamlit's theme and presenter mode applied to a figure: colours from Streamlit's CSS
// variables, outlines that contrast with the page, presenter mode's type and lines, and
// the stacked layout of a narrow window.

export function themed(layout, element) {
  // Streamlit's Plotly theme does not reach a component: take its colours from CSS and
  // style the axes as it does (horizontal grid lines only, no zero lines).
  const css = getComputedStyle(element);
  const text = css.getPropertyValue("--st-text-color").trim();
  const grid = "rgba(128,128,128,0.22)";
  const out = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", ...layout };
  if (text) out.font = { color: text, ...(layout.font || {}) };
  for (const [key, axis] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key)) {
      out[key] = { zeroline: false, gridcolor: grid, showgrid: key[0] === "y", ...axis };
    }
  }
  if (layout.scene) {
    out.scene = { ...layout.scene };
    for (const key of ["xaxis", "yaxis", "zaxis"]) {
      out.scene[key] = { gridcolor: grid, ...(layout.scene[key] || {}) };
    }
  }
  return out;
}

export function isDark(element) {
  // Streamlit's page background, from its CSS variable: dark when its luminance is low.
  const css = getComputedStyle(element).getPropertyValue("--st-background-color").trim();
  const probe = document.createElement("canvas").getContext("2d");
  if (!css || !probe) return false;
  probe.fillStyle = css;
  const hex = probe.fillStyle.match(/^#(..)(..)(..)$/);
  if (!hex) return false;
  const [r, g, b] = hex.slice(1).map((h) => parseInt(h, 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

export function outlined(data, colours, dark) {
  // Path outlines and ball rims in the colour that contrasts with the theme's page (a
  // ball's rim colours are an array: the ball's, then its trail's clear ones).
  const colour = colours && colours[dark ? "dark" : "light"];
  if (!colour) return data;
  const swap = (c) => (c === colours.light ? colour : c);
  return data.map((trace) => {
    if (trace.meta === "outline") return { ...trace, line: { ...trace.line, color: colour } };
    if (trace.meta === "ball") {
      const rim = trace.marker.line.color;
      const color = Array.isArray(rim) ? rim.map(swap) : swap(rim);
      return { ...trace, marker: { ...trace.marker, line: { ...trace.marker.line, color } } };
    }
    return trace;
  });
}

const PRESENT_LINE_SCALE = 1.5; // lines in presenter mode, as the page's CSS does elsewhere

export function presented(data, payload) {
  // Thicker lines in presenter mode (?present=1).
  if (!payload.present) return data;
  return data.map((trace) =>
    trace.line && trace.line.width
      ? { ...trace, line: { ...trace.line, width: trace.line.width * PRESENT_LINE_SCALE } }
      : trace,
  );
}

const PRESENT_FONT_PX = 18; // tick labels in presenter mode; Plotly's titles are 1.2 times

export function isNarrow(data) {
  // A phone held upright: the window is narrower than the figure's narrow_px.
  return Boolean(data.narrow) && window.innerWidth < data.narrow_px;
}

export function narrowed(layout, data) {
  // On a narrow window the top view takes the stacked layout Python sent (data.narrow):
  // the map on top, the panels under it, each the full width.
  if (!isNarrow(data)) return layout;
  const out = { ...layout, height: data.narrow.height };
  for (const [name, update] of Object.entries(data.narrow)) {
    if (name !== "height") out[name] = { ...(layout[name] || {}), ...update };
  }
  return out;
}

export function presentedLayout(layout, present) {
  // Presenter mode's type (?present=1): PRESENT_FONT_PX for the tick labels and the
  // legend, the axis titles 1.2 times that, the annotations' type and the margins that
  // hold them as much larger.
  if (!present) return layout;
  const scale = PRESENT_FONT_PX / ((layout.font && layout.font.size) || PRESENT_FONT_PX);
  const out = { ...layout, font: { ...(layout.font || {}), size: PRESENT_FONT_PX } };
  if (layout.margin) {
    const { l, t, b } = layout.margin;
    const grown = (v) => (v === undefined ? v : Math.round(v * scale));
    out.margin = { ...layout.margin, l: grown(l), t: grown(t), b: grown(b) };
  }
  if (layout.legend) {
    out.legend = { ...layout.legend, font: { ...(layout.legend.font || {}), size: PRESENT_FONT_PX } };
  }
  if (layout.annotations) {
    // Notes such as the α_t panel's "rate key", as much larger as the tick labels.
    const larger = (font) => ({ ...font, size: Math.round(font.size * scale) });
    out.annotations = layout.annotations.map((a) =>
      a.font && a.font.size ? { ...a, font: larger(a.font) } : a,
    );
  }
  return out;
}

export const NORMAL_TYPE = { size: "0.875rem", readoutLine: 1.4, notesLine: 1.6, gap: "0.5rem" };

export const PRESENT_TYPE = { size: "1.05rem", readoutLine: 1.25, notesLine: 1.35, gap: "0.25rem" };
// The readout's and the verdicts' type: in presenter mode 22 px at its 21 px root, and
// tighter lines, so the map, Play and the verdicts fit one projected screen.
