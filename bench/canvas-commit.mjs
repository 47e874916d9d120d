// Why the stage's canvas is painted by a worker: the same drawing (230 dots on a 1230 x 900
// canvas, every frame) done on the main thread, in a worker through an OffscreenCanvas, and
// not at all, with the CPU throttled 2x. Prints the frame rate and the main thread's Commit
// and script time per frame from a Chrome trace. `node bench/canvas-commit.mjs`.
import { createServer } from 'node:http';
import { launch } from '../tests/e2e/harness.mjs';

const DRAW = `function draw(ctx, t) {
  ctx.clearRect(0, 0, 1230, 900);
  ctx.beginPath();
  for (let i = 0; i < 230; i++) { const x = (i * 97 + t * 0.1 * (i % 7 + 1)) % 1230, y = (i * 53) % 900; ctx.moveTo(x + 6, y); ctx.arc(x, y, 6, 0, 6.283); }
  ctx.fillStyle = '#2563eb'; ctx.fill(); ctx.stroke();
}`;
const PAGE = `<!doctype html><html><body style="margin:0">
<div style="position:relative;width:1230px;height:900px"><canvas id=c style="position:absolute;inset:0;width:1230px;height:900px;will-change:transform"></canvas></div>
<script>${DRAW}
const mode = location.hash.slice(1), c = document.getElementById('c'); c.width = 1230; c.height = 900;
if (mode === 'worker') {
  const off = c.transferControlToOffscreen(), w = new Worker('w.js'); w.postMessage({ off }, [off]);
  const loop = (t) => { w.postMessage({ t }); requestAnimationFrame(loop); }; requestAnimationFrame(loop);
} else if (mode === 'none') {
  const loop = () => requestAnimationFrame(loop); requestAnimationFrame(loop);
} else {
  const ctx = c.getContext('2d'), loop = (t) => { draw(ctx, t); requestAnimationFrame(loop); }; requestAnimationFrame(loop);
}</script></body></html>`;
const WORKER = `${DRAW}\nlet ctx = null;\nonmessage = (e) => { if (e.data.off) ctx = e.data.off.getContext('2d'); else if (ctx) draw(ctx, e.data.t); };`;

const server = createServer((req, res) => {
  const js = req.url.startsWith('/w.js');
  res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
  res.end(js ? WORKER : PAGE);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
try {
  for (const mode of ['main', 'worker', 'none', 'main', 'worker']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 2 });
    await page.goto(url + '#' + mode);
    await page.waitForTimeout(500);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
    const fps = await page.evaluate(() => new Promise((resolve) => {
      let n = 0;
      const s = performance.now();
      const f = () => { n++; if (performance.now() - s < 3000) requestAnimationFrame(f); else resolve(n / 3); };
      requestAnimationFrame(f);
    }));
    const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const perFrame = (name) => ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.name === name && e.dur).reduce((a, e) => a + e.dur, 0) / 1000 / 3 / fps;
    console.log(`${mode.padEnd(6)} ${fps.toFixed(1)} fps, main thread per frame: Commit ${perFrame('Commit').toFixed(2)} ms, script ${perFrame('FunctionCall').toFixed(2)} ms`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
