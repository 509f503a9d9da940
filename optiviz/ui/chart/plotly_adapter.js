// Every read of plotly.js's private fields (_fullLayout, _fullData, _transitionData, an
// axis's _offset, _length and p2l, and a 3-D scene's trace objects, data scale and camera
// matrices), in one place: a plotly.js upgrade that moves them is a change to this file
// alone. Each function takes the graph div.

export function isAnimating(gd) {
  // Whether frames are queued: Play is on.
  const queue = gd._transitionData && gd._transitionData._frameQueue;
  return Boolean(queue && queue.length);
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

function axisOf(fullLayout, id) {
  // "x2" -> the full layout's xaxis2.
  return fullLayout[`${id[0]}axis${id.slice(1)}`];
}

function pixels(full, xa, ya, update) {
  // The trace's points in its subplot's pixels: [px, py] where both are finite, null at a
  // gap. A trace given by y only (x0, dx) takes x0 + k dx.
  const ys = update.y;
  const xs = update.x;
  const out = new Array(ys.length);
  for (let k = 0; k < ys.length; k++) {
    const x = xs ? xs[k] : full.x0 + k * full.dx;
    const px = xa.c2p(x);
    const py = ya.c2p(ys[k]);
    out[k] = Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null;
  }
  return out;
}

function segments(points) {
  // The "d" of each run of points between gaps (connectgaps false, as Plotly draws it).
  const out = [];
  let d = "";
  for (const p of points) {
    if (p) {
      d += `${d ? "L" : "M"}${p[0].toFixed(2)},${p[1].toFixed(2)}`;
    } else if (d) {
      out.push(d);
      d = "";
    }
  }
  if (d) out.push(d);
  return out;
}

const TEMPLATES = new Map(); // per trace uid, the last element seen drawn (to add points)

function fit(group, selector, count, uid) {
  // The trace's elements matching `selector` (its line segments or its points), made
  // `count` long: extra ones removed, new ones cloned from one drawn before (null where
  // none was ever drawn: only Plotly can make the first).
  const nodes = [...group.querySelectorAll(selector)];
  const key = `${uid} ${selector}`;
  if (nodes.length) TEMPLATES.set(key, nodes[0]); // cloned only when a point is added
  const template = TEMPLATES.get(key);
  const parent = group.querySelector(selector.split(" > ").slice(0, -1).join(" > "));
  if (nodes.length < count && (!template || !parent)) return null;
  return () => {
    while (nodes.length > count) nodes.pop().remove();
    while (nodes.length < count) nodes.push(parent.appendChild(template.cloneNode()));
    return nodes;
  };
}

function heading(points, i) {
  // The screen angle (degrees, clockwise from +x) from point i − 1 to point i, or null.
  const [a, b] = [points[i - 1], points[i]];
  if (!a || !b || (a[0] === b[0] && a[1] === b[1])) return null;
  return (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
}

function turns(points, before) {
  // For markers whose angle follows the line (angleref "previous", the arrows' heads):
  // Plotly bakes a head's angle into its path, so a head moved without Plotly turns by
  // its new heading less the heading Plotly drew it at (kept on the element until
  // Plotly draws it again, which changes its path). (mark, k) -> " rotate(deg)" or "".
  const drawn = (pts) => pts.flatMap((p, i) => (p ? [i] : []));
  const [now, then] = [drawn(points), drawn(before)];
  return (mark, k) => {
    const d = mark.getAttribute("d");
    if (mark.__optivizD !== d) {
      mark.__optivizD = d;
      mark.__optivizHeading = then[k] === undefined ? null : heading(before, then[k]);
    }
    const want = heading(points, now[k]);
    const was = mark.__optivizHeading;
    return want === null || was === null ? "" : ` rotate(${(want - was).toFixed(1)})`;
  };
}

function plan(gd, full, update, current) {
  // What drawing `update` into scatter trace `full` changes in its SVG, or null where its
  // SVG cannot take it without Plotly (a new marker angle, a first point).
  const group = gd.querySelector(`.scatterlayer g.trace${full.uid}`);
  if (!group || full.type !== "scatter") return null;
  const xa = axisOf(gd._fullLayout, full.xaxis);
  const ya = axisOf(gd._fullLayout, full.yaxis);
  const given = { x: update.x || (update.y ? undefined : current.x), y: update.y || current.y };
  if (!xa || !ya || !given.y || (!given.x && !Number.isFinite(full.x0))) return null;
  const points = pixels(full, xa, ya, given);
  const steps = [];
  if (full.mode.includes("lines")) {
    const ds = segments(points);
    const paths = fit(group, ":scope > g.lines > path.js-line", ds.length, full.uid);
    if (!paths) return null;
    steps.push(() => paths().forEach((path, k) => path.setAttribute("d", ds[k])));
  }
  if (full.mode.includes("markers")) {
    const shown = points.filter(Boolean);
    const marks = fit(group, ":scope > g.points > path.point", shown.length, full.uid);
    const angle = update.marker && update.marker.angle;
    if (!marks || (angle !== undefined && angle !== (current.marker && current.marker.angle))) {
      return null;
    }
    const turn = full.marker && full.marker.angleref === "previous"
      ? turns(points, pixels(full, xa, ya, current))
      : null;
    steps.push(() =>
      marks().forEach((mark, k) => {
        const at = `translate(${shown[k][0].toFixed(2)},${shown[k][1].toFixed(2)})`;
        const was = mark.getAttribute("transform") || "";
        const moved = /translate\([^)]*\)/.test(was) ? was.replace(/translate\([^)]*\)/, at) : at;
        mark.setAttribute("transform", turn ? `${at}${turn(mark, k)}` : moved);
      }),
    );
  }
  return steps;
}

