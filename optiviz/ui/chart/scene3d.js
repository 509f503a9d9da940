// The 3-D view: its frames, built from the paths' own arrays, and the α and k family
// members swapped onto the surface while a slider's thumb moves.
//
// optiviz/figures/surface3d.py sends the static figure (the surface, each run's path at
// z = loss + path_lift, each ball at step 0) and `scene3d` (surface3d.motion): per run
// its path and ball trace indices, the frame steps and the lifts. A frame puts each ball
// ball_lift above its path's point at the frame's step. A member's path is its family's
// positions (family.js memberTrack) at z = its loss + path_lift, a gap above the ceiling,
// as surface3d._path draws a run.
//
// Every change of a WebGL scene is a redraw of the whole scene, which software rendering
// draws a few times a second; so while a thumb is held (and Play is off) the followers'
// WebGL paths and balls are hidden once and their members drawn on a 2-D canvas over the
// scene (plotly_adapter.js drawOverlay3d: the scene's own projection), and WebGL draws
// them when the thumb rests or is let go.

import { memberTrack, swappedNotes } from "./family.js";

export function ballAt(path, t, lift) {
  // A ball's trace data at step t: lift above its path's point there (a gap past its end).
  const k = Math.min(t, path.x.length - 1);
  return { x: [path.x[k]], y: [path.y[k]], z: [path.z[k] + lift] };
}

export function frames3d(figure, scene3d, hidden = () => false) {
  // Plotly frames, one per frame step, named by step: each run's ball (a gap for a hidden
  // run), read from the run's path trace in `figure`.
  const balls = scene3d.runs.map((run) => run.ball);
  return scene3d.steps.map((t) => ({
    name: String(t),
    traces: balls,
    data: scene3d.runs.map((run, i) =>
      hidden(i) ? { x: [NaN], y: [NaN], z: [NaN] } : ballAt(figure.data[run.path], t, scene3d.ball_lift),
    ),
  }));
}

export function memberPath(family, j, scene3d) {
  // Member j's path in the scene: x and y from its quantised positions, z = its loss +
  // path_lift where the loss is at most the ceiling (NaN above: a gap), as surface3d does.
  const track = memberTrack(family, j, family.box);
  const z = new Float64Array(track.loss.length);
  for (let i = 0; i < z.length; i++) {
    const loss = track.loss[i];
    z[i] = loss <= scene3d.ceiling ? loss + scene3d.path_lift : NaN;
  }
  return { x: track.x, y: track.y, z };
}

export function swapped3d(view, slider, index) {
  // `view` ({figure, scene3d, notes}, decoded) with member `index` (a stop of `slider`) of
  // each of its families in place of the run it follows: its path, and its verdict and
  // "What one step does" lines. The view itself is not changed.
  const j = index - slider.first;
  const data = view.figure.data.slice();
  const verdicts = view.notes.verdicts.slice();
  const steps = view.notes.first_steps.slice();
  for (const family of slider.families) {
    const ids = view.scene3d.runs[family.run];
    data[ids.path] = { ...data[ids.path], ...memberPath(family, j, view.scene3d) };
    swappedNotes(verdicts, steps, family, family.run, j);
  }
  return {
    ...view,
    figure: { ...view.figure, data },
    notes: { ...view.notes, verdicts, first_steps: steps },
  };
}

export function moving3d(view, scene3d, step, hidden) {
  // The followers' and every run's traces at step `step`, for Plotly: [traces, data]
  // (each path and its ball; a hidden run's are invisible).
  const traces = [];
  const data = [];
  scene3d.runs.forEach((run, i) => {
    const path = view.figure.data[run.path];
    const visible = !hidden(i);
    traces.push(run.path, run.ball);
    data.push({ x: path.x, y: path.y, z: path.z, visible });
    data.push({ ...ballAt(path, step, scene3d.ball_lift), visible });
  });
  return [traces, data];
}

export function overlayLines(view, sliders, step) {
  // What the 2-D overlay draws while a thumb is held: per following run its path and its
  // ball at step `step`, in the run's colour.
  const scene3d = view.scene3d;
  const out = [];
  for (const slider of sliders) {
    for (const family of slider.families) {
      const run = scene3d.runs[family.run];
      const path = view.figure.data[run.path];
      out.push({ run: family.run, path, ball: ballAt(path, step, scene3d.ball_lift), colour: run.colour });
    }
  }
  return out;
}
