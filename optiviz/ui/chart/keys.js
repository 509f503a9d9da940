// Presenter mode's keys on the page: space plays and pauses, ← and → step one frame.

import { stepFrame, togglePlay } from "./player.js";

function typing(target) {
  // Keys meant for a text field, a select, a Streamlit slider or any other control.
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, [role="slider"], [role="combobox"]')) return true;
  if (target.closest('[data-testid="stSlider"], [role="listbox"], [role="radiogroup"]')) return true;
  return target.closest("button, a[href]") !== null && !target.closest(".optiviz-controls");
}

export function listenKeys(gd, state) {
  // Presenter mode only (elsewhere space and the arrows scroll the page, as usual):
  // space plays and pauses, ← and → step one frame.
  const onKey = (event) => {
    if (!gd.isConnected) return document.removeEventListener("keydown", onKey);
    if (!state.present || !state.playOptions) return;
    if (event.altKey || event.ctrlKey || event.metaKey || (event.repeat && event.key === " ")) return;
    if (typing(event.target)) return;
    if (event.key === " ") togglePlay(gd, state);
    else if (event.key === "ArrowRight") stepFrame(gd, state, 1);
    else if (event.key === "ArrowLeft") stepFrame(gd, state, -1);
    else return;
    event.preventDefault();
  };
  document.addEventListener("keydown", onKey);
}

// The words under the graph --------------------------------------------------------------
