// The 3-D view drawn: the figure with its frames (scene3d.js), the HTML controls (Play,
// Pause, the step, the speeds) and the notes, and a slider's member swapped in while its
// thumb moves: on a 2-D overlay while the thumb is held (the followers' WebGL traces
// emptied once per hold, plotly_adapter.blank3d; no WebGL redraw per move), by Plotly once
// it rests or is let go, or at once while Play is on.

import { controlBar, readoutBox, showStep } from "./controls.js";
import { holds } from "./family.js";
import { contain, fitHeight } from "./fit.js";
import { hide, isHidden } from "./hiding.js";
import { loadPlotly } from "./loader.js";
import { notesBox } from "./notes.js";
import { atSpeed, currentStep, isPlaying, play } from "./player.js";
import { blank3d, clearOverlay3d, drawOverlay3d } from "./plotly_adapter.js";
import { frames3d, overlayLines, swapped3d } from "./scene3d.js";
import { narrowed, outlined, presented, presentedLayout, themed, isDark } from "./theme.js";

const REST_MS = 250; // a held thumb at rest this long: WebGL draws the member

export function playOptions3d(scene3d) {
  // Play: each frame a WebGL redraw (3-D traces move only so).
  return { frame: { duration: scene3d.frame_ms, redraw: true }, mode: "immediate", transition: { duration: 0 } };
}

function moved3d(state, base) {
  // The view as the sliders have it (chart.js moved(), for the 3-D view's families).
  let view = base;
  let pending = null;
  for (const slider of base.sliders || []) {
    const want = state.want[slider.key];
    if (want === undefined || want === slider.index) continue;
    if (holds(slider, want)) {
      view = swapped3d(view, slider, want);
      state.latentShown = true;
    } else {
      pending = slider.key;
    }
  }
  return { view, pending };
}

function followerTraces(base) {
  // The path and ball traces of every run a slider's family follows.
  const ids = new Set();
  for (const slider of base.sliders || []) {
    for (const family of slider.families) {
      const run = base.scene3d.runs[family.run];
      ids.add(run.path).add(run.ball);
    }
  }
  return [...ids];
}

async function drawHeld(gd, state, base, view, hooks) {
  // A move while the thumb is held: the followers' WebGL traces hidden (once per hold),
  // their members drawn on the overlay, gd.data given the members' paths (copies, so
  // Plotly sees them change when it next draws), and the words, in one task.
  const hidden = (i) => isHidden(state, base.scene3d.runs[i], i);
  if (!state.blanked) {
    const ids = followerTraces(base);
    if (!blank3d(gd, ids)) await window.Plotly.restyle(gd, { visible: false }, ids);
    state.blanked = true;
  }
  const step = Number(state.names[state.shown || 0]);
  const lines = overlayLines(view, base.sliders, step).filter((line) => !hidden(line.run));
  if (!drawOverlay3d(gd, lines, Boolean(base.present))) return false;
  for (const line of lines) {
    const i = base.scene3d.runs[line.run].path;
    const { x, y, z } = line.path;
    gd.data[i] = { ...gd.data[i], x: Float64Array.from(x), y: Float64Array.from(y), z: Float64Array.from(z) };
  }
  clearTimeout(state.resting);
  state.resting = setTimeout(() => {
    state.settle = true;
    hooks.redraw();
  }, REST_MS);
  state.view = view;
  return true;
}

function traces3d(view, scene3d, index, hidden) {
  // The figure's traces with each run's ball at frame `index` and its visibility.
  const data = view.figure.data.slice();
  const t = scene3d.steps[index] || 0;
  scene3d.runs.forEach((run, i) => {
    const visible = !hidden(i);
    data[run.path] = { ...data[run.path], visible };
    const ball = frames3d(view.figure, { ...scene3d, steps: [t] }, hidden)[0].data[i];
    data[run.ball] = { ...data[run.ball], ...ball, visible };
  });
  return data;
}

export async function draw3d(gd, state, data, base, hooks) {
  // Draw the 3-D view of payload `data` (decoded: `base`) as the sliders have it.
  // hooks: sliders(pending) draws the sliders' row, toggle(i) hides or shows run i,
  // redraw() asks for a draw of the latest data.
  const scene3d = base.scene3d;
  hide(state, scene3d.runs, base);
  const { view, pending } = moved3d(state, base);
  const hidden = (i) => isHidden(state, scene3d.runs[i], i);
  const playing = isPlaying(gd);
  const held = state.drawnData === data && state.holding && !playing && !state.settle;
  state.settle = false;
  if (held && (await drawHeld(gd, state, base, view, hooks))) {
    notesBox(gd, state, view, hooks.toggle);
    hooks.sliders(pending);
    return;
  }
  clearTimeout(state.resting);
  notesBox(gd, state, view, hooks.toggle);
  const Plotly = await loadPlotly();
  const step = currentStep(gd);
  if (playing) await Plotly.animate(gd, [null], { mode: "immediate" });
  const frames = frames3d(view.figure, scene3d, hidden);
  const names = frames.map((frame) => frame.name);
  let index = 0;
  if (step !== null) names.forEach((name, i) => (Number(name) <= step ? (index = i) : null));
  const layout = narrowed(presentedLayout(themed(view.figure.layout, gd.parentElement), data.present), data);
  Object.assign(state, { kind: data.kind, present: Boolean(data.present), names, shown: index });
  Object.assign(state, { animation: null, runs: null, height: layout.height, narrow: false });
  state.playOptions = playOptions3d(scene3d);
  readoutBox(gd, state, layout);
  controlBar(gd, state);
  hooks.sliders(pending);
  layout.height = fitHeight(gd, state); // Play, α and (presenting) the verdicts on one screen
  contain(gd, null);
  const dark = isDark(gd.parentElement);
  const traces = presented(outlined(traces3d(view, scene3d, index, hidden), data.outline, dark), data);
  // WebGL at the screen's own pixel ratio (plotly.js renders at 2 by default: four times
  // the pixels on a 1x screen, each redraw that much slower under software rendering).
  const config = { ...data.config, plotGlPixelRatio: Math.max(1, window.devicePixelRatio || 1) };
  await Plotly.react(gd, { data: traces, layout, frames, config });
  clearOverlay3d(gd);
  state.blanked = false;
  hooks.sliders(pending);
  Object.assign(state, { drawnData: data, view, framesStale: false });
  showStep(gd, state, index);
  if (playing && index < names.length - 1) {
    const plan = atSpeed(state.playOptions, state.speed);
    play(gd, names, plan.options, plan.stride);
  }
}
