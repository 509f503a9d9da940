// Every read of plotly.js's private fields (_fullLayout, _transitionData, _input and an
// axis's _offset, _length and p2l), in one place: a plotly.js upgrade that moves them is
// a change to this file alone. Each function takes the graph div.

export function sliderStep(gd) {
  // The step label of the active step of the graph's own (Plotly) slider, or null.
  const slider = gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0];
  if (!slider || !slider._input.steps.length) return null;
  return Number(slider._input.steps[slider._input.active || 0].label);
}

export function isAnimating(gd) {
  // Whether frames are queued: Play is on.
  const queue = gd._transitionData && gd._transitionData._frameQueue;
  return Boolean(queue && queue.length);
}

export function frameNames(gd) {
  // The names of the graph's frames, in order.
  return gd._transitionData._frames.map((frame) => frame.name);
}

export function drawnHeight(gd) {
  // The height the graph was laid out at, or null before its first draw.
  return gd._fullLayout ? gd._fullLayout.height : null;
}

export function drawnRange(gd, axis) {
  // The range axis `axis` ("xaxis", "yaxis") is drawn with.
  return gd._fullLayout[axis].range;
}

export function mapPoint(gd, event) {
  // The map's (xaxis, yaxis) data coordinates under a pointer event, or null outside
  // its plot area.
  const xa = gd._fullLayout.xaxis;
  const ya = gd._fullLayout.yaxis;
  if (!xa || !ya) return null;
  const box = gd.querySelector(".main-svg").getBoundingClientRect();
  const px = event.clientX - box.left - xa._offset;
  const py = event.clientY - box.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  return { x: xa.p2l(px), y: ya.p2l(py) };
}
