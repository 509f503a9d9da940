// DOM updates that leave unchanged nodes in place: while a slider moves, a redraw's words
// change in one or two lines, and new nodes for every line would make the browser style
// and lay out all of them again on every frame.

export function replaceChanged(parent, nodes) {
  // `parent`'s children made `nodes`: a child equal to its new node (isEqualNode: the
  // same tags, attributes and text) stays, the others are replaced, extra ones removed.
  const old = [...parent.childNodes];
  nodes.forEach((node, k) => {
    if (k >= old.length) parent.appendChild(node);
    else if (old[k] !== node && !old[k].isEqualNode(node)) old[k].replaceWith(node);
  });
  for (let k = nodes.length; k < old.length; k++) old[k].remove();
}
