// The α and k families: a slider's runs at every stop it can reach, swapped into the view.
//
// optiviz/figures/chart_data.py (family_chart, slider_chart) packs each family: per
// member its map path as uint16 codes over a box three times the view's (quantised), its
// loss, α_t, |gradient| and step length per step, where it leaves the map, and its words.
// This module unpacks them (once per payload) and builds the view with member j of each
// family in place of the run it follows: no server, no new frames from Python.

import { memberParts } from "./arrows.js";

const GAP = 65535; // a position's code for "no point" (after a divergence)
const LEVELS = 65534; // codes 0..LEVELS span the box packing.quantised describes

export function dequantised(codes, lo, hi) {
  // packing.dequantised: the codes of one axis back to map coordinates, NaN for GAP.
  const span = hi - lo;
  const unit = (3 * span) / LEVELS;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    out[i] = codes[i] === GAP ? NaN : lo - span + codes[i] * unit;
  }
  return out;
}

export function memberTrack(family, j, box) {
  // Member j of a decoded family: its map x and y, loss, α_t, |gradient| and step length.
  const xy = family.xy[j]; // (points, 2) codes, flat: x0 y0 x1 y1 ...
  const n = xy.length / 2;
  const xs = new Uint16Array(n);
  const ys = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = xy[2 * i];
    ys[i] = xy[2 * i + 1];
  }
  return {
    x: dequantised(xs, box[0][0], box[0][1]),
    y: dequantised(ys, box[1][0], box[1][1]),
    loss: family.loss[j],
    lr: family.lr[j],
    grad: family.grad[j],
    step: family.step[j],
  };
}

export function holds(slider, index) {
  // Whether the slider's families hold a member at stop `index`.
  return slider.count > 0 && index >= slider.first && index < slider.first + slider.count;
}

function withOutline(data, runs, follower, x, y) {
  // The outline trace (every run's path in run order, each ended by a NaN) with the
  // follower's stretch replaced by x, y.
  const j = data.findIndex((trace) => trace.meta === "outline");
  if (j < 0) return;
  const ox = Float64Array.from(data[j].x);
  const oy = Float64Array.from(data[j].y);
  let at = 0;
  for (let i = 0; i < follower; i++) at += runs[i].pathLength + 1;
  ox.set(x, at);
  oy.set(y, at);
  data[j] = { ...data[j], x: ox, y: oy };
}

function exitTrace(trace, where, name) {
  // The follower's exit arrow at `where` ([x, y, angle, step]), or empty.
  if (!where) return { ...trace, x: [NaN], y: [NaN] };
  const [x, y, angle, step] = where;
  return {
    ...trace,
    x: [x],
    y: [y],
    marker: { ...trace.marker, angle },
    hovertemplate: `${name} leaves the map at step ${step}<extra></extra>`,
  };
}

function memberEdge(trace, family, j) {
  // The follower's own threshold line 2/λ_max(θ_t) along member j's path (the family's
  // `edge`), or blank where the family has none (the shared grey line holds for every
  // member and stays).
  if (family.edge) return { ...trace, y: family.edge[j] };
  return { ...trace, y: new Float32Array(trace.y.length).fill(NaN) };
}

export function swappedNotes(verdicts, steps, family, i, j) {
  // Run i's verdict line and "What one step does" (in the notes' `verdicts` and `steps`,
  // changed in place) as member j of `family` has them.
  const name = family.names[j];
  verdicts[i] = {
    ...verdicts[i],
    name,
    label: family.label[j],
    label_colour: family.label_colour[j],
    final: family.final[j],
  };
  steps[i] = { name, text: family.first_step[j] };
}

