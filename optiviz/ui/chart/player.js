// The player: Play from the frame shown, Pause, a step, a seek, at a speed (frames too
// short for the browser are strided), through Plotly.animate.

import { mapFigure } from "./frames.js";
import { isAnimating } from "./plotly_adapter.js";

export const STILL = { frame: { duration: 0, redraw: false }, mode: "immediate", transition: { duration: 0 } };

const MIN_FRAME_MS = 30;
// Headless Chromium with software rendering drew at most about 40 frames/s of the map, so
// a frame shorter than this plays every stride-th frame for as long as stride frames.

export function atSpeed(options, speed) {
  // Play options with the frame duration divided by speed, and the stride: a 30 ms frame
  // at 2× is every second frame for 30 ms (each step still lasts 15 ms).
  const frame = options.frame || {};
  const want = (frame.duration || 0) / (speed || 1);
  const stride = want > 0 && want < MIN_FRAME_MS ? Math.ceil(MIN_FRAME_MS / want) : 1;
  return { options: { ...options, frame: { ...frame, duration: want * stride } }, stride };
}

export function strided(names, stride) {
  // Every stride-th of names, always ending on the last.
  if (stride <= 1) return names;
  return names.filter((_, k) => (k + 1) % stride === 0 || k === names.length - 1);
}

export function currentStep(gd) {
  // The step shown by the view's own controls (the top or the 3-D view), or null before
  // its first draw.
  const state = gd.__optiviz;
  if (state && state.playOptions && state.names && state.names.length) {
    return Number(state.names[state.shown || 0]);
  }
  return null;
}

export function isPlaying(gd) {
  return isAnimating(gd);
}

export function playOptions(animation) {
  // Plotly.animate's options for Play in the top view: animation.frame_ms per frame, no
  // redraw (the 3-D view's: view3d.js playOptions3d).
  return { ...STILL, frame: { duration: animation.frame_ms, redraw: false } };
}

export function play(gd, names, options, stride = 1) {
  // Play from the frame after the one shown (from the start once at the end). With the
  // frames up to date the animation is queued at once, so a draw that comes next sees Play
  // on (and resumes it after its redraw).
  const state = gd.__optiviz;
  if (state && state.framesStale) {
    return ensureFrames(gd, state).then(() => play(gd, names, options, stride));
  }
  const step = currentStep(gd);
  let index = names.findIndex((name) => Number(name) === step);
  if (index >= names.length - 1) index = -1;
  const queue = strided(names.slice(index + 1), stride);
  return window.Plotly.animate(gd, queue, options).catch(() => null);
}

export async function ensureFrames(gd, state) {
  // After swaps, the frames built from the runs drawn now.
  if (!state || !state.framesStale) return;
  state.framesStale = false;
  const frames = mapFigure(state.view.figure, state.animation, state.runs).frames;
  await window.Plotly.addFrames(gd, frames);
}

function still(state) {
  // A frame shown at once: with a redraw where the view's frames need one (the 3-D view).
  const redraw = Boolean(state.playOptions && state.playOptions.frame.redraw);
  return redraw ? { ...STILL, frame: { duration: 0, redraw } } : STILL;
}

export async function seek(gd, state, index) {
  // The slider moved: pause, and show that frame.
  if (isPlaying(gd)) await window.Plotly.animate(gd, [null], STILL).catch(() => null);
  await ensureFrames(gd, state);
  await window.Plotly.animate(gd, [state.names[index]], still(state)).catch(() => null);
}

export function togglePlay(gd, state) {
  if (isPlaying(gd)) return window.Plotly.animate(gd, [null], STILL).catch(() => null);
  const plan = atSpeed(state.playOptions, state.speed);
  return play(gd, state.names, plan.options, plan.stride);
}

export async function stepFrame(gd, state, by) {
  // Pause, then show the frame `by` frames from the one shown (clamped to the ends).
  if (isPlaying(gd)) await window.Plotly.animate(gd, [null], STILL).catch(() => null);
  await ensureFrames(gd, state);
  const step = currentStep(gd);
  const index = state.names.findIndex((name) => Number(name) === step);
  const next = Math.min(state.names.length - 1, Math.max(0, index + by));
  if (next !== index) await window.Plotly.animate(gd, [state.names[next]], still(state)).catch(() => null);
}
