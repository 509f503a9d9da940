// The chart's sliders, "Learning rate α" and "Decay rate k", drawn under the graph.
//
// Each is an ARIA slider (role, label, value now, value text "α = 0.8"): ← and → move one
// stop, PageUp and PageDown a decade, Home and End to the ends; a pointer (mouse, pen or
// finger) drags the thumb. Its track is the verdict strip: each stop coloured by its run's
// verdict, the presets marked, and the verdict and final loss of the stop under the
// pointer (or at the thumb) written beside it. The slider reports moves (`onMove`, every
// stop passed) and the release (`onRelease`: pointer up, or RELEASE_MS after the last key).

import { decadeFrom, holds, stopText, stopVerdict } from "./family.js";

export const RELEASE_MS = 300;
const STRIP_PX = { normal: 10, present: 18 };

function node(tag, className, style) {
  const out = document.createElement(tag);
  if (className) out.className = className;
  if (style) out.style.cssText = style;
  return out;
}

function build(slider, handlers) {
  // The slider's elements and their listeners; `handlers.index()` is the stop shown.
  const box = node("div", "optiviz-slider");
  box.dataset.key = slider.key;
  const label = node("span", "optiviz-slider-label");
  const track = node("div", "optiviz-slider-track");
  track.setAttribute("role", "slider");
  track.tabIndex = 0;
  const strip = node("div", "optiviz-slider-strip");
  const marks = node("div", "optiviz-slider-marks");
  const thumb = node("div", "optiviz-slider-thumb");
  track.append(strip, marks, thumb);
  const text = node("span", "optiviz-slider-value");
  text.setAttribute("aria-hidden", "true");
  const verdict = node("span", "optiviz-slider-verdict");
  verdict.setAttribute("aria-live", "polite");
  box.append(label, track, text, verdict);
  listen(box, track, handlers);
  return box;
}

function indexAt(track, clientX, count, rect = track.getBoundingClientRect()) {
  // The stop under clientX; `rect` is the track's box (read once per drag: reading it
  // after each redraw would lay the page out again on every move).
  const share = Math.min(1, Math.max(0, (clientX - rect.left) / Math.max(1, rect.width)));
  return Math.round(share * (count - 1));
}

function listen(box, track, handlers) {
  let releasing = null;
  let dragging = false;
  let rect = null; // the track's box while a drag lasts
  const current = () => box.__slider;
  const moveTo = (index) => {
    const slider = current();
    const next = Math.min(slider.stops.length - 1, Math.max(0, index));
    if (next !== handlers.index(slider.key)) handlers.onMove(slider.key, next);
  };
  track.addEventListener("keydown", (event) => {
    const slider = current();
    const at = handlers.index(slider.key);
    const last = slider.stops.length - 1;
    const moves = {
      ArrowRight: at + 1,
      ArrowUp: at + 1,
      ArrowLeft: at - 1,
      ArrowDown: at - 1,
      PageUp: decadeFrom(slider.stops, at, 1),
      PageDown: decadeFrom(slider.stops, at, -1),
      Home: 0,
      End: last,
    };
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation(); // presenter mode's ← and → step frames, but not here
    moveTo(moves[event.key]);
    clearTimeout(releasing);
    handlers.holding(slider.key, true);
    releasing = setTimeout(() => {
      handlers.holding(slider.key, false);
      handlers.onRelease(slider.key);
    }, RELEASE_MS);
  });
  track.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    dragging = true;
    rect = track.getBoundingClientRect();
    try {
      track.setPointerCapture(event.pointerId); // the drag goes on off the track
    } catch {
      // a synthetic event's pointer (bench.browser key) cannot be captured
    }
    track.focus({ preventScroll: true });
    handlers.holding(current().key, true);
    moveTo(indexAt(track, event.clientX, current().stops.length, rect));
    event.preventDefault();
  });
  track.addEventListener("pointermove", (event) => {
    const slider = current();
    if (dragging) moveTo(indexAt(track, event.clientX, slider.stops.length, rect));
    else showVerdict(box, slider, indexAt(track, event.clientX, slider.stops.length), handlers);
  });
  const end = () => {
    if (!dragging) return;
    dragging = false;
    handlers.holding(current().key, false);
    handlers.onRelease(current().key);
  };
  track.addEventListener("pointerup", end);
  track.addEventListener("pointercancel", end);
  track.addEventListener("pointerleave", () => dragging || showVerdict(box, current(), null, handlers));
  track.addEventListener("focus", () => showVerdict(box, current(), null, handlers));
}