export function swapped(view, slider, index) {
  // `view` ({figure, animation, notes}, decoded) with member `index` (a stop of
  // `slider`) of each of its families in place of the run it follows: the path, loss and
  // α_t traces, the outline's stretch, the exit arrow, the readout's arrays, and the
  // verdict and "What one step does" lines, its own threshold line (memberEdge) and its
  // arrows' parts (arrows.js memberParts).
  // The view itself is not changed.
  const j = index - slider.first;
  const data = view.figure.data.slice();
  const runs = view.animation.runs.slice();
  const verdicts = view.notes.verdicts.slice();
  const steps = view.notes.first_steps.slice();
  const lengths = runs.map((run) => data[run.path].x.length);
  runs.forEach((run, i) => (runs[i] = { ...run, pathLength: lengths[i] }));
  for (const family of slider.families) {
    const i = family.run;
    const ids = view.animation.runs[i];
    const track = memberTrack(family, j, family.box);
    const name = family.names[j];
    data[ids.path] = { ...data[ids.path], x: track.x, y: track.y };
    data[ids.loss] = { ...data[ids.loss], y: track.loss };
    data[ids.rate] = { ...data[ids.rate], y: track.lr };
    if (ids.exit !== undefined) data[ids.exit] = exitTrace(data[ids.exit], family.exit[j], name);
    if (ids.edge !== undefined) data[ids.edge] = memberEdge(data[ids.edge], family, j);
    withOutline(data, runs, i, track.x, track.y);
    const parts = memberParts(family, j, track, dequantised); // its arrows (arrows.js)
    const [grad, step] = [track.grad, track.step];
    runs[i] = { ...runs[i], name, label: family.label[j], grad, step, parts };
    swappedNotes(verdicts, steps, family, i, j);
  }
  runs.forEach((run) => delete run.pathLength);
  return {
    ...view,
    figure: { ...view.figure, data },
    animation: { ...view.animation, runs },
    notes: { ...view.notes, verdicts, first_steps: steps },
  };
}

export function keptPayload(held, keep) {
  // The payload the chart holds once the server answered a release of slider `keep.key`
  // at `keep.value` with {keep, token, sliders} (chart_component.kept, `sliders`: the
  // other slider's families, stale at the old value): `held` (as sent) with the answer's
  // token, that slider at its value and last in `settled`, and each slider the answer
  // sends in place of the one with its key. chart_component.settled does the same.
  const fresh = new Map(keep.sliders.map((slider) => [slider.key, slider]));
  const sliders = held.sliders.map((slider) => {
    if (fresh.has(slider.key)) return fresh.get(slider.key);
    if (slider.key === keep.key) return { ...slider, index: slider.stops.indexOf(keep.value) };
    return slider;
  });
  const settled = [...(held.settled || []).filter((key) => key !== keep.key), keep.key];
  return { ...held, token: keep.token, settled, sliders };
}

export function settledView(view, settled) {
  // A prepared payload's view (decoded, its sliders' families unpacked) with each slider
  // of `settled` at its stop: its families' members there in place of the runs they
  // follow (swapped), in that order. The figure draws the payload's own settings; each
  // release since moved one slider's stop. `stale`: the first such slider whose families
  // do not hold its stop (a family the page no longer keeps), whose runs are then wrong.
  // A latent run that α's slider moves ("my α", which joins the race) races from then on.
  let out = view;
  let stale = null;
  for (const key of settled || []) {
    const slider = (view.sliders || []).find((s) => s.key === key);
    if (slider && view.animation && holds(slider, slider.index)) {
      out = swapped(out, slider, slider.index);
      if (key !== "alpha") continue;
      const runs = out.animation.runs.slice();
      for (const { run } of slider.families) runs[run] = { ...runs[run], latent: false };
      out = { ...out, animation: { ...out.animation, runs } };
    } else if (stale === null) {
      stale = key;
    }
  }
  return { view: out, stale };
}

export function decadeFrom(stops, index, by) {
  // The stop a decade up (by = 1) or down (-1) from stop `index`: the one nearest to 10
  // or 1/10 times its value on a log scale (k's 0 moves to the smallest positive stop).
  const value = stops[index];
  if (!(value > 0)) return by > 0 ? Math.min(stops.length - 1, index + 1) : index;
  const want = Math.log(value) + by * Math.LN10;
  let best = index;
  let gap = Infinity;
  stops.forEach((v, i) => {
    if (!(v > 0)) return;
    const d = Math.abs(Math.log(v) - want);
    if (d < gap) [best, gap] = [i, d];
  });
  return best;
}

export function stopText(slider, index) {
  // "α = 0.8": the slider's text for stop `index`.
  return `${slider.symbol} = ${slider.texts[index]}`;
}

export function stopVerdict(slider, index) {
  // "converged · final loss 0.00123" at stop `index`, as the first family holds it, or
  // null where the families hold no member.
  if (!holds(slider, index)) return null;
  const j = index - slider.first;
  const lead = slider.families[0];
  return `${lead.label[j]} · ${lead.final[j]}`;
}
