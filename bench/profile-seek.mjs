// Where a seek's time goes, by function: the stress preset run to 10,000 events, then 30 seeks
// by the timeline under a sampling CPU profile (CDP Profiler), as bench/stage.mjs times them.
// DIST=<a build with names> BENCH_CPU=2 INCL=regex,... node bench/profile-seek.mjs
import { serveDist, launch } from '../tests/e2e/harness.mjs';
import { busySession } from './common.mjs';

const { server, url } = await serveDist(process.env.DIST);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  const head = await busySession(page, url);
  const rate = Number(process.env.BENCH_CPU ?? 1);
  if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate(async (head) => {
    const slider = document.querySelector('[data-testid=timeline]');
    let x = 987654321;
    for (let i = 0; i < 30; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      slider.value = String(x % (head + 1));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
  }, head);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = profile.timeDeltas;
  const total = dt.reduce((a, b) => a + b, 0);
  for (const pat of (process.env.INCL ?? 'seek,reconcile,view,SandboxPage,fm,strips').split(',')) {
    const re = new RegExp(pat);
    let us = 0;
    profile.samples.forEach((id, i) => {
      for (let n = id; n !== undefined; n = parent.get(n)) if (re.test(byId.get(n).callFrame.functionName)) { us += dt[i] ?? 0; break; }
    });
    console.log(`${(us / 1000 / 30).toFixed(1).padStart(6)} ms per seek  /${pat}/`);
  }
  const self = new Map();
  profile.samples.forEach((id, i) => { const n = byId.get(id).callFrame.functionName || '(anon)'; self.set(n, (self.get(n) ?? 0) + (dt[i] ?? 0)); });
  console.log(`total ${(total / 1000 / 30).toFixed(1)} ms per seek (with two frames' wait each)`);
  for (const [n, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${(us / 1000 / 30).toFixed(2).padStart(7)} ms  ${n.slice(0, 130)}`);
} finally {
  await browser.close();
  server.close();
}
