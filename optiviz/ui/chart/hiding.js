// Hidden runs: which runs the user hid (and the latent "my α" before α moves), and the
// traces and the stretch of the outline that hiding leaves out.

export function hide(state, runs, view) {
  // The runs the user hid (by clicking their verdict) and whether the latent run ("my α"
  // before α moves) shows yet; a new surface or another number of runs resets both.
  const key = `${view.figure.layout.uirevision}:${runs.length}`;
  if (state.hiddenKey !== key) {
    state.hidden = new Set();
    state.latentShown = false;
  }
  state.hiddenKey = key;
}

export function isHidden(state, run, i) {
  return state.hidden.has(i) || Boolean(run.latent && !state.latentShown);
}

export function hiddenTraces(runs, animation, all = false) {
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

export function unoutlined(traces, runs) {
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
