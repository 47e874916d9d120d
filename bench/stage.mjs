// Browser benchmarks, in headless Chromium against the release build in dist/:
//   node bench/stage.mjs            (scripts/bench-browser.sh builds first)
// 1. Frame rate: the stress preset (6 brokers, 48 replicas, 16 producers, three groups; about 230
//    messages in flight), playing at 1x
//    with every message shown, sampled for 10 s after 1 s of warm-up: a requestAnimationFrame
//    sampler for intervals, a PerformanceObserver for long animation frames, and the number of
//    messages drawn in flight at each frame.
// 2. First paint of the home page: first contentful paint and the moment the app's heading
//    is in the DOM, from navigation start, on loopback.
// 3. Seek: a session of at least 10,000 events, then seeks by the timeline to random steps,
//    timed from the input event to the label showing the new step.
// 4. Pace: playing at 1x, the wall time from `kill broker N` (the leader of orders-0) to its new
//    leader on the stage (failover preset), and from `consumer start` to a Stable group of two
//    (e-commerce preset). `flightsim pace` computes the same natively, frame by frame.
// Prints one JSON object and a table; exits 1 when a budget is missed.
// BENCH_ONLY=frame_rate,seek runs only those parts (for interleaved A/B runs).
import { serveDist, launch } from '../tests/e2e/harness.mjs';

const { server, url } = await serveDist();
const browser = await launch();
const results = {};

async function frameRate() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url + '#/sandbox?preset=stress');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  await page.getByTestId('play').click();
  const r = await page.evaluate(async () => {
    const warmup = 1000, span = 10000;
    const longFrames = [];
    let observer = null;
    if (PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
      observer = new PerformanceObserver((l) => { for (const e of l.getEntries()) longFrames.push(e.duration); });
      observer.observe({ type: 'long-animation-frame', buffered: false });
    }
    const intervals = [], inFlight = [];
    await new Promise((resolve) => {
      let start = null, last = null;
      function tick(t) {
        if (start === null) start = t;
        if (t - start >= warmup) {
          if (last !== null) intervals.push(t - last);
          last = t;
          inFlight.push(Number(document.querySelector('[data-testid=flights]')?.dataset.inFlight ?? 0));
        }
        if (t - start < warmup + span) requestAnimationFrame(tick); else resolve();
      }
      requestAnimationFrame(tick);
    });
    observer?.disconnect();
    const sorted = [...intervals].sort((a, b) => a - b);
    const total = intervals.reduce((a, b) => a + b, 0);
    const budget = 1000 / 60;
    // A frame is dropped for every whole vsync an interval spans beyond the first.
    const dropped = intervals.reduce((n, i) => n + Math.max(0, Math.round(i / budget) - 1), 0);
    const flights = [...inFlight].sort((a, b) => a - b);
    return {
      frames: intervals.length,
      fps: intervals.length / (total / 1000),
      p95_interval_ms: sorted[Math.floor(sorted.length * 0.95)],
      max_interval_ms: sorted[sorted.length - 1],
      dropped_percent: (100 * dropped) / (intervals.length + dropped),
      long_animation_frames_over_50ms: longFrames.filter((d) => d > 50).length,
      long_animation_frames_supported: observer !== null,
      in_flight_median: flights[Math.floor(flights.length / 2)],
      in_flight_min: flights[0],
      in_flight_max: flights[flights.length - 1],
    };
  });
  r.virtual_ms_reached = Number(await page.getByTestId('clock').getAttribute('data-now'));
  await page.close();
  return r;
}

async function firstPaint() {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('main h1')) { window.__appPainted = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url);
    await page.locator('main h1').waitFor();
    await page.waitForTimeout(100);
    runs.push(await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      app: window.__appPainted,
    })));
    await page.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { first_contentful_paint_ms: median(runs.map((r) => r.fcp)), app_heading_ms: median(runs.map((r) => r.app)), runs: runs.length };
}

async function seek() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url + '#/sandbox?preset=stress');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  // Run a second of virtual time at a time (a run, unlike one `tick` command, can be entered
  // at any of its events) until the timeline holds at least 10,000 events.
  let head = 0;
  for (let i = 0; i < 60 && head < 10000; i++) {
    await page.getByTestId('run-1s').click();
    head = Number((await page.locator('.timeline label').textContent()).match(/of (\d+)/)[1]);
    console.error(`  timeline: ${head} events`);
  }
  const times = await page.evaluate(async (head) => {
    const slider = document.querySelector('[data-testid=timeline]');
    const label = document.querySelector('.timeline label');
    const out = [];
    let x = 987654321;
    for (let i = 0; i < 30; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const target = x % (head + 1);
      const t0 = performance.now();
      slider.value = String(target);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => {
        const check = () => (label.textContent.startsWith(`Step ${target} of`) || performance.now() - t0 > 5000 ? resolve() : requestAnimationFrame(check));
        check();
      });
      out.push(performance.now() - t0);
      if (!label.textContent.startsWith(`Step ${target} of`)) throw new Error(`seek to ${target} shows ${label.textContent}`);
    }
    return out;
  }, head);
  await page.close();
  const sorted = [...times].sort((a, b) => a - b);
  return { events: head, seeks: times.length, median_ms: sorted[Math.floor(sorted.length / 2)], p95_ms: sorted[Math.floor(sorted.length * 0.95)], max_ms: sorted[sorted.length - 1] };
}

