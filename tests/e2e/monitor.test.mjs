// End to end: the monitoring panel charts the simulation's metrics, follows the timeline,
// shows a dead broker's under-replicated partitions, opens a chart larger and exports CSV.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshotOnFailure } from './harness.mjs';

const env = useBrowser();
let current;
afterEach(async (t) => {
  if (current && t.passed === false) await screenshotOnFailure(t, current.page);
  await current?.page.close();
  current = undefined;
});

const urpValue = (page) => page.locator('figure[data-metric=urp] .metric-value').textContent();

test('monitoring: charts with Kafka names follow a broker failure, a seek, Larger and CSV', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await page.goto(env.url + '#/sandbox?preset=failover');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  const button = page.getByTestId('monitor-button');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const panel = page.getByTestId('monitor');
  await panel.getByRole('heading', { name: 'Cluster health' }).waitFor();
  // Each chart carries the MBean a real dashboard names and says its value in words.
  await panel.getByText('kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions').waitFor();
  assert.equal(await urpValue(page), '0 partitions');
  const label = await page.locator('figure[data-metric=urp] svg').getAttribute('aria-label');
  assert.match(label, /^Under-replicated partitions: now 0 partitions/);
  await panel.locator('figure[data-metric^="messages-in:"]').first().waitFor();
  // A broker dies: once the ISR shrinks, partitions are under-replicated.
  const input = page.getByTestId('console-input');
  await input.fill('kill broker 2');
  await input.press('Enter');
  const stepsBefore = await page.locator('.timeline label').textContent();
  for (let i = 0; i < 12; i++) await page.getByTestId('run-1s').click();
  await page.waitForFunction(() => {
    const v = document.querySelector('figure[data-metric=urp] .metric-value')?.textContent ?? '';
    return /^[1-9]\d* partitions$/.test(v);
  });
  const after = await urpValue(page);
  // Seeking back to before the kill shows the charts of that moment.
  const slider = page.getByTestId('timeline');
  const at = Number(/Step (\d+)/.exec(stepsBefore)[1]);
  await slider.evaluate((el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, at);
  await page.waitForFunction(() => document.querySelector('figure[data-metric=urp] .metric-value')?.textContent === '0 partitions');
  await slider.evaluate((el) => { el.value = el.max; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction((v) => document.querySelector('figure[data-metric=urp] .metric-value')?.textContent === v, after);
  // The default alert on under-replicated partitions fired; its button goes to that moment.
  const alert = page.getByTestId('alerts').locator('li', { hasText: 'urp > 0' });
  assert.match(await alert.textContent(), /⚠ FIRING/);
  const go = alert.locator('button[data-act=seek]');
  const firedMs = Number(await go.getAttribute('data-time'));
  const headLabel = await page.locator('.timeline label').textContent();
  await go.click();
  await page.waitForFunction((h) => document.querySelector('.timeline label').textContent !== h, headLabel);
  assert.equal(Number(await page.getByTestId('clock').getAttribute('data-now')), firedMs);
  assert.match(await urpValue(page), /^[1-9]\d* partitions$/);
  // Back to the end for the rest.
  await slider.evaluate((el) => { el.value = el.max; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction((h) => document.querySelector('.timeline label').textContent === h, headLabel);
  // Larger: the chart spans the panel with a table of its newest values.
  const larger = page.locator('button[data-act=open][data-chart=urp]');
  await larger.click();
  await page.locator('figure[data-metric=urp].open table.metric-table').waitFor();
  assert.equal(await page.locator('button[data-act=open][data-chart=urp]').getAttribute('aria-expanded'), 'true');
  // CSV: a file named after the metric, a header with its Kafka name, then time_ms,value.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-act=csv][data-chart=urp]').click()]);
  assert.equal(download.suggestedFilename(), 'urp.csv');
  const text = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  const lines = text.trim().split('\n');
  assert.match(lines[0], /^time_ms,urp \(partitions; kafka\.server:type=ReplicaManager;name=UnderReplicatedPartitions\)$/);
  assert.match(lines.at(-1), /^\d+000,[1-9]\d*$/);
  assert.deepEqual(errors, []);
});

test('monitoring at 360 px: the panel fits the width', async () => {
  current = await openPage(env.browser, { viewport: { width: 360, height: 740 } });
  const { page, errors } = current;
  await page.goto(env.url + '#/sandbox?preset=failover');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  // On a phone the page's other actions are behind More.
  await page.getByTestId('more').click();
  await page.getByTestId('monitor-button').click();
  await page.getByTestId('monitor').getByRole('heading', { name: 'Cluster health' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  assert.deepEqual(errors, []);
});
