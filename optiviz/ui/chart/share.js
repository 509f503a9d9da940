// The share link (optiviz.share, optiviz/ui/share.py): the address that reopens the view,
// as text to read or select, and a Copy button that puts it on the clipboard. Streamlit's
// st.code has a copy button too, but its element loads Streamlit's syntax highlighter
// (about 1.5 MB of JavaScript, parsed on the first visitor's page beside plotly.js) for one
// line of plain text. Its element carries only the link: this module and its style are
// fetched once per page, from the component's assets.

import { payload } from "./loader.js";

export const COPIED_MS = 1500;
export const STYLE_ID = "optiviz-share-style";

// The link wraps anywhere (a long address stays on the page, as on a phone), in the code
// font, and is selected whole by one click, so Ctrl+C copies it too.
export const CSS = `
.optiviz-share { display: flex; align-items: flex-start; gap: 0.5rem;
  background: var(--st-secondary-background-color);
  border-radius: var(--st-base-radius, 0.5rem); padding: 0.5rem 0.5rem 0.5rem 0.9rem; }
.optiviz-share-url { flex: 1; min-width: 0; overflow-wrap: anywhere; user-select: all;
  font-family: var(--st-code-font, "Source Code Pro", monospace); font-size: 0.85em;
  line-height: 1.6; color: var(--st-text-color); padding-top: 0.15rem; }
.optiviz-share-copy { flex: none; cursor: pointer; font: inherit; font-size: 0.85em;
  color: var(--st-text-color); background: var(--st-background-color);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: var(--st-base-radius, 0.5rem); padding: 0.2rem 0.7rem; }
.optiviz-share-copy:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
`;

export function copyText(text, doc = document) {
  // navigator.clipboard exists in a secure context only (https, localhost); a class that
  // opens the app over plain http on the room's network copies through a selected field.
  const clipboard = doc.defaultView && doc.defaultView.navigator.clipboard;
  if (clipboard && clipboard.writeText) {
    return clipboard.writeText(text).then(
      () => true,
      () => copyBySelection(text, doc),
    );
  }
  return Promise.resolve(copyBySelection(text, doc));
}

export function copyBySelection(text, doc = document) {
  const field = doc.createElement("textarea");
  field.value = text;
  field.setAttribute("readonly", "");
  field.style.position = "fixed";
  field.style.opacity = "0";
  doc.body.appendChild(field);
  field.select();
  let copied = false;
  try {
    copied = doc.execCommand("copy");
  } catch {
    copied = false;
  }
  field.remove();
  return copied;
}

function selectText(element) {
  const range = element.ownerDocument.createRange();
  range.selectNodeContents(element);
  const selection = element.ownerDocument.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function box(parentElement) {
  const doc = parentElement.ownerDocument;
  if (!doc.getElementById(STYLE_ID)) {
    const style = doc.createElement("style");
    style.id = STYLE_ID;
    style.textContent = CSS;
    doc.head.appendChild(style);
  }
  let shown = parentElement.querySelector(".optiviz-share");
  if (!shown) {
    shown = doc.createElement("div");
    shown.className = "optiviz-share";
    const text = doc.createElement("span");
    text.className = "optiviz-share-url";
    const button = doc.createElement("button");
    button.type = "button";
    button.className = "optiviz-share-copy";
    button.title = "Copy the link";
    shown.append(text, button);
    parentElement.appendChild(shown);
  }
  return shown;
}

export default function share({ data, parentElement }) {
  const { url, label } = payload(data);
  const shown = box(parentElement);
  const text = shown.querySelector(".optiviz-share-url");
  const button = shown.querySelector(".optiviz-share-copy");
  text.textContent = url;
  button.textContent = label;
  button.onclick = () =>
    copyText(url).then((copied) => {
      // Where the page may not copy, the link is left selected for Ctrl+C.
      if (!copied) selectText(text);
      button.textContent = copied ? "Copied" : "Press Ctrl+C";
      setTimeout(() => (button.textContent = label), COPIED_MS);
    });
}
