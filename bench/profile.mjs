// Where the stage's frame time goes, by function: a sampling CPU profile (CDP Profiler) of the
// stress preset playing at 1x for 6 s, its self time summed by function name, the top 40
// printed. Run it against a build that keeps its function names (see docs/BENCHMARKS.md, "Where
// a frame goes"): DIST=/tmp/dist-named node bench/profile.mjs. BENCH_CPU=2 slows the CPU.
import { serveDist, launch } from '../tests/e2e/harness.mjs';

const { server, url } = await serveDist(process.env.DIST);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  const rate = Number(process.env.BENCH_CPU ?? 1);
  if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.goto(url + '#/sandbox?preset=' + (process.env.PRESET ?? 'stress'));
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  await page.getByTestId('play').click();
  await page.waitForTimeout(1000);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(6000);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'anonymous'})`;
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // INCL=regex,...: inclusive time of the functions whose names match (each sample counted once
  // per pattern, however deep the recursion).
  if (process.env.INCL) {
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    for (const pat of process.env.INCL.split(',')) {
      const re = new RegExp(pat);
      let us = 0;
      profile.samples.forEach((id, i) => {
        for (let n = id; n !== undefined; n = parent.get(n)) if (re.test(byId.get(n).callFrame.functionName)) { us += dt[i] ?? 0; break; }
      });
      console.log(`inclusive ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  /${pat}/`);
      // UNDER=1: what those samples' innermost frames below the match were (the top 12).
      if (process.env.UNDER) {
        const below = new Map();
        profile.samples.forEach((id, i) => {
          let child = null;
          for (let n = id; n !== undefined; child = n, n = parent.get(n)) {
            if (re.test(byId.get(n).callFrame.functionName)) {
              const k = child === null ? '(self)' : byId.get(child).callFrame.functionName;
              below.set(k, (below.get(k) ?? 0) + (dt[i] ?? 0));
              break;
            }
          }
        });
        for (const [k, v] of [...below].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${(v / 1000).toFixed(0).padStart(6)} ms  ${k.slice(0, 140)}`);
      }
    }
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40));
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms over 6 s`);
  for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${name.slice(0, 150)}`);
} finally {
  await browser.close();
  server.close();
}