export function drawDirect(gd, traces, data) {
  // Draw `data` (per trace index in `traces`: x, y, marker angle) straight into the
  // graph's SVG, as Plotly's scatter draws it, and into gd.data, without Plotly's
  // redraw; true when done, false (nothing changed) where only Plotly can draw it. The
  // graph's hover and frames read gd.data once Plotly next draws (the caller syncs).
  if (!gd._fullData || !gd._fullLayout) return false;
  const steps = [];
  for (let k = 0; k < traces.length; k++) {
    const full = gd._fullData[traces[k]];
    if (!full) return false;
    if (full.visible !== true) continue; // a hidden trace has no SVG
    const got = plan(gd, full, data[k], gd.data[traces[k]]);
    if (!got) return false;
    steps.push(...got);
  }
  steps.forEach((step) => step());
  // New trace objects: gd.data's may be the payload's own (Plotly.react keeps them).
  traces.forEach((i, k) => (gd.data[i] = { ...gd.data[i], ...data[k] }));
  return true;
}

// The 3-D scene's overlay: members drawn in 2-D while a slider's thumb is held ----------

function sceneOf(gd) {
  // plotly.js's gl3d scene of the graph's (first) scene, once drawn, or null.
  const scene = gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene;
  return scene && scene.glplot && scene.glplot.cameraParams ? scene : null;
}

function projector(scene, width, height) {
  // Data (x, y, z) to the scene's CSS pixels, as plotly.js places a 3-D annotation:
  // projection × view × model of the scaled point, then the clip box to the scene's box.
  const { model, view, projection } = scene.glplot.cameraParams;
  const scale = scene.dataScale;
  const times = (m, v) => {
    const out = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) out[j] += m[4 * i + j] * v[i];
    return out;
  };
  return (x, y, z) => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return null;
    const p = times(projection, times(view, times(model, [x * scale[0], y * scale[1], z * scale[2], 1])));
    if (!(p[3] > 0)) return null;
    return [0.5 * width * (1 + p[0] / p[3]), 0.5 * height * (1 - p[1] / p[3])];
  };
}

const OVERLAY_LINE_PX = 6; // surface3d._path's line width (presenter mode: 1.5 times)
const OVERLAY_BALL_PX = 14; // surface3d.BALL_SIZE_3D, its diameter

export function drawOverlay3d(gd, lines, present = false) {
  // Draw each of `lines` ({path: {x, y, z}, ball: {x, y, z}, colour}) on a 2-D canvas
  // over the 3-D scene, projected as the scene's camera stands; false where the graph
  // has no drawn scene. The canvas covers the scene and takes no pointer events.
  const scene = sceneOf(gd);
  if (!scene) return false;
  const box = scene.container;
  const [width, height] = [box.clientWidth, box.clientHeight];
  let canvas = box.querySelector(":scope > canvas.optiviz-overlay3d");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.className = "optiviz-overlay3d";
    canvas.style.cssText = "position:absolute;left:0;top:0;pointer-events:none";
    box.appendChild(canvas);
  }
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  Object.assign(canvas.style, { width: `${width}px`, height: `${height}px` });
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const at = projector(scene, width, height);
  for (const line of lines) {
    ctx.strokeStyle = line.colour;
    ctx.lineWidth = OVERLAY_LINE_PX * (present ? 1.5 : 1);
    ctx.lineJoin = "round";
    ctx.beginPath();
    let open = false;
    for (let k = 0; k < line.path.x.length; k++) {
      const p = at(line.path.x[k], line.path.y[k], line.path.z[k]);
      if (p && open) ctx.lineTo(p[0], p[1]);
      else if (p) ctx.moveTo(p[0], p[1]);
      open = Boolean(p); // a gap, as Plotly draws one
    }
    ctx.stroke();
    const ball = at(line.ball.x[0], line.ball.y[0], line.ball.z[0]);
    if (ball) {
      ctx.beginPath();
      ctx.arc(ball[0], ball[1], OVERLAY_BALL_PX / 2, 0, 2 * Math.PI);
      ctx.fillStyle = line.colour;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "white";
      ctx.stroke();
    }
  }
  return true;
}

export function blank3d(gd, traces) {
  // Empty the WebGL objects of scatter3d traces `traces` (their points all gaps) and
  // redraw the scene, without Plotly's whole replot (which rebuilds the surface's mesh
  // too); gd.data keeps the traces, and Plotly's next draw fills them again. False where
  // the graph has no drawn scene or no such trace object.
  const scene = sceneOf(gd);
  if (!scene || !gd._fullData) return false;
  const objects = traces.map((i) => gd._fullData[i] && scene.traces[gd._fullData[i].uid]);
  if (objects.some((object) => !object)) return false;
  objects.forEach((object, k) => {
    const full = gd._fullData[traces[k]];
    const gaps = new Float64Array(full.x.length).fill(NaN);
    object.update({ ...full, x: gaps, y: gaps, z: gaps });
  });
  scene.glplot.redraw();
  return true;
}

export function clearOverlay3d(gd) {
  // Remove the overlay: WebGL draws the members now.
  const canvas = gd.querySelector("canvas.optiviz-overlay3d");
  if (canvas) canvas.remove();
}