/// Wall milliseconds at 1x from a command typed while playing until `done` holds on the page.
async function paceOf(preset, command, done, arg) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url + '#/sandbox?preset=' + preset);
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  await page.getByTestId('play').click();
  await page.waitForTimeout(1500);
  const cmd = typeof command === 'function' ? await command(page) : command;
  const input = page.getByTestId('console-input');
  await input.fill(cmd);
  const t0 = await page.evaluate(() => performance.now());
  await input.press('Enter');
  await page.waitForFunction(done, arg, { timeout: 60000, polling: 'raf' });
  const ms = (await page.evaluate(() => performance.now())) - t0;
  await page.close();
  return ms;
}

async function pace() {
  const leaderOf0 = (page) => page.evaluate(() => {
    const row = document.querySelector('[data-testid="replica-orders-0"].leader');
    return row.closest('g.broker').dataset.testid.replace('broker-', '');
  });
  let killed = null;
  const failover = [];
  const join = [];
  for (let i = 0; i < 3; i++) {
    failover.push(await paceOf('failover', async (page) => { killed = await leaderOf0(page); return `kill broker ${killed}`; },
      (b) => { const r = document.querySelector('[data-testid="replica-orders-0"].leader'); return r && r.closest('g.broker').dataset.testid !== 'broker-' + b; }, null));
    join.push(await paceOf('orders', 'consumer start dashboard-2 --topic orders --group dashboard',
      // Stable, and the new member owns a partition: the rebalance has finished.
      () => document.querySelector('[data-testid=group-dashboard-state]')?.textContent.includes('Stable')
        && /owns orders/.test(document.querySelector('[data-testid=client-dashboard-2]')?.textContent ?? '')));
  }
  return { failover_ms: failover, join_ms: join };
}

const only = (process.env.BENCH_ONLY ?? 'frame_rate,first_paint,seek,pace').split(',');
try {
  if (only.includes('frame_rate')) {
    console.error('frame rate: 11 s...');
    results.frame_rate = await frameRate();
  }
  if (only.includes('first_paint')) {
    console.error('first paint...');
    results.first_paint = await firstPaint();
  }
  if (only.includes('seek')) {
    console.error('seek...');
    results.seek = await seek();
  }
  if (only.includes('pace')) {
    console.error('pace...');
    results.pace = await pace();
  }
} finally {
  await browser.close();
  server.close();
}

const f = results.frame_rate, p = results.first_paint, s = results.seek, pc = results.pace;
const checks = [
  ...(f ? [
    ['fps >= 58', f.fps >= 58, f.fps.toFixed(1)],
    ['p95 frame interval <= 20 ms', f.p95_interval_ms <= 20, f.p95_interval_ms.toFixed(1)],
    ['dropped frames <= 1%', f.dropped_percent <= 1, f.dropped_percent.toFixed(2)],
    ['no long animation frame over 50 ms', f.long_animation_frames_over_50ms === 0, f.long_animation_frames_over_50ms],
    ['200 messages in flight (median)', f.in_flight_median >= 200, f.in_flight_median],
  ] : []),
  ...(p ? [['home page painted <= 500 ms', p.app_heading_ms <= 500, p.app_heading_ms.toFixed(0)]] : []),
  ...(s ? [['seek on a 10,000-event run <= 50 ms (max)', s.events >= 10000 && s.max_ms <= 50, `${s.max_ms.toFixed(1)} (${s.events} events)`]] : []),
  ...(pc ? [
    ['kill to new leader on the stage <= 5 s at 1x (max of 3)', Math.max(...pc.failover_ms) <= 5000, pc.failover_ms.map((x) => x.toFixed(0)).join(', ')],
    ['consumer start to Stable <= 5 s at 1x (max of 3)', Math.max(...pc.join_ms) <= 5000, pc.join_ms.map((x) => x.toFixed(0)).join(', ')],
  ] : []),
];
console.log(JSON.stringify(results, null, 2));
for (const [name, ok, value] of checks) console.log(`${ok ? 'met   ' : 'MISSED'}  ${name}: ${value}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