function showVerdict(box, slider, hovered, handlers) {
  // The verdict and final loss, written: at the hovered stop, else at the thumb.
  const at = hovered === null ? handlers.index(slider.key) : hovered;
  const words = stopVerdict(slider, at);
  const prefix = hovered === null || hovered === handlers.index(slider.key) ? "" : `${stopText(slider, at)}: `;
  box.querySelector(".optiviz-slider-verdict").textContent = words
    ? `${prefix}${words}`
    : `${prefix}${slider.count ? "drawn when you let go" : ""}`;
}

function paintStrip(strip, slider, present) {
  // One band per stop in its verdict's colour; grey where no member is held.
  const n = slider.stops.length;
  const bands = slider.strip.map((cell, i) => {
    const band = node(
      "span",
      "",
      `position:absolute;top:0;bottom:0;left:${(100 * (i - 0.5)) / (n - 1)}%;` +
        `width:${100 / (n - 1)}%;background:${cell ? slider.verdict_colours[cell[0]] : "rgba(128,128,128,0.25)"}`,
    );
    band.title = `${stopText(slider, i)}: ${cell ? slider.verdicts[cell[0]] : "not computed"}`;
    return band;
  });
  strip.replaceChildren(...bands);
  strip.style.cssText =
    `position:absolute;left:0;right:0;top:50%;height:${present ? STRIP_PX.present : STRIP_PX.normal}px;` +
    "transform:translateY(-50%);border-radius:3px;overflow:hidden";
}

export function markPlaces(slider) {
  // The marks on the track, left to right: each preset at its stop, and where the payload
  // carries one, the stability line "2/λ_max" at its value (log-interpolated between
  // stops).
  const n = slider.stops.length;
  const places = slider.marks.map((mark) => ({ label: mark.label, at: mark.index / (n - 1) }));
  if (slider.critical_alpha > 0) {
    const logs = slider.stops.map((v) => Math.log(v));
    const want = Math.log(slider.critical_alpha);
    let i = logs.findIndex((v) => v >= want);
    if (i < 0) i = n - 1;
    const lo = Math.max(0, i - 1);
    const share = logs[i] === logs[lo] ? 0 : (want - logs[lo]) / (logs[i] - logs[lo]);
    places.push({ label: "2/λ_max", at: (lo + Math.min(1, Math.max(0, share))) / (n - 1), line: true });
  }
  places.sort((a, b) => a.at - b.at);
  return places;
}

function placeRows(places, width, charPx) {
  // Each label over the track where it clears the labels already placed, the stability
  // line's first; one that does not shows its tick only (its name stays in its title).
  const placed = [];
  const order = [...places].sort((a, b) => Number(Boolean(b.line)) - Number(Boolean(a.line)));
  for (const place of order) {
    const half = (place.label.length + 1) * charPx * 0.5;
    const [lo, hi] = [place.at * width - half, place.at * width + half];
    place.bare = placed.some(([a, b]) => lo < b + 4 && hi > a - 4);
    if (!place.bare) placed.push([lo, hi]);
  }
  return places;
}

function paintMarks(marks, slider, present) {
  // The presets and the stability line: a tick over (or under) the track, and its name.
  const width = marks.parentElement.getBoundingClientRect().width || 300;
  const places = placeRows(markPlaces(slider), width, present ? 8.5 : 6);
  marks.replaceChildren(
    ...places.map((place) => {
      const tick = node(
        "span",
        place.line ? "optiviz-slider-mark optiviz-slider-critical" : "optiviz-slider-mark",
        `position:absolute;top:0;left:${100 * place.at}%;` +
          "transform:translateX(-50%);font-size:0.7em;line-height:1;white-space:nowrap;" +
          `pointer-events:none;opacity:0.9;${place.line ? "font-weight:700" : ""}`,
      );
      tick.textContent = place.bare ? "" : `▾${place.label}`;
      if (place.bare) {
        // A short line at the track's edge: the mark without a name that would cover another's.
        tick.style.cssText +=
          ";top:auto;bottom:0;height:0.35em;width:0;border-left:2px solid currentColor;opacity:0.6";
      }
      tick.title = place.label;
      return tick;
    }),
  );
  marks.style.cssText = "position:absolute;left:0;right:0;top:-0.8em;height:0.8em;pointer-events:none";
}

