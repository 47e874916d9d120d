// End to end: the release build mounts, routes, and the sandbox drives the real engine.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshotOnFailure } from './harness.mjs';

let server, url, browser, current;

before(async () => {
  ({ server, url } = await serveDist());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});
afterEach(async (t) => {
  if (current && t.passed === false) await screenshotOnFailure(t, current.page);
  await current?.page.close();
  current = undefined;
});

test('home page mounts without console errors', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url);
  await page.getByRole('heading', { name: 'Fly a Kafka cluster' }).waitFor();
  assert.ok(await page.getByRole('heading', { name: 'The course' }).isVisible());
  assert.deepEqual(errors, []);
});

test('an unknown lesson says so', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url + '#/lesson/no-such-lesson');
  await page.getByText('There is no lesson called').waitFor();
  assert.deepEqual(errors, []);
});

test('sandbox: killing a broker fences it and moves leadership', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url + '#/sandbox');
  await page.locator('article.broker').first().waitFor();
  assert.equal(await page.locator('article.broker').count(), 3);
  await page.getByRole('button', { name: 'Kill broker 1 (hard)' }).click();
  await page.getByRole('button', { name: 'Run 10 s' }).click();
  const narration = page.getByTestId('narration');
  await narration.getByText('controller fenced broker 1').waitFor();
  assert.match(await narration.textContent(), /clean election, leader [23]/);
  assert.ok(await page.getByRole('button', { name: 'Start broker 1' }).isVisible());
  assert.deepEqual(errors, []);
});

test('works at 360 px wide', async () => {
  current = await openPage(browser, { viewport: { width: 360, height: 740 } });
  const { page, errors } = current;
  await page.goto(url + '#/sandbox');
  await page.locator('article.broker').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  assert.deepEqual(errors, []);
});

test('the glossary states the simplifications', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url);
  await page.getByRole('link', { name: 'Glossary' }).click();
  await page.getByRole('heading', { name: 'Where the simulator simplifies' }).waitFor();
  assert.ok(await page.getByText('High watermark (HW)').isVisible());
  assert.deepEqual(errors, []);
});
