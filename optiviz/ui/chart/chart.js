// Optiviz's chart: one Plotly graph div that lives across reruns and is updated in place.
//
// Streamlit calls the default export again, with the same parentElement, whenever the
// data changes. The data (optiviz/figures/chart_data.py) carries the static traces and
// layout, arrays as base64 typed-array specs; for the top view this file builds the
// animation frames from each run's arrays, and draws the per-step readout above the
// graph and the animation's controls (Play, Pause, the step slider, the speeds) under it
// as HTML: Plotly redraws its own 150-step slider on every Plotly.react, a third of a
// move's cost, and its text traces again on every frame. Under those it writes each
// run's verdict (on the top view, a click hides or shows the run: the legend) and "What
// one step does" (optiviz/figures/notes.py), so an α move's words and paths come in one
// message.
//
// The other modules, each one job, are ES modules served from the same asset directory
// (Streamlit's v2 loader imports this file by its URL, so relative imports resolve there):
// decode.js (typed arrays), family.js (a slider's family member swapped into the view),
// arrows.js ("Inside a step": the arrows at each ball and their key in the readout),
// slider.js (the α and k sliders and their verdict strips) and plotly_adapter.js (every
// read of plotly.js's private fields).

import { arrowData, decorateReadout, frameTraces } from "./arrows.js";
import { decode, unpack } from "./decode.js";
import { holds, swapped } from "./family.js";
import {
  drawDirect,
  drawnHeight,
  drawnRange,
  frameNames,
  isAnimating,
  mapPoint,
  sliderStep,
} from "./plotly_adapter.js";
import { showValue, sliderBar } from "./slider.js";

const REST_MS = 250; // a held slider's thumb at rest this long: Plotly draws the swap
const CLICK_DRAG_PX = 5; // a pointer that moved further between press and release rotated

