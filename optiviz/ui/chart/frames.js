// The top view's frames, built from each run's arrays (optiviz/figures/chart_data.py packs
// them; Python builds no frames for the chart), and the per-step readout's text and its
// HTML. Modules that draw more at each frame register with onFrame (arrows.js does).

import { arrowData, frameTraces } from "./arrows.js";
import { replaceChanged } from "./dom.js";
import { formatG } from "./format.js";

function readout(run, t) {
  // optiviz.figures.runs.readout, for step t.
  if (t >= run.lr.length || !Number.isFinite(run.loss[t])) {
    const last = run.loss[Math.min(t, run.loss.length - 1)];
    return `${run.name}: ${Number.isFinite(last) ? `loss ${formatG(last, 4)}` : run.label}`;
  }
  return (
    `${run.name}: |gradient| ${formatG(run.grad[t], 3)}` +
    ` × α<sub>t</sub> ${formatG(run.lr[t], 3)}` +
    ` → step ${formatG(run.step[t], 3)} · loss ${formatG(run.loss[t], 4)}`
  );
}

export function tracks(figure, animation) {
  // Each run's map x/y, loss and alpha_t, read from its static traces.
  return animation.runs.map((run) => ({
    ...run,
    x: figure.data[run.path].x,
    y: figure.data[run.path].y,
    loss: figure.data[run.loss].y,
    lr: figure.data[run.rate].y,
  }));
}

export function frameData(runs, animation, i) {
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

export function readoutText(runs, animation, i) {
  // The readout of frame i, as optiviz.figures.animation._frames writes it.
  const t = animation.steps[i];
  return [`<b>step ${t}</b>`, ...runs.map((run) => readout(run, t))].join("<br>");
}

export function shownRuns(runs) {
  // The runs the readout lists: all but a latent one ("my α" before α moves).
  return runs.filter((run) => !(run.latent && run.hidden));
}

export function showReadout(box, runs, text) {
  // The readout's lines, a run's in its colour; its tags (<b>, <sub>) as elements and
  // everything else as text, so no name can inject markup.
  replaceChanged(
    box,
    text.split("<br>").map((line, k) => {
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

export function mapFigure(figure, animation, runs = tracks(figure, animation)) {
  // The figure with its frames built from the runs' tracks, one per step, named by step.
  const frames = animation.steps.map((t, i) => ({
    name: String(t),
    traces: frameTraces(animation),
    data: frameData(runs, animation, i),
  }));
  return { ...figure, frames };
}

export const frameHooks = [];
// Called as hook(readoutBox, runs, animation, index) after each frame's readout is written.

export function onFrame(hook) {
  // Run `hook` after the readout of every frame shown (a step, Play, a slider's swap).
  if (!frameHooks.includes(hook)) frameHooks.push(hook);
}
