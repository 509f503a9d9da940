"""What the browser tests read, each animation frame, of a slider's follower: the run that
follows α, whose path a drag swaps for its family's members."""

from __future__ import annotations

FOLLOWER_JS = """(gd, track, ids) => {
  // The α thumb's text, and whether the follower's path in gd.data is the member of the
  // stop that text names (its point 5, decoded as family.js does; null where the family
  // does not hold that stop). `ids` are the view's run ids (animation.runs or
  // scene3d.runs); returns the follower's ids and path x too.
  const slider = gd.__optiviz.prepared.sliders[0];
  const family = slider.families[0];
  const run = ids[family.run];
  const text = track.getAttribute('aria-valuetext');
  const index = slider.texts.indexOf(text.split(' = ')[1]);
  const x = gd.data[run.path].x;
  let drawn = null;
  if (index >= slider.first && index < slider.first + slider.count) {
    const codes = family.xy[index - slider.first];
    const [lo, hi] = family.box[0];
    const span = hi - lo;
    const at = Math.min(5, codes.length / 2 - 1);
    const want = lo - span + codes[2 * at] * (3 * span / 65534);
    const gap = Number.isNaN(x[at]) && codes[2 * at] === 65535;
    drawn = Math.abs(x[at] - want) <= span / 5000 || gap;
  }
  return {text, drawn, x, run, family};
}"""
"""A JS function ``(gd, track, ids) -> {text, drawn, x, run, family}``, written into a
test's per-frame sampler."""
