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

test('console: Kafka commands, errors, and the interactive producer', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url + '#/sandbox');
  const input = page.getByTestId('console-input');
  const output = page.getByTestId('console-output');
  await input.fill('kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders');
  await input.press('Enter');
  await output.getByText(/PartitionCount: 3\s+ReplicationFactor: 3/).waitFor();
  await input.fill('kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t --partiton 3');
  await input.press('Enter');
  await output.getByText('unknown option --partiton; did you mean --partitions?').waitFor();
  // The producer opens a > prompt; each line is a record; exit ends it.
  await input.fill('kafka-topics.sh --bootstrap-server localhost:9092 --create --topic notes --partitions 1 --replication-factor 3');
  await input.press('Enter');
  await output.getByText('Created topic notes.').waitFor();
  await input.fill('kafka-console-producer.sh --bootstrap-server localhost:9092 --topic notes');
  await input.press('Enter');
  await page.getByRole('textbox', { name: 'Record to produce (exit or Ctrl-D to finish)' }).waitFor();
  for (const line of ['hello', 'kafka']) {
    await input.fill(line);
    await input.press('Enter');
  }
  await input.press('Control+d');
  await page.getByRole('textbox', { name: 'Command' }).waitFor();
  await input.fill('kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic notes --from-beginning --max-messages 2');
  await input.press('Enter');
  await output.getByText('Processed a total of 2 messages').waitFor();
  const text = await output.textContent();
  assert.ok(text.indexOf('hello') < text.lastIndexOf('kafka'), text);
  // History: the up arrow brings back the last command.
  await input.press('ArrowUp');
  assert.match(await input.inputValue(), /kafka-console-consumer\.sh/);
  assert.deepEqual(errors, []);
});

test('keyboard only: step, step back, play, pause and the shortcut list', async () => {
  current = await openPage(browser);
  const { page, errors } = current;
  await page.goto(url + '#/sandbox');
  const clock = page.getByTestId('clock');
  await clock.waitFor();
  const t0 = await clock.textContent();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => document.querySelector('[data-testid=clock]').textContent !== t, t0);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((t) => document.querySelector('[data-testid=clock]').textContent === t, t0);
  await page.keyboard.press(' ');
  await page.waitForFunction((t) => document.querySelector('[data-testid=clock]').textContent !== t, t0);
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts-help').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });
  // Typing in the console is not taken for shortcuts.
  const input = page.getByTestId('console-input');
  await input.focus();
  await page.keyboard.type('time ');
  assert.equal(await input.inputValue(), 'time ');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  // Focus is visible on keyboard navigation.
  await page.keyboard.press('Shift+Tab');
  const focused = await page.evaluate(() => ({ tag: document.activeElement.tagName, outline: getComputedStyle(document.activeElement).outlineStyle }));
  assert.equal(focused.tag, 'BUTTON');
  assert.notEqual(focused.outline, 'none', 'keyboard focus is visible');
  assert.deepEqual(errors, []);
});
