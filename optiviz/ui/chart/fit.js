// The top view's size on the page: its height fitted to the window, layout containment,
// the annotations fitted to their gaps, and a new surface's axis ranges kept.

import { drawnHeight, drawnRange } from "./plotly_adapter.js";

export function contain(gd, layout) {
  // The top view's graph is the figure's size, so the browser lays it out apart from the
  // page: Plotly measures text while it draws, and each measurement would otherwise lay
  // out Streamlit's whole page again (about 10 % of a move, measured with bench_keypress).
  // The 3-D view is left as it is: its scene's tick labels may reach past the graph.
  gd.style.cssText = layout ? `contain:strict;width:100%;height:${layout.height}px` : "";
}

// The top view's height: the window's -------------------------------------------------

const FIT_MIN_PX = 300; // the top view is never shorter than this,

const FIT_MIN_SHARE = 0.6; // nor than this share of the figure's own height

const PRESENT_MAX_PX = 1000; // the tallest top view in presenter mode

const PRESENT_MIN_PX = 260; // and the shortest: Play, α and the verdicts share a 720 px screen

const FIT_SLACK_PX = 8;

function pageTop(node) {
  // The node's top on the page, as if no ancestor were scrolled.
  let top = node.getBoundingClientRect().top + window.scrollY;
  for (let n = node.parentElement; n; n = n.parentElement) top += n.scrollTop;
  return top;
}

function belowHeight(gd, present) {
  // What must show under the graph on the first screen: the controls and the sliders, and
  // in presenter mode the verdict lines and their hint too.
  const parent = gd.parentElement;
  const last =
    (present && parent.querySelector(":scope > .optiviz-notes .optiviz-verdicts")) ||
    parent.querySelector(":scope > .optiviz-sliders") ||
    parent.querySelector(":scope > .optiviz-controls");
  return last ? last.getBoundingClientRect().bottom - gd.getBoundingClientRect().bottom : 0;
}

export function fitHeight(gd, state) {
  // The window's height under the graph's top, less what must show below it, between
  // FIT_MIN_PX (or FIT_MIN_SHARE of the figure's height) and the figure's own height (PRESENT_MAX_PX in presenter mode): Play (and,
  // presenting, the verdicts) on the first screen. Phones keep the figure's height.
  if (state.narrow) return state.height; // a phone scrolls: the stacked figure keeps its height
  const room = window.innerHeight - pageTop(gd) - belowHeight(gd, state.present) - FIT_SLACK_PX;
  const most = state.present ? Math.max(state.height, PRESENT_MAX_PX) : state.height;
  const least = state.present ? PRESENT_MIN_PX : Math.max(FIT_MIN_PX, FIT_MIN_SHARE * state.height);
  return Math.round(Math.min(most, Math.max(least, room)));
}

export function refit(gd, state) {
  // A resized window: the top view takes its new height.
  if (state.kind !== "map" || drawnHeight(gd) === null) return;
  const height = fitHeight(gd, state);
  if (height === drawnHeight(gd)) return;
  gd.style.height = `${height}px`;
  const notes = state.annotations;
  const fitted = notes ? { annotations: gapFitted({ ...gd.layout, height }, notes) } : {};
  window.Plotly.relayout(gd, { height, ...fitted });
}

const NOTE_LINE = 1.4; // an annotation's box height per px of its type (one line, Plotly's pad)

const NOTE_MIN_PX = 9;

export function gapFitted(layout, annotations) {
  // The annotations that sit in the gap above a panel (yref "yN domain", y = 1, anchored
  // at their bottom, as the α_t panel's "rate key") with their type made no larger than
  // that gap holds at the layout's height, so they never reach the panel above.
  const margin = layout.margin || {};
  const plot = layout.height - (margin.t || 0) - (margin.b || 0);
  return annotations.map((a) => {
    const axis = /^(y\d*) domain$/.exec(a.yref || "");
    if (!axis || a.y !== 1 || a.yanchor !== "bottom" || !(a.font && a.font.size)) return a;
    const name = `yaxis${axis[1].slice(1)}`;
    const top = layout[name] && layout[name].domain ? layout[name].domain[1] : null;
    if (top === null) return a;
    const above = Object.entries(layout)
      .filter(([k, v]) => /^yaxis\d*$/.test(k) && k !== name && v && v.domain)
      .filter(([, v]) => v.domain[0] >= top)
      .map(([, v]) => v.domain[0]);
    if (!above.length) return a;
    const room = (Math.min(...above) - top) * plot;
    const size = Math.max(NOTE_MIN_PX, Math.min(a.font.size, Math.floor(room / NOTE_LINE)));
    return size === a.font.size ? a : { ...a, font: { ...a.font, size } };
  });
}

export function mapRanges(layout) {
  // The map's x and y ranges as sent, copied: Plotly.react writes into the layout it is given.
  const out = {};
  for (const key of ["xaxis", "yaxis"]) {
    const range = layout[key] && layout[key].range;
    if (range) out[`${key}.range`] = range.slice();
  }
  return out;
}

export async function keepRanges(gd, ranges) {
  // A new surface's map shows its own box: Plotly.react (plotly.js 3) keeps the old x
  // range of axes tied by scaleanchor with constrain "domain", so the staircase's x axis
  // stayed on the typed formula's map. Only on a new uirevision: a zoom stays across moves.
  const drawn = (key) => drawnRange(gd, key.split(".")[0]);
  const stale = Object.keys(ranges).some((key) => {
    const [got, want] = [drawn(key), ranges[key]];
    return got[0] !== want[0] || got[1] !== want[1];
  });
  if (stale) await window.Plotly.relayout(gd, ranges);
}
