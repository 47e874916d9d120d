// The course issue's two loading budgets, in headless Chromium against the release build in dist/:
// 1. The first lesson interactive at most 3 s from navigation, with the network throttled to
//    1.6 Mbps down, 750 kbps up and 150 ms round trips and the CPU slowed 4x (CDP
//    Network.emulateNetworkConditions and Emulation.setCPUThrottlingRate, as Lighthouse's mobile
//    profile throttles), the browser's cache empty. Interactive: the lesson's first step is on
//    the page and its Next button is enabled.
// 2. Opening a lesson to its first interactive step at most 100 ms after its file arrives (the
//    lesson file's responseEnd to that moment), unthrottled and throttled.
// Five loads each; prints the median and the worst, one line per budget; exits 1 when one is missed.
//   node bench/lesson.mjs      (scripts/bench-browser.sh builds first)
import { serveDist, launch } from '../tests/e2e/harness.mjs';

// Served gzip-encoded, as a web server would (the bundle budget is its gzip size).
const { server, url } = await serveDist(undefined, { gzip: true });
const browser = await launch();
const LESSON = '01-topics-partitions-offsets';

async function load(throttled) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      const next = document.querySelector('[data-testid=lesson-next]');
      if (next && !next.disabled && document.querySelector('[data-testid=lesson-narration]')?.textContent.trim()) {
        window.__interactive = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await page.goto(url + '#/lesson/' + LESSON);
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 30000 });
  const r = await page.evaluate((lesson) => {
    const file = performance.getEntriesByType('resource').find((e) => e.name.includes(`lessons/${lesson}.lesson`));
    return { interactive: window.__interactive, after_file: window.__interactive - (file?.responseEnd ?? NaN) };
  }, LESSON);
  await context.close();
  return r;
}

const results = {};
try {
  for (const throttled of [false, true]) {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await load(throttled));
    const sorted = (k) => runs.map((r) => r[k]).sort((a, b) => a - b);
    results[throttled ? 'throttled' : 'unthrottled'] = {
      interactive_ms: { median: sorted('interactive')[2], max: sorted('interactive')[4] },
      after_file_ms: { median: sorted('after_file')[2], max: sorted('after_file')[4] },
    };
  }
} finally {
  await browser.close();
  server.close();
}
const t = results.throttled, u = results.unthrottled;
const checks = [
  ['first lesson interactive <= 3 s (1.6 Mbps, 150 ms RTT, CPU 4x; worst of 5)', t.interactive_ms.max <= 3000, `${t.interactive_ms.max.toFixed(0)} (median ${t.interactive_ms.median.toFixed(0)})`],
  ['lesson interactive <= 100 ms after its file arrives (worst of 5)', u.after_file_ms.max <= 100, `${u.after_file_ms.max.toFixed(0)} (median ${u.after_file_ms.median.toFixed(0)}; CPU 4x: ${t.after_file_ms.max.toFixed(0)})`],
];
console.log(JSON.stringify(results, null, 2));
for (const [name, ok, value] of checks) console.log(`${ok ? 'met   ' : 'MISSED'}  ${name}: ${value}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
