// Optiviz's chart: one Plotly graph div that lives across reruns and is updated in place.
//
// Streamlit calls the default export again, with the same parentElement, whenever the
// data changes. The data (optiviz/figures/chart_data.py) carries the static traces and
// layout, arrays as base64 typed-array specs, each run's arrays for the top view's frames,
// and the sliders' families. This module decodes a payload once, draws it (Plotly.react),
// swaps a slider's family member in while its thumb moves (no server; drawn straight into
// the SVG while held), and sends a click or a slider's release to the server.
//
// Each other job is an ES module in the same asset directory (Streamlit's v2 loader
// imports this file by its URL, so relative imports resolve there): loader.js (plotly.js),
// decode.js (typed arrays), frames.js (frames and the readout, with onFrame hooks),
// player.js (Play, Pause, steps, speeds), controls.js (the HTML controls and the readout
// box), keys.js (presenter keys), notes.js (verdicts and "What one step does"), hiding.js
// (hidden runs), theme.js (Streamlit's colours, presenter mode, narrow windows), fit.js
// (the view's height and ranges), family.js (a family member swapped into the view),
// slider.js (the α and k sliders and their verdict strips), arrows.js ("Inside a step"),
// scene3d.js and view3d.js (the 3-D view's frames, swaps and drawing) and
// plotly_adapter.js (every use of plotly.js's private fields, SVG and WebGL scene).

import { decorateReadout, frameTraces } from "./arrows.js";
import { controlBar, readoutBox, showStep } from "./controls.js";
import { decode, unpack } from "./decode.js";
import { holds, keptPayload, settledView, swapped } from "./family.js";
import { contain, fitHeight, gapFitted, keepRanges, mapRanges, refit } from "./fit.js";
import { frameData, mapFigure, onFrame, tracks } from "./frames.js";
import { hiddenTraces, hide, isHidden, unoutlined } from "./hiding.js";
import { listenKeys } from "./keys.js";
import { loadPlotly, payload } from "./loader.js";
import { notesBox } from "./notes.js";
import { atSpeed, currentStep, ensureFrames, isPlaying, play, playOptions, STILL } from "./player.js";
import { drawDirect, mapPoint } from "./plotly_adapter.js";
import { showValue, sliderBar } from "./slider.js";
import { isDark, isNarrow, narrowed, outlined, presented, presentedLayout, themed } from "./theme.js";
import { draw3d } from "./view3d.js";

onFrame(decorateReadout); // "Inside a step": the arrows' key in the readout

const REST_MS = 250; // a held slider's thumb at rest this long: Plotly draws the swap
const CLICK_DRAG_PX = 5; // a pointer that moved further between press and release rotated

async function prepared(state, data) {
  // The payload decoded once (a slider's moves draw it again and again): the figure, the
  // animation's arrays and the sliders' families, with the sliders settled since it was
  // sent drawn at their stops (settledView). A kept payload shares its figure and
  // animation with the one it was kept from: they are not decoded again.
  if (state.preparedFor !== data) {
    const sliders = await withFamilies(data.sliders || []);
    const figure = decodedOnce(state, "figure", data.figure);
    const animation = data.animation ? decodedOnce(state, "animation", data.animation) : null;
    const { view, stale } = settledView({ ...data, figure, animation, sliders }, data.settled);
    state.prepared = view;
    state.preparedFor = data;
    if (stale !== null) askAgain(state, data, stale);
  }
  return state.prepared;
}

function decodedOnce(state, name, raw) {
  const kept = (state.decoded || {})[name];
  if (kept && kept.raw === raw) return kept.value;
  const value = decode(raw);
  state.decoded = { ...state.decoded, [name]: { raw, value } };
  return value;
}

function askAgain(state, data, key) {
  // A settled slider whose families the page no longer holds draws its runs at the old
  // stop: its stop sent again as not drawn, so the server sends the whole view.
  const slider = data.sliders.find((s) => s.key === key);
  state.setTriggerValue("slider", { key, value: slider.stops[slider.index], drawn: false });
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
  notesBox(gd, state, view, (i) => toggleRun(gd, state, i));
  sliders(gd, state, base, pending);
  await drawn;
  if (playing && shown < state.names.length - 1) {
    const plan = atSpeed(state.playOptions, state.speed);
    play(gd, state.names, plan.options, plan.stride);
  }
}

async function draw(gd, state, data) {
  const base = await prepared(state, data);
  if (base.scene3d) return draw3d(gd, state, data, base, hooks3d(gd, state, base));
  if (canSwap(state, data, base)) return swapDraw(gd, state, base);
  if (base.animation) hide(state, tracks(base.figure, base.animation), base);
  const { view, pending } = moved(state, base);
  const figure = view.figure;
  const animation = view.animation;
  const runs = animation ? tracks(figure, animation) : null;
  if (runs) runs.forEach((run, i) => (run.hidden = isHidden(state, run, i)));
  notesBox(gd, state, view, (i) => toggleRun(gd, state, i));
  const Plotly = await loadPlotly();
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
  }
  const layout = narrowed(presentedLayout(themed(full.layout, gd.parentElement), data.present), data);
  Object.assign(state, { kind: data.kind, present: Boolean(data.present), names, shown: index });
  Object.assign(state, { animation, runs, height: layout.height, narrow: isNarrow(data) });
  const options = animation ? playOptions(animation) : null;
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

