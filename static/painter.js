// The stage's messages in flight, painted off the main thread. The page hands this worker the
// canvas (an OffscreenCanvas), then posts a string of colours when the theme changes and one
// Float32Array per frame that changed, as `app::flights::frame` lays it out:
//   [width px, height px, scale, routes 0/1, then per message: family, x, y, from x, from y, to x, to y]
// A canvas drawn on the main thread hands its whole bitmap to the compositor there on every
// frame (about 10 ms a frame at 2x CPU throttling on this project's machines); drawn here, that
// hand-over leaves the main thread (docs/BENCHMARKS.md, "The busy cluster at 2x").
let ctx = null;
let colors = ['#2563eb', '#7c3aed', '#0f766e', '#c2410c', '#64748b', '#ffffff', '#64748b'];
const TAU = 2 * Math.PI;
// The legend's shapes (`#shape-*` in the stage's defs), in `Family::ALL` order.
const SHAPES = [
  (c, x, y) => { c.moveTo(x + 6, y); c.arc(x, y, 6, 0, TAU); },
  (c, x, y) => c.rect(x - 5.5, y - 5.5, 11, 11),
  (c, x, y) => { c.moveTo(x, y - 7); c.lineTo(x + 6.5, y + 5); c.lineTo(x - 6.5, y + 5); c.closePath(); },
  (c, x, y) => { c.moveTo(x, y - 7); c.lineTo(x + 7, y); c.lineTo(x, y + 7); c.lineTo(x - 7, y); c.closePath(); },
  (c, x, y) => { c.moveTo(x + 3.5, y); c.arc(x, y, 3.5, 0, TAU); },
];
onmessage = (e) => {
  const d = e.data;
  if (typeof d === 'string') { colors = d.split('|'); return; }
  if (!(d instanceof Float32Array)) { ctx = d.getContext('2d'); return; }
  if (!ctx) return;
  const canvas = ctx.canvas, [w, h, scale, routes] = d;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
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
};
