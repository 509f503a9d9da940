// The share link (optiviz.share, optiviz/ui/share.py): the address that reopens the view,
// as text to read or select, and a Copy button that puts it on the clipboard. Streamlit's
// st.code has a copy button too, but its element loads Streamlit's syntax highlighter
// (about 1.5 MB of JavaScript, parsed on the first visitor's page beside plotly.js) for one
// line of plain text. This module is passed to Streamlit inline, so it imports nothing.

export const COPIED_MS = 1500;

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

export default function share({ data, parentElement }) {
  const { url, label } = Array.isArray(data) ? data[0] : data;
  const text = parentElement.querySelector(".optiviz-share-url");
  const button = parentElement.querySelector(".optiviz-share-copy");
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
