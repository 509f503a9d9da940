// The words under the graph: each run's verdict (on the top view, a click hides or shows
// the run: the legend) and "What one step does" (optiviz/figures/notes.py), as text.

import { replaceChanged } from "./dom.js";
import { NORMAL_TYPE, PRESENT_TYPE } from "./theme.js";

export function element(tag, text, style) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (style) node.style.cssText = style;
  return node;
}

function verdictRow(v) {
  // "● good α=0.8: converged · final loss 0": the dot in the run's colour, the name in
  // bold, the verdict in bold in its colour (optiviz.figures.notes.verdict).
  const row = element("div");
  row.className = "optiviz-verdict";
  row.append(
    element("span", "● ", `color:${v.colour}`),
    element("b", v.name),
    ": ",
    element("b", v.label, `color:${v.label_colour}`),
    ` · ${v.final}`,
  );
  return row;
}

function stepRow(step) {
  // "good α=0.8, step 0: gradient 0.632 × learning rate 0.8 = a step of 0.506".
  const row = element("div");
  row.append(element("b", step.name), step.text);
  return row;
}

const TOGGLE_HINT = "Click a run's verdict to hide the run in the chart; click again to show it.";

const HINT_STYLE = "font-size:0.875rem;opacity:0.7";

function verdictToggles(state, rows, onToggle) {
  // On the top view a run's verdict line is its legend entry: a click (or Enter, or
  // space) hides the run's lines, ball and markers, and shows them again.
  rows.forEach((row, i) => {
    const hidden = state.hidden.has(i);
    row.setAttribute("role", "button");
    row.tabIndex = 0;
    row.setAttribute("aria-pressed", String(!hidden));
    row.title = hidden ? "Click to show this run again" : "Click to hide this run";
    row.style.cssText = `cursor:pointer;width:fit-content;opacity:${hidden ? 0.45 : 1}`;
    row.addEventListener("click", () => onToggle(i));
    row.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation(); // presenter mode's space is Play on the page, not here
      onToggle(i);
    });
  });
}

export function notesBox(gd, state, data, onToggle) {
  // Each run's verdict, then "What one step does" (a <details> the user may close; it
  // stays as they left it across reruns), under the graph and its controls. Text only,
  // so no run name can inject markup.
  const notes = data.notes;
  const parent = gd.parentElement;
  let box = parent.querySelector(":scope > .optiviz-notes");
  if (!notes) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = element("div");
    box.className = "optiviz-notes";
    const verdicts = element("div", "", "margin:0 0 1rem");
    verdicts.className = "optiviz-verdicts";
    verdicts.setAttribute("aria-label", "Verdicts");
    const details = element(
      "details",
      "",
      "border:1px solid var(--st-border-color, rgba(128,128,128,0.3));" +
        "border-radius:var(--st-base-radius, 0.5rem)",
    );
    details.className = "optiviz-steps";
    details.open = true;
    details.append(
      element("summary", "", "padding:0.5rem 1rem;cursor:pointer"),
      element("div", "", "padding:0.25rem 1rem 1rem"),
    );
    box.append(verdicts, details);
    parent.appendChild(box);
  }
  const type = data.present ? PRESENT_TYPE : NORMAL_TYPE;
  box.style.cssText =
    `margin:${data.present ? type.gap : "1rem"} 0 0;line-height:${type.notesLine};` +
    `color:var(--st-text-color, inherit)${data.present ? `;font-size:${type.size}` : ""}`;
  const rows = notes.verdicts.map(verdictRow);
  const steps = notes.first_steps.map(stepRow);
  const list = box.querySelector(".optiviz-verdicts");
  const moving = data.animation || data.scene3d; // the top view's runs, or the 3-D view's
  if (moving) {
    verdictToggles(state, rows, onToggle);
    // A latent run ("my α" before α moves) has no words yet.
    const latent = (i) => moving.runs[i].latent && !state.latentShown;
    // Presenter mode leaves out the hint: the verdicts share one projected screen.
    const hint = data.present ? [] : [element("div", TOGGLE_HINT, HINT_STYLE)];
    replaceChanged(list, [...rows.filter((_, i) => !latent(i)), ...hint]);
    steps.splice(0, steps.length, ...steps.filter((_, i) => !latent(i)));
  } else {
    replaceChanged(list, rows);
  }
  if (state.refocus !== undefined && rows[state.refocus]) rows[state.refocus].focus();
  state.refocus = undefined;
  const details = box.querySelector(".optiviz-steps");
  details.querySelector("summary").textContent = notes.steps_title;
  replaceChanged(details.lastChild, steps);
}

// The sliders under the graph --------------------------------------------------------------