function style(box, track, thumb, present) {
  const size = present ? "1.15rem" : "0.875rem";
  box.style.cssText =
    "display:flex;flex-wrap:wrap;align-items:center;gap:0 0.75rem;margin:0;" +
    `font-size:${size};color:var(--st-text-color, inherit)`;
  box.querySelector(".optiviz-slider-label").style.cssText = "min-width:8.5em;font-weight:600";
  track.style.cssText =
    `position:relative;flex:1 1 14rem;min-width:10rem;height:${present ? 1.5 : 1.8}em;margin:0.8em 0 0.1em;` +
    "cursor:pointer;touch-action:none;outline-offset:2px;user-select:none";
  thumb.style.cssText =
    `position:absolute;top:50%;width:${present ? 14 : 10}px;height:${present ? 28 : 22}px;` +
    "transform:translate(-50%,-50%);border-radius:4px;pointer-events:none;" +
    "background:var(--st-text-color, #31333f);border:2px solid var(--st-background-color, #fff)";
  box.querySelector(".optiviz-slider-value").style.cssText =
    "min-width:6.5em;font-variant-numeric:tabular-nums;font-weight:600";
  box.querySelector(".optiviz-slider-verdict").style.cssText = "min-width:12em";
}

export function sliderBox(container, slider, present, handlers) {
  // Draw (or update) `slider` in `container`; returns its element.
  let box = container.querySelector(`:scope > .optiviz-slider[data-key="${slider.key}"]`);
  if (!box) {
    box = build(slider, handlers);
    container.appendChild(box);
  }
  box.__slider = slider;
  const track = box.querySelector(".optiviz-slider-track");
  style(box, track, box.querySelector(".optiviz-slider-thumb"), present);
  box.querySelector(".optiviz-slider-label").textContent = slider.label;
  track.setAttribute("aria-label", slider.label);
  track.title = slider.help;
  paintStrip(box.querySelector(".optiviz-slider-strip"), slider, present);
  paintMarks(box.querySelector(".optiviz-slider-marks"), slider, present);
  showValue(box, slider, handlers.index(slider.key), handlers);
  return box;
}

export function showValue(box, slider, index, handlers) {
  // The thumb, the ARIA value and the text at stop `index` (called in the same task as
  // the graph's redraw with that stop's runs, so the text never shows another α).
  const track = box.querySelector(".optiviz-slider-track");
  const n = slider.stops.length;
  track.setAttribute("aria-valuemin", String(slider.stops[0]));
  track.setAttribute("aria-valuemax", String(slider.stops[n - 1]));
  track.setAttribute("aria-valuenow", String(slider.stops[index]));
  track.setAttribute("aria-valuetext", stopText(slider, index));
  box.querySelector(".optiviz-slider-thumb").style.left = `${(100 * index) / (n - 1)}%`;
  box.querySelector(".optiviz-slider-value").textContent = stopText(slider, index);
  showVerdict(box, slider, null, handlers);
}

export function sliderBar(gd, anchor, sliders, present, handlers) {
  // The sliders' row under the graph's controls (Play, the step): one per slider sent.
  const parent = gd.parentElement;
  let bar = parent.querySelector(":scope > .optiviz-sliders");
  if (!sliders || !sliders.length) {
    if (bar) bar.remove();
    return null;
  }
  if (!bar) {
    bar = node("div", "optiviz-sliders");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Learning rate and decay");
  }
  if (bar.previousElementSibling !== anchor) anchor.after(bar);
  const keys = new Set(sliders.map((s) => s.key));
  for (const old of bar.querySelectorAll(":scope > .optiviz-slider")) {
    if (!keys.has(old.dataset.key)) old.remove();
  }
  for (const slider of sliders) sliderBox(bar, slider, present, handlers);
  return bar;
}

export { holds };