function pageUrl(path) {
  // Media URLs are absolute paths on the server; the app may live under a base path.
  return new URL(path.replace(/^\//, ""), new URL(".", window.location.href)).href;
}

function loadPlotly(url) {
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

function fmt(v, digits) {
  // Python's format(v, f".{digits}g").
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const rounded = Number(v.toPrecision(digits));
  const size = Math.abs(rounded);
  if (size !== 0 && (size < 1e-4 || size >= 10 ** digits)) {
    return rounded.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(rounded);
}

function readout(run, t) {
  // optiviz.figures.runs.readout, for step t.
  if (t >= run.lr.length || !Number.isFinite(run.loss[t])) {
    const last = run.loss[Math.min(t, run.loss.length - 1)];
    return `${run.name}: ${Number.isFinite(last) ? `loss ${fmt(last, 4)}` : run.label}`;
  }
  return (
    `${run.name}: |gradient| ${fmt(run.grad[t], 3)} × α<sub>t</sub> ${fmt(run.lr[t], 3)}` +
    ` → step ${fmt(run.step[t], 3)} · loss ${fmt(run.loss[t], 4)}`
  );
}

function tracks(figure, animation) {
  // Each run's map x/y, loss and alpha_t, read from its static traces.
  return animation.runs.map((run) => ({
    ...run,
    x: figure.data[run.path].x,
    y: figure.data[run.path].y,
    loss: figure.data[run.loss].y,
    lr: figure.data[run.rate].y,
  }));
}

function frameData(runs, animation, i) {
  // What optiviz.figures.balls.frame_data puts in frame i: per run its ball at step t
  // then its trail back in time (and its model), then every run's loss marker and alpha_t
  // marker. (path_animation's frames add the readout, which is HTML here.)
  const t = animation.steps[i];
  const lo = Math.max(0, t - animation.tail);
  const data = [];
  for (const run of runs) {
    const x = Array.from(run.x.subarray(lo, t + 1)).reverse();
    const y = Array.from(run.y.subarray(lo, t + 1)).reverse();
    data.push({ x, y });
    if (run.model) data.push({ x: Array.from(animation.model_x), y: Array.from(run.model[i]) });
  }
  const last = Math.min(t, runs[0].lr.length - 1);
  const shown = (run, v) => (run.hidden ? NaN : v); // a hidden run's marker is a gap
  data.push({ x: runs.map(() => t), y: runs.map((run) => shown(run, run.loss[t])) });
  data.push({ x: runs.map(() => last), y: runs.map((run) => shown(run, run.lr[last])) });
  data.push(...arrowData(runs, animation, t)); // "Inside a step": frameTraces' last ones
  return data;
}

function readoutText(runs, animation, i) {
  // The readout of frame i, as optiviz.figures.animation._frames writes it.
  const t = animation.steps[i];
  return [`<b>step ${t}</b>`, ...runs.map((run) => readout(run, t))].join("<br>");
}

function shownRuns(runs) {
  // The runs the readout lists: all but a latent one ("my α" before α moves).
  return runs.filter((run) => !(run.latent && run.hidden));
}

function showReadout(box, runs, text) {
  // The readout's lines, a run's in its colour; its tags (<b>, <sub>) as elements and
  // everything else as text, so no name can inject markup.
  box.replaceChildren(
    ...text.split("<br>").map((line, k) => {
      const row = document.createElement("div");
      const run = runs[k - 1];
      if (run && run.colour) {
        const dot = document.createElement("span");
        dot.textContent = "● ";
        dot.style.color = run.colour;
        row.appendChild(dot);
      }
      let parent = row;
      for (const part of line.split(/(<\/?(?:b|sub)>)/)) {
        if (part === "<b>" || part === "<sub>") {
          parent = parent.appendChild(document.createElement(part.slice(1, -1)));
          parent.style.lineHeight = "0"; // a subscript does not make its line taller
        } else if (part === "</b>" || part === "</sub>") {
          parent = parent.parentNode;
        } else if (part) {
          parent.appendChild(document.createTextNode(part));
        }
      }
      return row;
    }),
  );
}

function mapFigure(figure, animation, runs = tracks(figure, animation)) {
  // The figure with its frames built from the runs' tracks, one per step, named by step.
  const frames = animation.steps.map((t, i) => ({
    name: String(t),
    traces: frameTraces(animation),
    data: frameData(runs, animation, i),
  }));
  return { ...figure, frames };
}

function themed(layout, element) {
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

function isDark(element) {
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

function outlined(data, colours, dark) {
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

function currentStep(gd) {
  // The step shown: the top view's own slider, or the 3-D view's Plotly slider.
  const state = gd.__optiviz;
  if (state && state.kind === "map" && state.names && state.names.length) {
    return Number(state.names[state.shown || 0]);
  }
  return sliderStep(gd);
}

function isPlaying(gd) {
  return isAnimating(gd);
}

function playOptions(layout, animation) {
  // Plotly.animate's options for Play: the top view's animation.frame_ms per frame, no
  // redraw; the 3-D view's those of its own Play button.
  if (animation) return { ...STILL, frame: { duration: animation.frame_ms, redraw: false } };
  const menus = layout.updatemenus || [];
  const play = menus.length ? menus[0].buttons.find((b) => b.args[0] === null) : null;
  return play ? play.args[1] : { frame: { duration: 30, redraw: false }, mode: "immediate" };
}

function ownButtons(layout) {
  // Play / Pause run through buttonClicked: an animation's promise rejects when Pause (or
  // a rerun) interrupts it, and Plotly's own buttons leave that rejection unhandled.
  for (const menu of layout.updatemenus || []) {
    menu.buttons = menu.buttons.map((b) => ({ ...b, execute: false }));
  }
}

async function play(gd, names, options, stride = 1) {
  // Play from the frame after the one shown (from the start once at the end).
  await ensureFrames(gd, gd.__optiviz);
  const step = currentStep(gd);
  let index = names.findIndex((name) => Number(name) === step);
  if (index >= names.length - 1) index = -1;
  const queue = strided(names.slice(index + 1), stride);
  return window.Plotly.animate(gd, queue, options).catch(() => null);
}

function buttonClicked(gd, event) {
  const [frames, options] = event.button.args;
  const names = frameNames(gd);
  if (frames === null) {
    const plan = atSpeed(options, gd.__optiviz.speed);
    return play(gd, names, plan.options, plan.stride);
  }
  return window.Plotly.animate(gd, frames, options).catch(() => null);
}

async function prepared(state, data) {
  // The payload decoded once (a slider's moves draw it again and again): the figure, the
  // animation's arrays and the sliders' families.
  if (state.preparedFor !== data) {
    const sliders = await withFamilies(data.sliders || []);
    state.prepared = {
      ...data,
      figure: decode(data.figure),
      animation: data.animation ? decode(data.animation) : null,
      sliders,
    };
    state.preparedFor = data;
  }
  return state.prepared;
}

const FAMILIES_KEPT = 24; // families the page keeps unpacked, by key, across payloads

async function withFamilies(sliders) {
  // The sliders with their families unpacked: a family sent before comes as a reference
  // ({ref, run}) and is taken from the page's cache (window.__optivizFamilies survives a
  // remount of the chart). A reference the cache cannot answer leaves the slider without
  // families, acting on release, rather than drawing part of one.
  const cache = window.__optivizFamilies || (window.__optivizFamilies = new Map());
  const out = [];
  for (const slider of sliders) {
    const families = [];
    for (const family of slider.families) {
      const key = family.ref || family.key;
      let unpacked = cache.get(key);
      if (!unpacked && !family.ref) unpacked = await unpack(family);
      if (unpacked) {
        cache.delete(key);
        cache.set(key, unpacked); // the newest last: the oldest go first
        families.push({ ...unpacked, run: family.run });
      }
    }
    while (cache.size > FAMILIES_KEPT) cache.delete(cache.keys().next().value);
    const complete = families.length === slider.families.length;
    out.push({ ...(await unpack({ ...slider, families: [] })), families: complete ? families : [],
               count: complete ? slider.count : 0 });
  }
  return out;
}

function moved(state, base) {
  // The view as the sliders have it: a slider moved off the payload's stop swaps in its
  // families' members there; where they hold none, `pending` names the slider (the graph
  // is dimmed until the page catches up).
  let view = base;
  let pending = null;
  for (const slider of base.sliders || []) {
    const want = state.want[slider.key];
    if (want === undefined || want === slider.index) continue;
    if (base.animation && holds(slider, want)) {
      view = swapped(view, slider, want);
      state.latentShown = true;
    } else {
      pending = slider.key;
    }
  }
  return { view, pending };
}

function canSwap(state, data, base) {
  // A move on the view drawn last: the runs' traces exist (a latent run already shows).
  if (state.drawnData !== data || !base.animation || !state.names) return false;
  return !base.animation.runs.some((run) => run.latent) || state.latentShown;
}

async function swapDraw(gd, state, base) {
  // A slider's move, drawn as a frame is: Plotly.animate with the follower's path, loss
  // and α_t lines, exit arrow and the outline, and the moving traces at the step shown,
  // without a redraw (Plotly.react would diff the whole figure and lay it out again). The
  // frames are rebuilt when next needed (ensureFrames); a playing animation goes on.
  const { view, pending } = moved(state, base);
  const animation = view.animation;
  const runs = tracks(view.figure, animation);
  runs.forEach((run, i) => (run.hidden = isHidden(state, run, i)));
  const traces = [];
  const data = [];
  const outline = view.figure.data.findIndex((trace) => trace.meta === "outline");
  for (const slider of base.sliders || []) {
    for (const family of slider.families) {
      const ids = animation.runs[family.run];
      for (const i of [ids.path, ids.loss, ids.rate, ids.exit, ids.edge]) {
        if (i === undefined) continue;
        const trace = view.figure.data[i];
        traces.push(i);
        const exit = trace.meta === "exit" ? { marker: trace.marker } : {};
        // A threshold line has y only (x0, dx): blank while a member shows, back after.
        data.push(trace.meta === "edge" ? { y: trace.y } : { x: trace.x, y: trace.y, ...exit });
      }
    }
  }
  if (outline >= 0) {
    traces.push(outline);
    const [drawn] = unoutlined([view.figure.data[outline]], runs);
    data.push({ x: drawn.x, y: drawn.y });
  }
  const shown = state.shown || 0;
  traces.push(...frameTraces(animation));
  data.push(...frameData(runs, animation, shown));
  const playing = isPlaying(gd);
  // While a slider is held (and Play is off) the traces are drawn straight into the SVG
  // (drawDirect: no Plotly redraw), and Plotly draws them once the thumb rests; else
  // Plotly.animate puts the data in the graph at once. Either way the words follow in
  // the same task, so no frame shows one stop's path under another stop's text.
  const direct = state.holding && !playing && !state.settle && drawDirect(gd, traces, data);
  state.settle = false;
  let drawn = null;
  if (direct) {
    clearTimeout(state.resting);
    state.resting = setTimeout(() => {
      state.settle = true;
      requestDraw(gd, state);
    }, REST_MS);
  } else {
    if (playing) await window.Plotly.animate(gd, [null], STILL).catch(() => null);
    drawn = window.Plotly.animate(gd, { data, traces }, STILL).catch(() => null);
  }
  Object.assign(state, { animation, runs, view, framesStale: true });
  showStep(gd, state, shown);
  notesBox(gd, state, view);
  sliders(gd, state, base, pending);
  await drawn;
  if (playing && shown < state.names.length - 1) {
    const plan = atSpeed(state.playOptions, state.speed);
    play(gd, state.names, plan.options, plan.stride);
  }
}

async function ensureFrames(gd, state) {
  // After swaps, the frames built from the runs drawn now.
  if (!state || !state.framesStale) return;
  state.framesStale = false;
  const frames = mapFigure(state.view.figure, state.animation, state.runs).frames;
  await window.Plotly.addFrames(gd, frames);
}

async function draw(gd, state, data) {
  const base = await prepared(state, data);
  if (canSwap(state, data, base)) return swapDraw(gd, state, base);
  if (base.animation) hide(state, tracks(base.figure, base.animation), base);
  const { view, pending } = moved(state, base);
  const figure = view.figure;
  const animation = view.animation;
  const runs = animation ? tracks(figure, animation) : null;
  if (runs) runs.forEach((run, i) => (run.hidden = isHidden(state, run, i)));
  notesBox(gd, state, view);
  const Plotly = await loadPlotly(data.plotly);
  const full = animation ? mapFigure(figure, animation, runs) : figure;
  const step = currentStep(gd);
  const playing = isPlaying(gd);
  if (playing) await Plotly.animate(gd, [null], { mode: "immediate" });
  // Resume at the step shown before, or the last one at or before it on the new paths.
  const names = (full.frames || []).map((f) => f.name);
  let index = 0;
  if (step !== null) names.forEach((name, i) => (Number(name) <= step ? (index = i) : null));
  if (full.frames && full.frames.length) {
    // New trace objects: Plotly.react sees a change only where a trace's values change.
    const moving = full.frames[index];
    full.data = full.data.slice();
    moving.traces.forEach((id, j) => (full.data[id] = { ...full.data[id], ...moving.data[j] }));
    if (!animation) full.layout.sliders[0].active = index;
  }
  const layout = narrowed(presentedLayout(themed(full.layout, gd.parentElement), data.present), data);
  ownButtons(layout);
  Object.assign(state, { kind: data.kind, present: Boolean(data.present), names, shown: index });
  Object.assign(state, { animation, runs, height: layout.height, narrow: isNarrow(data) });
  const options = playOptions(full.layout, animation);
  state.playOptions = animation && names.length ? options : null;
  readoutBox(gd, state, layout);
  controlBar(gd, state);
  sliders(gd, state, base, pending); // before the height is fitted: they show with Play
  if (animation) layout.height = fitHeight(gd, state);
  state.annotations = layout.annotations;
  if (layout.annotations) layout.annotations = gapFitted(layout, layout.annotations);
  contain(gd, animation ? layout : null);
  const ranges = animation && state.revision !== layout.uirevision ? mapRanges(layout) : null;
  const traces = mapTraces(full, data, runs, animation, isDark(gd.parentElement));
  await Plotly.react(gd, { data: traces, layout, frames: full.frames, config: data.config });
  sliders(gd, state, base, pending);
  Object.assign(state, { drawnData: data, view, framesStale: false });
  if (ranges) await keepRanges(gd, ranges);
  state.revision = layout.uirevision;
  if (playing && index < names.length - 1) {
    const plan = atSpeed(options, state.speed);
    play(gd, names, plan.options, plan.stride);
  }
}

function mapTraces(full, data, runs, animation, dark) {
  // The traces as drawn: outlines in the theme's contrast, presenter mode's lines, and the
  // hidden runs' traces and stretch of the outline left out.
  let traces = presented(outlined(full.data, data.outline, dark), data);
  const hidden = new Set(runs ? hiddenTraces(runs, animation) : []);
  for (const i of runs ? hiddenTraces(runs, animation, true) : []) {
    // A latent run's traces come invisible (chart_data): shown once its slider moves.
    if (hidden.has(i)) traces[i] = { ...traces[i], visible: false };
    else if (traces[i].visible === false) traces[i] = { ...traces[i], visible: true };
  }
  if (runs) traces = unoutlined(traces, runs);
  return traces;
}

function contain(gd, layout) {
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

function fitHeight(gd, state) {
  // The window's height under the graph's top, less what must show below it, between
  // FIT_MIN_PX (or FIT_MIN_SHARE of the figure's height) and the figure's own height (PRESENT_MAX_PX in presenter mode): Play (and,
  // presenting, the verdicts) on the first screen. Phones keep the figure's height.
  if (state.narrow) return state.height; // a phone scrolls: the stacked figure keeps its height
  const room = window.innerHeight - pageTop(gd) - belowHeight(gd, state.present) - FIT_SLACK_PX;
  const most = state.present ? Math.max(state.height, PRESENT_MAX_PX) : state.height;
  const least = state.present ? PRESENT_MIN_PX : Math.max(FIT_MIN_PX, FIT_MIN_SHARE * state.height);
  return Math.round(Math.min(most, Math.max(least, room)));
}

function refit(gd, state) {
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

function gapFitted(layout, annotations) {
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

function mapRanges(layout) {
  // The map's x and y ranges as sent, copied: Plotly.react writes into the layout it is given.
  const out = {};
  for (const key of ["xaxis", "yaxis"]) {
    const range = layout[key] && layout[key].range;
    if (range) out[`${key}.range`] = range.slice();
  }
  return out;
}

async function keepRanges(gd, ranges) {
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

function listen(gd, state) {
  // A click on the map (anywhere in its plot area), or on the 3-D surface, sets the
  // start; a rotate-drag in 3-D is not a click.
  let down = null;
  gd.addEventListener("pointerdown", (e) => (down = [e.clientX, e.clientY]), true);
  gd.addEventListener("pointerup", (e) => (state.up = [e.clientX, e.clientY]), true);
  gd.addEventListener("click", (event) => {
    if (state.kind !== "map" || !down) return;
    if (Math.hypot(event.clientX - down[0], event.clientY - down[1]) > CLICK_DRAG_PX) return;
    const point = mapPoint(gd, event);
    if (point) state.setTriggerValue("click", point);
  });
  let resizing = null;
  const onResize = () => {
    if (!gd.isConnected) return window.removeEventListener("resize", onResize);
    clearTimeout(resizing);
    resizing = setTimeout(() => refit(gd, state), 150);
  };
  window.addEventListener("resize", onResize);
  gd.on("plotly_buttonclicked", (event) => buttonClicked(gd, event));
  gd.on("plotly_animatingframe", (event) => {
    if (state.kind === "map") showStep(gd, state, state.names.indexOf(event.name));
  });
  gd.on("plotly_click", (event) => {
    const point = event.points && event.points[0];
    if (!point || state.kind !== "3d") return;
    const up = state.up || down;
    if (!down || !up || Math.hypot(up[0] - down[0], up[1] - down[1]) > CLICK_DRAG_PX) return;
    state.setTriggerValue("click", { x: point.x, y: point.y });
  });
}

// Presenter mode and play speed ---------------------------------------------------------

const SPEEDS = [
  ["½×", 0.5],
  ["1×", 1],
  ["2×", 2],
];
const PRESENT_LINE_SCALE = 1.5; // lines in presenter mode, as the page's CSS does elsewhere
const STILL = { frame: { duration: 0, redraw: false }, mode: "immediate", transition: { duration: 0 } };

const MIN_FRAME_MS = 30;
// Headless Chromium with software rendering drew at most about 40 frames/s of the map, so
// a frame shorter than this plays every stride-th frame for as long as stride frames.

function atSpeed(options, speed) {
  // Play options with the frame duration divided by speed, and the stride: a 30 ms frame
  // at 2× is every second frame for 30 ms (each step still lasts 15 ms).
  const frame = options.frame || {};
  const want = (frame.duration || 0) / (speed || 1);
  const stride = want > 0 && want < MIN_FRAME_MS ? Math.ceil(MIN_FRAME_MS / want) : 1;
  return { options: { ...options, frame: { ...frame, duration: want * stride } }, stride };
}

function strided(names, stride) {
  // Every stride-th of names, always ending on the last.
  if (stride <= 1) return names;
  return names.filter((_, k) => (k + 1) % stride === 0 || k === names.length - 1);
}

function presented(data, payload) {
  // Thicker lines in presenter mode (?present=1).
  if (!payload.present) return data;
  return data.map((trace) =>
    trace.line && trace.line.width
      ? { ...trace, line: { ...trace.line, width: trace.line.width * PRESENT_LINE_SCALE } }
      : trace,
  );
}

const PRESENT_FONT_PX = 18; // tick labels in presenter mode; Plotly's titles are 1.2 times

function isNarrow(data) {
  // A phone held upright: the window is narrower than the figure's narrow_px.
  return Boolean(data.narrow) && window.innerWidth < data.narrow_px;
}

function narrowed(layout, data) {
  // On a narrow window the top view takes the stacked layout Python sent (data.narrow):
  // the map on top, the panels under it, each the full width.
  if (!isNarrow(data)) return layout;
  const out = { ...layout, height: data.narrow.height };
  for (const [name, update] of Object.entries(data.narrow)) {
    if (name !== "height") out[name] = { ...(layout[name] || {}), ...update };
  }
  return out;
}

function presentedLayout(layout, present) {
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

function control(tag, className, label, title) {
  // A control of the bar; a button does not take focus from the page (presenter keys).
  const node = document.createElement(tag);
  node.className = className;
  if (tag === "button") {
    node.type = "button";
    node.textContent = label;
    node.title = title;
    node.addEventListener("mousedown", (e) => e.preventDefault());
  }
  return node;
}

function buildBar(gd, state) {
  // ▶ Play, ❚❚ Pause, the step slider with its "step t" label, and the speeds.
  const bar = control("div", "optiviz-controls");
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Animation");
  const play = control("button", "optiviz-play", "▶ Play", "Play the steps from the one shown");
  play.addEventListener("click", () => isPlaying(gd) || togglePlay(gd, state));
  const pause = control("button", "optiviz-pause", "❚❚ Pause", "Pause at the step shown");
  pause.addEventListener("click", () => isPlaying(gd) && togglePlay(gd, state));
  const scrub = control("input", "optiviz-scrub");
  Object.assign(scrub, { type: "range", min: "0", step: "1" });
  scrub.setAttribute("aria-label", "Step shown");
  scrub.title = "Drag to show any step; the arrow keys move one step";
  scrub.addEventListener("input", () => seek(gd, state, Number(scrub.value)));
  const label = control("span", "optiviz-step");
  const speeds = control("div", "optiviz-speed");
  speeds.setAttribute("role", "group");
  speeds.setAttribute("aria-label", "Play speed");
  speeds.append("Speed ");
  for (const [text, speed] of SPEEDS) {
    const button = control("button", "", text, `Play at ${text} speed`);
    button.dataset.speed = String(speed);
    button.addEventListener("click", () => setSpeed(gd, state, speed));
    speeds.appendChild(button);
  }
  bar.append(play, pause, scrub, label, speeds);
  return bar;
}

function barStyle(bar, present) {
  // Streamlit's colours from its CSS variables; larger in presenter mode.
  const size = present ? "1.15rem" : "0.875rem";
  bar.style.cssText =
    "display:flex;flex-wrap:wrap;gap:0.25rem 0.5rem;align-items:center;margin:0.25rem 0 0;" +
    `font-size:${size};color:var(--st-text-color, inherit)`;
  const scrub = bar.querySelector(".optiviz-scrub");
  scrub.style.cssText =
    "flex:1 1 12rem;min-width:8rem;margin:0 0.25rem;" +
    "accent-color:var(--st-primary-color, #ff4b4b);cursor:pointer";
  bar.querySelector(".optiviz-step").style.cssText =
    "min-width:5.5em;font-variant-numeric:tabular-nums";
  bar.querySelector(".optiviz-speed").style.cssText =
    "display:flex;gap:0.25rem;align-items:center";
}

function buttonStyle(button, on) {
  button.style.cssText =
    "padding:0.15rem 0.6rem;border-radius:var(--st-base-radius, 0.5rem);cursor:pointer;" +
    "border:1px solid var(--st-border-color, rgba(128,128,128,0.4));" +
    "font:inherit;color:inherit;" +
    `background:${on ? "var(--st-secondary-background-color, rgba(128,128,128,0.2))" : "transparent"};` +
    `font-weight:${on ? 700 : 400}`;
}

function controlBar(gd, state) {
  // The top view's controls under its graph (none for the 3-D view, which has Plotly's).
  let bar = gd.parentElement.querySelector(":scope > .optiviz-controls");
  if (!state.playOptions) {
    if (bar) bar.remove();
    return;
  }
  if (!bar) {
    bar = buildBar(gd, state);
    gd.after(bar); // before the notes
  }
  barStyle(bar, state.present);
  for (const button of bar.querySelectorAll(".optiviz-play, .optiviz-pause")) {
    buttonStyle(button, false);
  }
  for (const button of bar.querySelectorAll(".optiviz-speed button")) {
    const on = Number(button.dataset.speed) === state.speed;
    button.setAttribute("aria-pressed", String(on));
    buttonStyle(button, on);
  }
  bar.querySelector(".optiviz-scrub").max = String(state.names.length - 1);
  showStep(gd, state, state.shown || 0);
}

const NORMAL_TYPE = { size: "0.875rem", readoutLine: 1.4, notesLine: 1.6, gap: "0.5rem" };
const PRESENT_TYPE = { size: "1.05rem", readoutLine: 1.25, notesLine: 1.35, gap: "0.25rem" };
// The readout's and the verdicts' type: in presenter mode 22 px at its 21 px root, and
// tighter lines, so the map, Play and the verdicts fit one projected screen.

function readoutBox(gd, state, layout) {
  // The top view's readout, above its graph, from the plot area's left edge.
  let box = gd.parentElement.querySelector(":scope > .optiviz-readout");
  if (!state.runs) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.className = "optiviz-readout";
    box.setAttribute("aria-label", "What the step shown does, per run");
    gd.parentElement.insertBefore(box, gd);
  }
  // A fixed height, one line per run under the step, and layout containment: a frame's
  // new text relays out this box alone, not the page around it.
  // A narrow window wraps the lines instead, from the page's edge, so none is cut off.
  const left = state.narrow ? 0 : (layout.margin && layout.margin.l) || 0;
  const type = state.present ? PRESENT_TYPE : NORMAL_TYPE;
  const lines = state.narrow
    ? "white-space:normal;"
    : `height:${type.readoutLine * (shownRuns(state.runs).length + 1)}em;white-space:nowrap;`;
  box.style.cssText =
    `padding:0 0 ${type.gap} ${left}px;font-size:${type.size};line-height:${type.readoutLine};` +
    `${lines}box-sizing:content-box;contain:layout paint;overflow:hidden;` +
    "font-variant-numeric:tabular-nums;color:var(--st-text-color, inherit)";
}

function showStep(gd, state, index) {
  // Record and show the frame on screen: the readout, the slider's thumb and its label.
  if (index < 0) return;
  state.shown = index;
  const box = gd.parentElement.querySelector(":scope > .optiviz-readout");
  if (box && state.runs) {
    const runs = shownRuns(state.runs); // a latent run has no line yet
    showReadout(box, runs, readoutText(runs, state.animation, index));
    decorateReadout(box, runs, state.animation, index);
  }
  const bar = gd.parentElement.querySelector(":scope > .optiviz-controls");
  if (!bar) return;
  const text = `step ${state.names[index]}`;
  const scrub = bar.querySelector(".optiviz-scrub");
  scrub.value = String(index);
  scrub.setAttribute("aria-valuetext", text);
  bar.querySelector(".optiviz-step").textContent = text;
}

async function seek(gd, state, index) {
  // The slider moved: pause, and show that frame.
  if (isPlaying(gd)) await window.Plotly.animate(gd, [null], STILL).catch(() => null);
  await ensureFrames(gd, state);
  await window.Plotly.animate(gd, [state.names[index]], STILL).catch(() => null);
}

function setSpeed(gd, state, speed) {
  state.speed = speed;
  controlBar(gd, state);
  if (isPlaying(gd)) {
    window.Plotly.animate(gd, [null], STILL).then(() => togglePlay(gd, state));
  }
}

function togglePlay(gd, state) {
  if (isPlaying(gd)) return window.Plotly.animate(gd, [null], STILL).catch(() => null);
  const plan = atSpeed(state.playOptions, state.speed);
  return play(gd, state.names, plan.options, plan.stride);
}

async function stepFrame(gd, state, by) {
  // Pause, then show the frame `by` frames from the one shown (clamped to the ends).
  if (isPlaying(gd)) await window.Plotly.animate(gd, [null], STILL).catch(() => null);
  await ensureFrames(gd, state);
  const step = currentStep(gd);
  const index = state.names.findIndex((name) => Number(name) === step);
  const next = Math.min(state.names.length - 1, Math.max(0, index + by));
  if (next !== index) await window.Plotly.animate(gd, [state.names[next]], STILL).catch(() => null);
}

function typing(target) {
  // Keys meant for a text field, a select, a Streamlit slider or any other control.
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, [role="slider"], [role="combobox"]')) return true;
  if (target.closest('[data-testid="stSlider"], [role="listbox"], [role="radiogroup"]')) return true;
  return target.closest("button, a[href]") !== null && !target.closest(".optiviz-controls");
}

function listenKeys(gd, state) {
  // Presenter mode only (elsewhere space and the arrows scroll the page, as usual):
  // space plays and pauses, ← and → step one frame.
  const onKey = (event) => {
    if (!gd.isConnected) return document.removeEventListener("keydown", onKey);
    if (!state.present || !state.playOptions || state.kind !== "map") return;
    if (event.altKey || event.ctrlKey || event.metaKey || (event.repeat && event.key === " ")) return;
    if (typing(event.target)) return;
    if (event.key === " ") togglePlay(gd, state);
    else if (event.key === "ArrowRight") stepFrame(gd, state, 1);
    else if (event.key === "ArrowLeft") stepFrame(gd, state, -1);
    else return;
    event.preventDefault();
  };
  document.addEventListener("keydown", onKey);
}

// The words under the graph --------------------------------------------------------------

function element(tag, text, style) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (style) node.style.cssText = style;
  return node;
}

function hide(state, runs, view) {
  // The runs the user hid (by clicking their verdict) and whether the latent run ("my α"
  // before α moves) shows yet; a new surface or another number of runs resets both.
  const key = `${view.figure.layout.uirevision}:${runs.length}`;
  if (state.hiddenKey !== key) {
    state.hidden = new Set();
    state.latentShown = false;
  }
  state.hiddenKey = key;
}

function isHidden(state, run, i) {
  return state.hidden.has(i) || Boolean(run.latent && !state.latentShown);
}

function hiddenTraces(runs, animation, all = false) {
  // The traces of the hidden runs (`all`: of every run): path, loss and alpha_t lines,
  // exit arrow, own threshold line 2/λ_max(θ_t), ball and trail, model.
  // (animation.runs holds their indices: tracks() replaces a run's loss index by its losses.)
  const out = [];
  let k = 0;
  runs.forEach((run, i) => {
    const ids = animation.runs[i];
    const own = [ids.path, ids.loss, ids.rate, animation.ids[k++]];
    if (ids.exit !== undefined) own.push(ids.exit); // its arrow where it leaves the map
    if (ids.edge !== undefined) own.push(ids.edge); // its own threshold line (not the shared one)
    if (run.model) own.push(animation.ids[k++]);
    if (run.hidden || all) out.push(...own);
  });
  return out;
}

function unoutlined(traces, runs) {
  // The traces with the hidden runs' stretches of the outline blanked: the outline is one
  // trace, every run's path in run order, each ended by a NaN (a line break), as
  // optiviz.figures.animation._outline draws it; a hidden run leaves no white ghost.
  const j = traces.findIndex((trace) => trace.meta === "outline");
  if (j < 0 || !runs.some((run) => run.hidden)) return traces;
  const x = Float64Array.from(traces[j].x);
  const y = Float64Array.from(traces[j].y);
  let at = 0;
  for (const run of runs) {
    if (run.hidden) [x, y].forEach((a) => a.fill(NaN, at, at + run.x.length));
    at += run.x.length + 1;
  }
  const out = traces.slice();
  out[j] = { ...traces[j], x, y };
  return out;
}

function toggleRun(gd, state, i) {
  // Hide or show run i, then draw again from the data the chart holds.
  if (state.hidden.has(i)) state.hidden.delete(i);
  else state.hidden.add(i);
  state.refocus = i;
  state.drawnData = null; // a whole draw: a swap (swapDraw) keeps each trace's visibility
  queueDraw(gd, state, state.latest);
}

function verdictRow(v) {
  // "● good α=0.8: converged · final loss 0": the dot in the run's colour, the name in
  // bold, the verdict in bold in its colour (optiviz.figures.notes.verdict).
  const row = element("div");
  row.className = "optiviz-verdict";
  row.append(
    element("span", "● ", `color:${v.colour}`),
    element("b", v.name),
    ": ",
    element("b", v.label, `color:${v.label_colour}`),
    ` · ${v.final}`,
  );
  return row;
}

function stepRow(step) {
  // "good α=0.8, step 0: gradient 0.632 × learning rate 0.8 = a step of 0.506".
  const row = element("div");
  row.append(element("b", step.name), step.text);
  return row;
}

const TOGGLE_HINT = "Click a run's verdict to hide the run in the chart; click again to show it.";
const HINT_STYLE = "font-size:0.875rem;opacity:0.7";

function verdictToggles(gd, state, rows) {
  // On the top view a run's verdict line is its legend entry: a click (or Enter, or
  // space) hides the run's lines, ball and markers, and shows them again.
  rows.forEach((row, i) => {
    const hidden = state.hidden.has(i);
    row.setAttribute("role", "button");
    row.tabIndex = 0;
    row.setAttribute("aria-pressed", String(!hidden));
    row.title = hidden ? "Click to show this run again" : "Click to hide this run";
    row.style.cssText = `cursor:pointer;width:fit-content;opacity:${hidden ? 0.45 : 1}`;
    row.addEventListener("click", () => toggleRun(gd, state, i));
    row.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation(); // presenter mode's space is Play on the page, not here
      toggleRun(gd, state, i);
    });
  });
}

function notesBox(gd, state, data) {
  // Each run's verdict, then "What one step does" (a <details> the user may close; it
  // stays as they left it across reruns), under the graph and its controls. Text only,
  // so no run name can inject markup.
  const notes = data.notes;
  const parent = gd.parentElement;
  let box = parent.querySelector(":scope > .optiviz-notes");
  if (!notes) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = element("div");
    box.className = "optiviz-notes";
    const verdicts = element("div", "", "margin:0 0 1rem");
    verdicts.className = "optiviz-verdicts";
    verdicts.setAttribute("aria-label", "Verdicts");
    const details = element(
      "details",
      "",
      "border:1px solid var(--st-border-color, rgba(128,128,128,0.3));" +
        "border-radius:var(--st-base-radius, 0.5rem)",
    );
    details.className = "optiviz-steps";
    details.open = true;
    details.append(
      element("summary", "", "padding:0.5rem 1rem;cursor:pointer"),
      element("div", "", "padding:0.25rem 1rem 1rem"),
    );
    box.append(verdicts, details);
    parent.appendChild(box);
  }
  const type = data.present ? PRESENT_TYPE : NORMAL_TYPE;
  box.style.cssText =
    `margin:${data.present ? type.gap : "1rem"} 0 0;line-height:${type.notesLine};` +
    `color:var(--st-text-color, inherit)${data.present ? `;font-size:${type.size}` : ""}`;
  const rows = notes.verdicts.map(verdictRow);
  const steps = notes.first_steps.map(stepRow);
  const list = box.querySelector(".optiviz-verdicts");
  if (data.animation) {
    verdictToggles(gd, state, rows);
    // A latent run ("my α" before α moves) has no words yet.
    const latent = (i) => data.animation.runs[i].latent && !state.latentShown;
    // Presenter mode leaves out the hint: the verdicts share one projected screen.
    const hint = data.present ? [] : [element("div", TOGGLE_HINT, HINT_STYLE)];
    list.replaceChildren(...rows.filter((_, i) => !latent(i)), ...hint);
    steps.splice(0, steps.length, ...steps.filter((_, i) => !latent(i)));
  } else {
    list.replaceChildren(...rows);
  }
  if (state.refocus !== undefined && rows[state.refocus]) rows[state.refocus].focus();
  state.refocus = undefined;
  const details = box.querySelector(".optiviz-steps");
  details.querySelector("summary").textContent = notes.steps_title;
  details.lastChild.replaceChildren(...steps);
}

// The sliders under the graph --------------------------------------------------------------

function sliderHandlers(gd, state) {
  // What the sliders ask of the chart: the stop each shows, a move (drawn at once, with no
  // message to the server) and a release (the value to the server: one trigger).
  return {
    index: (key) => {
      const slider = sliderOf(state, key);
      const want = state.want[key];
      return want === undefined ? slider.index : want;
    },
    holding: (key, on) => (state.holding = on),
    onMove: (key, index) => {
      state.want = { [key]: index };
      requestDraw(gd, state);
    },
    onRelease: (key) => {
      const slider = sliderOf(state, key);
      const want = state.want[key];
      if (want === undefined || want === slider.index) {
        state.want = {};
        if (key === "alpha") state.latentShown = false;
        requestDraw(gd, state);
        return;
      }
      state.setTriggerValue("slider", { key, value: slider.stops[want] });
    },
  };
}

function sliderOf(state, key) {
  return (state.prepared.sliders || []).find((slider) => slider.key === key);
}

function sliders(gd, state, base, pending) {
  // The sliders' row under the controls (under the graph in 3-D), their thumbs and texts
  // at the stops drawn; the graph dimmed while a slider waits for the server (`pending`).
  if (!state.handlers) state.handlers = sliderHandlers(gd, state);
  const anchor = gd.parentElement.querySelector(":scope > .optiviz-controls") || gd;
  const drawn = gd.parentElement.querySelector(":scope > .optiviz-sliders");
  const bar =
    state.slidersFor === base && drawn
      ? drawn // a move: only the thumbs and texts change
      : sliderBar(gd, anchor, base.sliders, Boolean(base.present), state.handlers);
  state.slidersFor = base;
  if (bar) {
    for (const slider of base.sliders) {
      const box = bar.querySelector(`:scope > .optiviz-slider[data-key="${slider.key}"]`);
      showValue(box, slider, state.handlers.index(slider.key), state.handlers);
    }
  }
  gd.style.opacity = pending ? "0.35" : "";
}

function requestDraw(gd, state) {
  // Draw the latest data as the sliders have it, after the draw in progress; moves that
  // come while one waits are drawn together, at the stop reached.
  if (state.drawQueued) return;
  state.drawQueued = true;
  state.chain = state.chain
    .then(() => {
      state.drawQueued = false;
      return draw(gd, state, state.latest);
    })
    .catch((error) => showError(gd, error));
}

function queueDraw(gd, state, data) {
  // One draw at a time; a draw whose data is already stale is skipped.
  state.chain = state.chain
    .then(() => {
      if (state.latest !== data) return null;
      return draw(gd, state, data).then(() => {
        if (!state.listening) {
          listen(gd, state);
          listenKeys(gd, state);
          state.listening = true;
        }
        clearError(gd);
      });
    })
    .catch((error) => showError(gd, error));
}

function showError(gd, error) {
  let box = gd.parentElement.querySelector(":scope > .optiviz-chart-error");
  if (!box) {
    box = document.createElement("div");
    box.className = "optiviz-chart-error";
    box.setAttribute("role", "alert");
    box.style.cssText =
      "padding:1rem;border-radius:var(--st-base-radius, 0.5rem);" +
      "color:var(--st-red-text-color, #9e303b);background:var(--st-red-background-color, #fff1f2)";
    gd.parentElement.insertBefore(box, gd);
  }
  box.textContent = `The chart could not be drawn (${error.message || error}). The rest of the page works.`;
  console.warn("optiviz chart:", error);
}

function clearError(gd) {
  const box = gd.parentElement.querySelector(":scope > .optiviz-chart-error");
  if (box) box.remove();
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let gd = parentElement.querySelector(":scope > .optiviz-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optiviz-chart";
    parentElement.appendChild(gd);
  }
  const state =
    gd.__optiviz ||
    (gd.__optiviz = { chain: Promise.resolve(), listening: false, speed: 1, want: {} });
  state.setTriggerValue = setTriggerValue;
  state.latest = data;
  if (!state.holding) state.want = {}; // the page has caught up with the sliders
  queueDraw(gd, state, data);
  return () => {
    // Also called when a newer call supersedes this one: free the graph only if it left.
    setTimeout(() => {
      if (!gd.isConnected && window.Plotly) window.Plotly.purge(gd);
    }, 0);
  };
}

// For the tests (tests/test_chart_js.py), which run these in Node.
export { swapped } from "./family.js";
export {
  atSpeed,
  decode,
  frameData,
  gapFitted,
  hiddenTraces,
  mapFigure,
  outlined,
  playOptions,
  presented,
  presentedLayout,
  readoutText,
  strided,
  tracks,
  unoutlined,
};
