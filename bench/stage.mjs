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
// BENCH_CPU=1,2 (the default) runs the frame rate and the seeks once per CPU slowdown, with
// Chromium's CPU throttled by CDP's Emulation.setCPUThrottlingRate (2 = half speed, as the
// busy-cluster issue's slower machine). The budgets hold at every rate.
// BENCH_TRACE=1 also records a Chrome trace of the frame-rate run and prints where the main
// thread's time went per frame (script, style, layout, paint, commit...).
import { serveDist, launch } from '../tests/e2e/harness.mjs';
import { busySession } from './common.mjs';

// DIST= another build's dist/ directory, for interleaved A/B runs of two builds.
const { server, url } = await serveDist(process.env.DIST || undefined);
const browser = await launch();
const results = {};

/// A page with the CPU slowed `rate` times (1: as it is).
async function throttledPage(rate, options) {
  const page = await browser.newPage(options);
  if (rate !== 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  }
  return page;
}

/// Main-thread time per frame by kind, from a Chrome trace's complete events on the renderer's
/// main thread: top-level tasks, and within them the phases Chromium names.
const PHASES = {
  script: ['FunctionCall', 'FireAnimationFrame', 'EventDispatch', 'TimerFire', 'v8.run', 'RunMicrotasks'],
  style: ['UpdateLayoutTree', 'RecalculateStyles'],
  layout: ['Layout'],
  pre_paint: ['PrePaint'],
  paint: ['Paint'],
  layerize: ['Layerize'],
  commit: ['Commit'],
  gc: ['MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'BlinkGC.AtomicPhase'],
};
function traceBreakdown(events, frames) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number');
  const out = { tasks_ms_per_frame: onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').reduce((a, e) => a + e.dur, 0) / 1000 / frames };
  for (const [kind, names] of Object.entries(PHASES)) {
    // Outermost events of the kind only: a FunctionCall inside a FireAnimationFrame counts once.
    const evs = onMain.filter((e) => names.includes(e.name)).sort((a, b) => a.ts - b.ts);
    let total = 0, end = -1;
    for (const e of evs) {
      if (e.ts >= end) { total += e.dur; end = e.ts + e.dur; }
      else if (e.ts + e.dur > end) { total += e.ts + e.dur - end; end = e.ts + e.dur; }
    }
    out[kind + '_ms_per_frame'] = total / 1000 / frames;
  }
  return out;
}

async function frameRate(rate) {
  const page = await throttledPage(rate, { viewport: { width: 1280, height: 900 } });
  await page.goto(url + '#/sandbox?preset=stress');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  // BENCH_CSS: a style sheet added for an experiment (`.flights-layer { display: none }`).
  if (process.env.BENCH_CSS) await page.addStyleTag({ content: process.env.BENCH_CSS });
  await page.getByTestId('play').click();
  const tracing = process.env.BENCH_TRACE === '1';
  if (tracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink.user_timing'] });
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
  if (tracing) {
    const buf = await browser.stopTracing();
    if (process.env.BENCH_TRACE_FILE) (await import('node:fs')).writeFileSync(process.env.BENCH_TRACE_FILE.replace('RATE', rate), buf);
    r.trace = traceBreakdown(JSON.parse(buf.toString()).traceEvents, r.frames);
  }
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

async function seek(rate) {
  const page = await throttledPage(rate, { viewport: { width: 1280, height: 900 } });
  const head = await busySession(page, url, 10000, console.error);
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
const rates = (process.env.BENCH_CPU ?? '1,2').split(',').map(Number);
const at = (rate) => (rate === 1 ? '' : `_cpu${rate}x`);
try {
  if (only.includes('frame_rate')) {
    for (const rate of rates) {
      console.error(`frame rate, CPU ${rate}x: 11 s...`);
      results['frame_rate' + at(rate)] = await frameRate(rate);
    }
  }
  if (only.includes('first_paint')) {
    console.error('first paint...');
    results.first_paint = await firstPaint();
  }
  if (only.includes('seek')) {
    for (const rate of rates) {
      console.error(`seek, CPU ${rate}x...`);
      results['seek' + at(rate)] = await seek(rate);
    }
  }
  if (only.includes('pace')) {
    console.error('pace...');
    results.pace = await pace();
  }
} finally {
  await browser.close();
  server.close();
}

const p = results.first_paint, pc = results.pace;
const checks = [
  ...rates.flatMap((rate) => {
    const f = results['frame_rate' + at(rate)], s = results['seek' + at(rate)], cpu = rate === 1 ? '' : ` (CPU ${rate}x slower)`;
    return [
      ...(f ? [
        [`fps >= 58${cpu}`, f.fps >= 58, f.fps.toFixed(1)],
        [`p95 frame interval <= 20 ms${cpu}`, f.p95_interval_ms <= 20, f.p95_interval_ms.toFixed(1)],
        // The stage issue's budget, at full speed; the busy-cluster issue names fps, p95 and
        // long frames for the throttled run.
        ...(rate === 1 ? [['dropped frames <= 1%', f.dropped_percent <= 1, f.dropped_percent.toFixed(2)]] : []),
        [`no long animation frame over 50 ms${cpu}`, f.long_animation_frames_over_50ms === 0, f.long_animation_frames_over_50ms],
        [`200 messages in flight (median)${cpu}`, f.in_flight_median >= 200, f.in_flight_median],
      ] : []),
      ...(s ? [[`seek on a 10,000-event run <= 50 ms (max)${cpu}`, s.events >= 10000 && s.max_ms <= 50, `${s.max_ms.toFixed(1)} (${s.events} events)`]] : []),
    ];
  }),
  ...(p ? [['home page painted <= 500 ms', p.app_heading_ms <= 500, p.app_heading_ms.toFixed(0)]] : []),
  ...(pc ? [
    ['kill to new leader on the stage <= 5 s at 1x (max of 3)', Math.max(...pc.failover_ms) <= 5000, pc.failover_ms.map((x) => x.toFixed(0)).join(', ')],
    ['consumer start to Stable <= 5 s at 1x (max of 3)', Math.max(...pc.join_ms) <= 5000, pc.join_ms.map((x) => x.toFixed(0)).join(', ')],
  ] : []),
];
console.log(JSON.stringify(results, null, 2));
for (const [name, ok, value] of checks) console.log(`${ok ? 'met   ' : 'MISSED'}  ${name}: ${value}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