function hooks3d(gd, state, base) {
  // What the 3-D view (view3d.js) asks of the chart.
  return {
    sliders: (pending) => sliders(gd, state, base, pending),
    toggle: (i) => toggleRun(gd, state, i),
    redraw: () => requestDraw(gd, state),
  };
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
  gd.on("plotly_animatingframe", (event) => {
    if (state.playOptions) showStep(gd, state, state.names.indexOf(event.name));
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

export function toggleRun(gd, state, i) {
  // Hide or show run i, then draw again from the data the chart holds.
  if (state.hidden.has(i)) state.hidden.delete(i);
  else state.hidden.add(i);
  state.refocus = i;
  state.drawnData = null; // a whole draw: a swap (swapDraw) keeps each trace's visibility
  queueDraw(gd, state, state.latest);
}

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
      // The stop the server holds: the payload's, or the one last let go at since (the
      // server answers a release its family held with a keep of this payload, so the
      // chart returns at once and the member drawn stays).
      const told = key in state.told ? state.told[key] : slider.index;
      if (want === undefined || want === told) {
        if (want === undefined || want === slider.index) {
          state.want = {};
          if (key === "alpha") state.latentShown = false;
        }
        requestDraw(gd, state);
        return;
      }
      state.told = { ...state.told, [key]: want };
      // `drawn`: the chart shows that stop's member (its family holds it), so a payload
      // that held it may come back unchanged.
      const drawn = Boolean(state.prepared.animation) && holds(slider, want);
      state.setTriggerValue("slider", { key, value: slider.stops[want], drawn });
      // A held release leaves this member drawn, with no new payload to bring its frames:
      // build them now, after the draw in progress, so Play, a step and the graph's
      // frames all follow the path drawn.
      if (drawn) state.chain = state.chain.then(() => ensureFrames(gd, state)).catch(() => null);
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

const PAYLOADS_KEPT = 4; // payloads the page keeps by token, for a chart mounted anew

function remembered(data) {
  // The payloads held, by token (window.__optivizPayloads survives a remount), so that
  // an answer to keep one ({keep: token}, chart_component.kept) finds it; an answer
  // that also sends sliders ({keep, token, sliders}) makes the payload then held
  // (keptPayload), kept under its own token.
  const cache = window.__optivizPayloads || (window.__optivizPayloads = new Map());
  const store = (payload) => {
    cache.delete(payload.token);
    cache.set(payload.token, payload);
    while (cache.size > PAYLOADS_KEPT) cache.delete(cache.keys().next().value);
    return payload;
  };
  if (data.keep === undefined) return data.token === undefined ? data : store(data);
  if (data.token === undefined) return cache.get(data.keep) || null;
  if (cache.has(data.token)) return cache.get(data.token);
  const held = cache.get(data.keep);
  return held ? store(keptPayload(held, data)) : null;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const sent = payload(component.data);
  let gd = parentElement.querySelector(":scope > .optiviz-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optiviz-chart";
    parentElement.appendChild(gd);
  }
  const state =
    gd.__optiviz ||
    (gd.__optiviz = { chain: Promise.resolve(), listening: false, speed: 1, want: {}, told: {} });
  state.setTriggerValue = setTriggerValue;
  if (sameAsDrawn(state, sent)) return () => {}; // a rerun that sent the payload drawn again
  const data = remembered(sent);
  const cleanup = () => {
    // Also called when a newer call supersedes this one: free the graph only if it left.
    setTimeout(() => {
      if (!gd.isConnected && window.Plotly) window.Plotly.purge(gd);
    }, 0);
  };
  if (sent.keep !== undefined && state.latest && state.latest.token === (sent.token ?? sent.keep)) {
    return cleanup; // a release this payload's family drew: the member drawn stays
  }
  if (!data) {
    // A keep of a payload this page never got (a rerun interrupted its message) or no
    // longer keeps: the stop let go at, sent as not drawn, brings the whole view.
    showError(gd, new Error("the page no longer holds the view to keep; it asked again"));
    const { key, value } = sent;
    if (key !== undefined) setTriggerValue("slider", { key, value, drawn: false });
    return cleanup;
  }
  state.latest = data;
  if (!state.holding) Object.assign(state, { want: {}, told: {} }); // the page caught up
  if (sent.keep !== undefined) keptAt(state, data, sent.key, sent.value);
  queueDraw(gd, state, data);
  return cleanup;
}

export function sameAsDrawn(state, sent) {
  // The payload comes as bytes (chart_component.encoded), a new array on every rerun, so
  // Streamlit calls the chart again where a JSON string equal to the last left it alone:
  // a whole payload with the token and presenter mode of the one drawn is that payload
  // again (its token is its contents' digest), and the graph, its animation and its
  // sliders stay as they are.
  const latest = state.latest;
  return (
    sent.keep === undefined &&
    sent.token !== undefined &&
    latest !== undefined &&
    latest.token === sent.token &&
    latest.present === sent.present
  );
}

function keptAt(state, data, key, value) {
  // A chart mounted anew with a kept payload: its slider at the value let go, which the
  // server holds (told), so the member there is swapped in as the thumb had it.
  const slider = (data.sliders || []).find((s) => s.key === key);
  const index = slider ? slider.stops.indexOf(value) : -1;
  if (index >= 0 && index !== slider.index) {
    state.want = { [key]: index };
    state.told = { [key]: index };
  }
}

// For the tests (tests/test_chart_js.py), which run these in Node.
export { keptPayload, settledView, swapped } from "./family.js";
export { frames3d, memberPath, swapped3d } from "./scene3d.js";
export { decode } from "./decode.js";
export { gapFitted } from "./fit.js";
export { frameData, mapFigure, readoutText, tracks } from "./frames.js";
export { hiddenTraces, unoutlined } from "./hiding.js";
export { atSpeed, playOptions, strided } from "./player.js";
export { outlined, presented, presentedLayout } from "./theme.js";
