// The top view's HTML controls: Play, Pause, the step slider and its label, the speeds,
// and the readout box above the graph; showStep writes the frame shown into them.

import { frameHooks, readoutText, shownRuns, showReadout } from "./frames.js";
import { isPlaying, seek, STILL, togglePlay } from "./player.js";
import { NORMAL_TYPE, PRESENT_TYPE } from "./theme.js";

const SPEEDS = [
  ["½×", 0.5],
  ["1×", 1],
  ["2×", 2],
];

function control(tag, className, label, title) {
  // A control of the bar; a button does not take focus from the page (presenter keys).
  const node = document.createElement(tag);
  node.className = className;
  if (tag === "button") {
    node.type = "button";
    node.textContent = label;
    node.title = title;
    node.addEventListener("mousedown", (e) => e.preventDefault());
  }
  return node;
}

function buildBar(gd, state) {
  // ▶ Play, ❚❚ Pause, the step slider with its "step t" label, and the speeds.
  const bar = control("div", "optiviz-controls");
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Animation");
  const play = control("button", "optiviz-play", "▶ Play", "Play the steps from the one shown");
  play.addEventListener("click", () => isPlaying(gd) || togglePlay(gd, state));
  const pause = control("button", "optiviz-pause", "❚❚ Pause", "Pause at the step shown");
  pause.addEventListener("click", () => isPlaying(gd) && togglePlay(gd, state));
  const scrub = control("input", "optiviz-scrub");
  Object.assign(scrub, { type: "range", min: "0", step: "1" });
  scrub.setAttribute("aria-label", "Step shown");
  scrub.title = "Drag to show any step; the arrow keys move one step";
  scrub.addEventListener("input", () => seek(gd, state, Number(scrub.value)));
  const label = control("span", "optiviz-step");
  const speeds = control("div", "optiviz-speed");
  speeds.setAttribute("role", "group");
  speeds.setAttribute("aria-label", "Play speed");
  speeds.append("Speed ");
  for (const [text, speed] of SPEEDS) {
    const button = control("button", "", text, `Play at ${text} speed`);
    button.dataset.speed = String(speed);
    button.addEventListener("click", () => setSpeed(gd, state, speed));
    speeds.appendChild(button);
  }
  bar.append(play, pause, scrub, label, speeds);
  return bar;
}

function barStyle(bar, present) {
  // Streamlit's colours from its CSS variables; larger in presenter mode.
  const size = present ? "1.15rem" : "0.875rem";
  bar.style.cssText =
    "display:flex;flex-wrap:wrap;gap:0.25rem 0.5rem;align-items:center;margin:0.25rem 0 0;" +
    `font-size:${size};color:var(--st-text-color, inherit)`;
  const scrub = bar.querySelector(".optiviz-scrub");
  scrub.style.cssText =
    "flex:1 1 12rem;min-width:8rem;margin:0 0.25rem;" +
    "accent-color:var(--st-primary-color, #ff4b4b);cursor:pointer";
  bar.querySelector(".optiviz-step").style.cssText =
    "min-width:5.5em;font-variant-numeric:tabular-nums";
  bar.querySelector(".optiviz-speed").style.cssText =
    "display:flex;gap:0.25rem;align-items:center";
}

function buttonStyle(button, on) {
  button.style.cssText =
    "padding:0.15rem 0.6rem;border-radius:var(--st-base-radius, 0.5rem);cursor:pointer;" +
    "border:1px solid var(--st-border-color, rgba(128,128,128,0.4));" +
    "font:inherit;color:inherit;" +
    `background:${on ? "var(--st-secondary-background-color, rgba(128,128,128,0.2))" : "transparent"};` +
    `font-weight:${on ? 700 : 400}`;
}

export function controlBar(gd, state) {
  // The top view's controls under its graph (none for the 3-D view, which has Plotly's).
  let bar = gd.parentElement.querySelector(":scope > .optiviz-controls");
  if (!state.playOptions) {
    if (bar) bar.remove();
    return;
  }
  if (!bar) {
    bar = buildBar(gd, state);
    gd.after(bar); // before the notes
  }
  barStyle(bar, state.present);
  for (const button of bar.querySelectorAll(".optiviz-play, .optiviz-pause")) {
    buttonStyle(button, false);
  }
  for (const button of bar.querySelectorAll(".optiviz-speed button")) {
    const on = Number(button.dataset.speed) === state.speed;
    button.setAttribute("aria-pressed", String(on));
    buttonStyle(button, on);
  }
  bar.querySelector(".optiviz-scrub").max = String(state.names.length - 1);
  showStep(gd, state, state.shown || 0);
}

function setSpeed(gd, state, speed) {
  state.speed = speed;
  controlBar(gd, state);
  if (isPlaying(gd)) {
    window.Plotly.animate(gd, [null], STILL).then(() => togglePlay(gd, state));
  }
}

export function readoutBox(gd, state, layout) {
  // The top view's readout, above its graph, from the plot area's left edge.
  let box = gd.parentElement.querySelector(":scope > .optiviz-readout");
  if (!state.runs) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.className = "optiviz-readout";
    box.setAttribute("aria-label", "What the step shown does, per run");
    gd.parentElement.insertBefore(box, gd);
  }
  // A fixed height, one line per run under the step, and layout containment: a frame's
  // new text relays out this box alone, not the page around it.
  // A narrow window wraps the lines instead, from the page's edge, so none is cut off.
  const left = state.narrow ? 0 : (layout.margin && layout.margin.l) || 0;
  const type = state.present ? PRESENT_TYPE : NORMAL_TYPE;
  const lines = state.narrow
    ? "white-space:normal;"
    : `height:${type.readoutLine * (shownRuns(state.runs).length + 1)}em;white-space:nowrap;`;
  box.style.cssText =
    `padding:0 0 ${type.gap} ${left}px;font-size:${type.size};line-height:${type.readoutLine};` +
    `${lines}box-sizing:content-box;contain:layout paint;overflow:hidden;` +
    "font-variant-numeric:tabular-nums;color:var(--st-text-color, inherit)";
}

export function showStep(gd, state, index) {
  // Record and show the frame on screen: the readout, the slider's thumb and its label.
  if (index < 0) return;
  state.shown = index;
  const box = gd.parentElement.querySelector(":scope > .optiviz-readout");
  if (box && state.runs) {
    const runs = shownRuns(state.runs); // a latent run has no line yet
    showReadout(box, runs, readoutText(runs, state.animation, index));
    for (const hook of frameHooks) hook(box, runs, state.animation, index);
  }
  const bar = gd.parentElement.querySelector(":scope > .optiviz-controls");
  if (!bar) return;
  const text = `step ${state.names[index]}`;
  const scrub = bar.querySelector(".optiviz-scrub");
  scrub.value = String(index);
  scrub.setAttribute("aria-valuetext", text);
  bar.querySelector(".optiviz-step").textContent = text;
}
