import { serveDist, launch } from '../tests/e2e/harness.mjs';
const { server, url } = await serveDist('/tmp/exp/');
const browser = await launch();
for (const mode of ['main', 'worker', 'none', 'main', 'worker']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 2 });
  await page.goto(url + 'index.html#' + mode);
  await page.waitForTimeout(500);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
  const fps = await page.evaluate(() => new Promise((res) => { let n = 0; const s = performance.now(); const f = () => { n++; if (performance.now() - s < 3000) requestAnimationFrame(f); else res(n / 3); }; requestAnimationFrame(f); }));
  const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const sum = (n) => ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.name === n && e.dur).reduce((a, e) => a + e.dur, 0) / 1000 / 3 / fps;
  console.log(mode, 'fps', fps.toFixed(1), 'commit ms/frame', sum('Commit').toFixed(2), 'fn ms/frame', sum('FunctionCall').toFixed(2), 'paint', sum('Paint').toFixed(2));
  await page.close();
}
await browser.close(); server.close();
