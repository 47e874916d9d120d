// The stage's canvas, painted off the main thread: the replicas' log strips and, over them, the
// messages in flight. The page hands this worker the canvas (an OffscreenCanvas), then posts:
// - a string of colours, `|`-separated, when the theme changes: the five message families'
//   fills, their outline, the routes, then --accent, --accent-text, --text, --border, --ok,
//   --muted and --bg;
// - a Float64Array of the log strips when the cluster's view changes (`app::strips` lays it out);
// - a Float32Array per frame that changed (`app::flights::frame`):
//   [width px, height px, scale, routes 0/1, then per message: family, x, y, from x, from y, to x, to y].
// A canvas drawn on the main thread hands its whole bitmap to the compositor there on every
// frame (about 10 ms a frame at 2x CPU throttling on this project's machines), and the strips as
// SVG were about 800 elements to diff, lay out and paint per step; drawn here, neither is on
// the main thread (docs/BENCHMARKS.md, "The busy cluster at 2x").
let ctx = null;
let colors = ['#2563eb', '#7c3aed', '#0f766e', '#c2410c', '#64748b', '#fff', '#64748b', '#1d4ed8', '#fff', '#1b1f24', '#c9cfd8', '#166534', '#4a5361', '#f7f8fa'];
let strips = new Float64Array(0);
// The strips drawn once per change on a canvas of their own, copied under each frame's messages.
let layer = null, layerDirty = true;
const TAU = 2 * Math.PI;
// The legend's shapes (`#shape-*` in the stage's defs), in `Family::ALL` order.
const SHAPES = [
  (c, x, y) => { c.moveTo(x + 6, y); c.arc(x, y, 6, 0, TAU); },
  (c, x, y) => c.rect(x - 5.5, y - 5.5, 11, 11),
  (c, x, y) => { c.moveTo(x, y - 7); c.lineTo(x + 6.5, y + 5); c.lineTo(x - 6.5, y + 5); c.closePath(); },
  (c, x, y) => { c.moveTo(x, y - 7); c.lineTo(x + 7, y); c.lineTo(x, y + 7); c.lineTo(x - 7, y); c.closePath(); },
  (c, x, y) => { c.moveTo(x + 3.5, y); c.arc(x, y, 3.5, 0, TAU); },
];

// One strip per replica row, as the stage's stylesheet drew them in SVG: committed cells filled
// with their offset in --accent-text, the rest hatched with a dashed outline; the high watermark
// (--ok), the log end (dashed --muted) and the log start (--text) as lines; committed offsets as
// filled triangles and positions as hollow ones under the cells.
function paintStrips(c, scale) {
  const [, , , , , , , accent, accentText, text, border, ok, muted, bg] = colors;
  const hatch = new OffscreenCanvas(4, 4), h = hatch.getContext('2d');
  h.strokeStyle = border; h.lineWidth = 2; h.beginPath(); h.moveTo(0, 4); h.lineTo(4, 0); h.stroke();
  const pattern = c.createPattern(hatch, 'repeat');
  c.setTransform(scale, 0, 0, scale, 0, 0);
  c.font = '12px ui-monospace, "SFMono-Regular", Menlo, monospace';
  c.textAlign = 'center';
  c.lineWidth = 1;
  for (let i = 0; i < strips.length;) {
    const [x, y, offline, n, hw, end, lso, marks, older] = strips.subarray(i, i + 9);
    i += 9;
    for (let k = 0; k < n; k++, i += 4) {
      const cx = strips[i], label = strips[i + 1], padded = strips[i + 2], committed = strips[i + 3];
      c.setLineDash(committed ? [] : [2, 1.5]);
      c.fillStyle = committed ? accent : pattern;
      c.strokeStyle = accent;
      // roundRect came to Firefox in 112, after OffscreenCanvas (105).
      c.beginPath(); if (c.roundRect) c.roundRect(cx, y + 2, 23, 18, 2); else c.rect(cx, y + 2, 23, 18); c.fill(); c.stroke();
      // A committed offset stays light on its filled cell, offline or not (as the stylesheet had it).
      c.fillStyle = committed ? accentText : offline ? muted : text;
      c.fillText(padded ? String(label).padStart(3, '0') : String(label), cx + 11.5, y + 15.5);
    }
    c.setLineDash([]);
    const line = (lx, y1, y2, color, width, dash) => {
      c.setLineDash(dash); c.strokeStyle = color; c.lineWidth = width;
      c.beginPath(); c.moveTo(lx, y + y1); c.lineTo(lx, y + y2); c.stroke();
    };
    if (older > 0) { c.textAlign = 'left'; c.fillStyle = muted; c.fillText('+' + older, end + 4, y + 16); c.textAlign = 'center'; }
    line(hw, 0, 22, ok, 2.5, []);
    line(end, 1, 21, muted, 1, [2, 2]);
    if (lso >= 0) line(lso, 0, 22, text, 2.5, []);
    c.setLineDash([]); c.lineWidth = 1.2; c.strokeStyle = text;
    for (let k = 0; k < marks; k++, i += 2) {
      c.beginPath(); c.moveTo(strips[i], y + 23); c.lineTo(strips[i] + 4.5, y + 28); c.lineTo(strips[i] - 4.5, y + 28); c.closePath();
      c.fillStyle = strips[i + 1] ? bg : text; c.fill(); c.stroke();
    }
  }
}

onmessage = (e) => {
  try {
    paint(e.data);
  } catch (err) {
    // Said where the page's error collectors (and a developer's console) see it.
    console.error('painter: ' + err);
  }
};

function paint(d) {
  if (typeof d === 'string') { colors = d.split('|'); layerDirty = true; return; }
  if (d instanceof Float64Array) { strips = d; layerDirty = true; return; }
  if (!(d instanceof Float32Array)) { ctx = d.getContext('2d'); return; }
  if (!ctx) return;
  const canvas = ctx.canvas, [w, h, scale, routes] = d;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  if (!layer || layer.width !== w || layer.height !== h) { layer = new OffscreenCanvas(w, h); layerDirty = true; }
  if (layerDirty) {
    const l = layer.getContext('2d');
    l.setTransform(1, 0, 0, 1, 0, 0);
    l.clearRect(0, 0, w, h);
    paintStrips(l, scale);
    layerDirty = false;
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(layer, 0, 0);
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  if (routes) {
    // Each message's route, faint, under the dots: who talks to whom, at a glance. One stroke.
    ctx.beginPath();
    for (let i = 4; i < d.length; i += 7) { ctx.moveTo(d[i + 3], d[i + 4]); ctx.lineTo(d[i + 5], d[i + 6]); }
    ctx.lineWidth = 1; ctx.globalAlpha = 0.45; ctx.strokeStyle = colors[6]; ctx.stroke(); ctx.globalAlpha = 1;
  }
  ctx.lineWidth = 1.5; ctx.strokeStyle = colors[5];
  // One path per family: five fills and five strokes a frame, whatever the count.
  for (let f = 0; f < 5; f++) {
    ctx.beginPath();
    let any = false;
    for (let i = 4; i < d.length; i += 7) if (d[i] === f) { SHAPES[f](ctx, d[i + 1], d[i + 2]); any = true; }
    if (any) { ctx.fillStyle = colors[f]; ctx.fill(); ctx.stroke(); }
  }
}
