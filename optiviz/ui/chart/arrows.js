// "Inside a step": at the step shown, three arrows from each run's ball x_t, to scale on
// the map: the gradient step −α_t·g_t, the momentum term from its tip (heavy ball,
// Nesterov: the two chain to x_{t+1}) and the actual step x_{t+1} − x_t; and, in the
// readout, the arrows' key and an adaptive rule's per-coordinate effective step.
//
// optiviz/figures/arrows.py builds the traces (animation.arrows: the outline, then one per
// kind of animation.arrow_key, the actual step, the gradient step and the momentum term,
// or for gradient descent alone the gradient step, which is its step; each with one arrow
// per run: start, tip, gap) and each run's `parts` (optiviz.step_parts, where a rule's gradient
// step differs from its step); a slider's family carries its members' `parts` packed.
// This module only draws them: a frame's data, a member's parts, the readout's words.

import { formatG } from "./format.js";

export function frameTraces(animation) {
  // The traces a frame updates: the moving ones, then the arrows'.
  return animation.arrows ? [...animation.ids, ...animation.arrows] : animation.ids;
}

function row(values, t, width) {
  // Row t of a (T, width) array: decoded as rows (settled runs) or flat (family members).
  if (!values) return null;
  if (Array.isArray(values)) return values[t];
  return values.subarray(t * width, (t + 1) * width);
}

function ends(run, t, shortest = 0) {
  // The arrows of run `run` at step t, as [start, tip] pairs per kind (null: not drawn,
  // as is one shorter than `shortest`, whose head would point anywhere): on a curve's map
  // (parts.width 1) every arrow is horizontal at the ball's height.
  const parts = run.parts;
  if (!parts || run.hidden || !(t < run.lr.length)) return null;
  const flat = parts.width === 1;
  const start = [run.x[t], run.y[t]];
  const next = [run.x[t + 1], flat ? run.y[t] : run.y[t + 1]];
  if (!start.every(Number.isFinite)) return null;
  const g = row(parts.gradient, t, parts.width);
  const tip = g ? [start[0] + g[0], flat ? start[1] : start[1] + g[1]] : next;
  const ok = (p) => p.every(Number.isFinite);
  const arrow = (a, b) =>
    ok(a) && ok(b) && Math.hypot(b[0] - a[0], b[1] - a[1]) >= shortest ? [a, b] : null;
  return {
    step: arrow(start, next),
    gradient: arrow(start, tip),
    momentum: parts.carried ? arrow(tip, next) : null,
  };
}

export function arrowData(runs, animation, t) {
  // The arrows' traces at step t, in animation.arrows' order: the outline under every
  // arrow, then one trace per kind of the key, each run's arrow as its start, its tip and
  // a gap (a hidden run's, and a step it has not, as gaps).
  if (!animation.arrows || !animation.arrows.length) return [];
  const kinds = animation.arrow_key.map((entry) => entry.kind);
  const lines = kinds.map(() => ({ x: [], y: [] }));
  const outline = { x: [], y: [] };
  for (const run of runs) {
    const at = ends(run, t, animation.arrow_min || 0);
    kinds.forEach((kind, k) => {
      const pair = at && at[kind];
      const [a, b] = pair || [[NaN, NaN], [NaN, NaN]];
      lines[k].x.push(a[0], b[0], NaN);
      lines[k].y.push(a[1], b[1], NaN);
      if (pair) {
        outline.x.push(a[0], b[0], NaN);
        outline.y.push(a[1], b[1], NaN);
      }
    });
  }
  if (!outline.x.length) outline.x.push(NaN), outline.y.push(NaN);
  return [outline, ...lines];
}

export function memberParts(family, j, track, dequantised) {
  // Member j's parts from its family's packed ones (optiviz.figures.arrows.member_parts):
  // the gradient step is the tip the family carries (its codes decoded by family.js's
  // `dequantised`) less the member's ball (`track`).
  const packed = family.parts;
  if (!packed) return null;
  const width = packed.width;
  const out = { carried: packed.carried, width, rate_label: packed.rate_label, dim: packed.dim };
  if (packed.tip) {
    const codes = packed.tip[j];
    const steps = codes.length / width;
    const gradient = new Float64Array(codes.length);
    const axes = [track.x, track.y];
    for (let a = 0; a < width; a++) {
      const axis = new Uint16Array(steps);
      for (let t = 0; t < steps; t++) axis[t] = codes[t * width + a];
      const tips = dequantised(axis, family.box[a][0], family.box[a][1]);
      for (let t = 0; t < steps; t++) gradient[t * width + a] = tips[t] - axes[a][t];
    }
    out.gradient = gradient;
  }
  if (packed.rate) out.rate = packed.rate[j];
  return out;
}

export function rateText(run, t) {
  // "α_t/(√v̂_t+ε) = (0.1, 0.005)": an adaptive run's effective step per coordinate at
  // step t, with the readout's tags; "" for other rules and past the run's steps.
  const parts = run.parts;
  if (!parts || !parts.rate || !(t < run.lr.length)) return "";
  const rate = row(parts.rate, t, parts.dim);
  const values = Array.from(rate, (v) => formatG(v, 3));
  return ` · effective step ${parts.rate_label} = (${values.join(", ")})`;
}

function swatch(colour) {
  // A short arrow in the key.
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 28 10");
  svg.setAttribute("aria-hidden", "true");
  svg.style.cssText = "width:1.8em;height:0.7em;vertical-align:middle;margin:0 0.2em 0 0.7em";
  const line = document.createElementNS(ns, "path");
  line.setAttribute("d", "M1 5H20");
  line.setAttribute("stroke", colour);
  line.setAttribute("stroke-width", "3");
  const head = document.createElementNS(ns, "path");
  head.setAttribute("d", "M18 0L28 5L18 10Z");
  head.setAttribute("fill", colour);
  svg.append(line, head);
  return svg;
}

function withSubs(text) {
  // The key's words with their <sub> tags as elements and everything else as text.
  const out = [];
  for (const part of text.split(/(<sub>[^<]*<\/sub>)/)) {
    if (!part) continue;
    const sub = /^<sub>([^<]*)<\/sub>$/.exec(part);
    if (sub) {
      const node = document.createElement("sub");
      node.textContent = sub[1];
      node.style.lineHeight = "0";
      out.push(node);
    } else out.push(document.createTextNode(part));
  }
  return out;
}

export function decorateReadout(box, runs, animation, index) {
  // The readout as optiviz.figures.animation writes it, and: the arrows' key on the
  // "step t" line, and on each adaptive run's line its effective step.
  const key = animation && animation.arrow_key;
  if (!box || !key || !key.length) return;
  const t = animation.steps[index];
  const lines = box.children;
  const head = lines[0];
  if (head) {
    const words = document.createElement("span");
    words.className = "optiviz-arrow-key";
    words.append(" · arrows, to scale:");
    for (const entry of key) {
      const item = document.createElement("span");
      item.dataset.kind = entry.kind;
      item.append(swatch(entry.colour), ...withSubs(entry.name));
      words.appendChild(item);
    }
    head.appendChild(words);
  }
  runs.forEach((run, k) => {
    const text = rateText(run, t);
    const line = lines[k + 1];
    if (text && line) {
      const words = document.createElement("span");
      words.className = "optiviz-rate";
      words.append(...withSubs(text));
      line.appendChild(words);
    }
  });
}
