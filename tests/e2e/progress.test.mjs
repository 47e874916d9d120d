// End to end: the learner's progress. Kept in localStorage across reloads, shown on the home
// page in words with quiz scores and where to go on, exported to a file and imported back;
// damaged or unreadable storage resets with a notice and never breaks the page.
// Each test's page is a fresh browser context (browser.newPage), so its storage starts empty.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, openPage, screenshotOnFailure } from './harness.mjs';

const env = useBrowser();
let current;
afterEach(async (t) => {
  if (current && t.passed === false) await screenshotOnFailure(t, current.page);
  await current?.page.close();
  current = undefined;
});

const KEY = 'flightsim.progress';
const FIRST = 'Topics, partitions and offsets';
const SECOND = 'Keys choose partitions';
const stored = (page) => page.evaluate((key) => localStorage.getItem(key), KEY);
const stateOf = (page, title) => page.getByTestId('course').locator('li', { hasText: title }).getByTestId('lesson-state').textContent();
const notice = (page) => page.getByTestId('progress-notice');

async function openHome(page) {
  await page.goto(env.url + '#/');
  await page.getByTestId('course').waitFor();
}

/// Stores `text` as the progress and opens the home page afresh, as a returning learner would.
async function withStored(page, text) {
  await openHome(page);
  await page.evaluate(([key, text]) => localStorage.setItem(key, text), [KEY, text]);
  await page.reload();
  await page.getByTestId('course').waitFor();
}

test('a new learner is told where to start; every lesson is not started', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openHome(page);
  assert.equal(await page.getByTestId('start-here').getByRole('link').textContent(), FIRST);
  assert.match(await page.getByTestId('start-here').textContent(), /^Start here: /);
  const states = await page.getByTestId('lesson-state').allTextContents();
  assert.ok(states.length >= 12 && states.every((s) => s === 'not started'), states.join(' | '));
  assert.equal(await notice(page).textContent(), '');
  assert.deepEqual(errors, []);
});

test('a quiz answered in a lesson is kept across a reload: the home page shows the lesson in progress with its first-answer score', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await page.goto(env.url + '#/lesson/02-keys-choose-partitions');
  await page.getByTestId('lesson').waitFor();
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 10 && (await page.locator('fieldset.choices').count()) === 0; i++) await next.click();
  const radios = page.getByRole('radio');
  const result = page.getByTestId('quiz-result');
  const answer = async (i) => {
    await radios.nth(i).check();
    await page.getByTestId('quiz-check').click();
    await result.waitFor();
    return (await result.getAttribute('data-right')) === 'true';
  };
  // The first answer is what counts; answering until right does not change it.
  const firstRight = await answer(0);
  if (!firstRight) for (let i = 1; i < (await radios.count()) && !(await answer(i)); i++);
  assert.equal(await result.getAttribute('data-right'), 'true');
  const reached = Number((await page.getByTestId('progress').textContent()).match(/^Step (\d+) of/)[1]);
  const expected = new RegExp(`^in progress, page ${reached} of \\d+, quizzes ${firstRight ? 1 : 0}/\\d+$`);
  await page.waitForFunction((key) => /\nquiz \S+ (right|wrong)\n/.test(localStorage.getItem(key) ?? ''), KEY);
  assert.match(await stored(page), /^flightsim-progress 1\nlesson 02-keys-choose-partitions reached \d+ of \d+\n(quiz|challenge) /);
  await page.reload();
  await page.getByTestId('lesson').waitFor();
  await openHome(page);
  assert.match(await stateOf(page, SECOND), expected);
  assert.equal(await stateOf(page, FIRST), 'not started');
  // The first lesson is not completed, so the course goes on there.
  assert.match(await page.getByTestId('start-here').textContent(), new RegExp(`^Continue with: ${FIRST}\\.`));
  // Reopening the lesson starts at its introduction and keeps the furthest page and the score.
  await page.getByTestId('course').getByRole('link', { name: SECOND }).click();
  await page.getByTestId('lesson').waitFor();
  await openHome(page);
  assert.match(await stateOf(page, SECOND), expected);
  assert.deepEqual(errors, []);
});

test('export downloads the progress as a file; importing it brings it back; a bad file changes nothing and says why', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  const text = 'flightsim-progress 1\nlesson 01-topics-partitions-offsets reached 9 of 9\nquiz a right\nquiz b wrong\n';
  await withStored(page, text);
  assert.equal(await stateOf(page, FIRST), '✓ completed, quizzes 1/2');
  assert.match(await page.getByTestId('start-here').textContent(), new RegExp(`^Continue with: ${SECOND}\\.`));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('progress-export').click()]);
  assert.equal(download.suggestedFilename(), 'flightsim-progress.txt');
  const exported = await readFile(await download.path(), 'utf8');
  assert.equal(exported, text);
  // A new browser: nothing stored.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByTestId('course').waitFor();
  assert.equal(await stateOf(page, FIRST), 'not started');
  const input = page.getByTestId('progress-import');
  await input.setInputFiles({ name: 'flightsim-progress.txt', mimeType: 'text/plain', buffer: Buffer.from(exported) });
  await notice(page).getByText('Imported your progress from flightsim-progress.txt: 1 lesson(s).').waitFor();
  assert.equal(await stateOf(page, FIRST), '✓ completed, quizzes 1/2');
  assert.equal(await stored(page), text);
  // Not a progress file: the progress stays as it was.
  await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('my notes\n') });
  await notice(page).getByText('notes.txt could not be imported (it is not a progress file); your progress is unchanged.').waitFor();
  assert.equal(await stateOf(page, FIRST), '✓ completed, quizzes 1/2');
  assert.equal(await stored(page), text);
  assert.deepEqual(errors, []);
});

test('damaged or old stored progress is reset with a notice saying why', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  for (const [bad, why] of [
    ['{"lessons":[{"id":"01"}]}', 'it is not a progress file'],
    ['flightsim-progress 0\nlesson 01-topics-partitions-offsets reached 1 of 9\n', 'it is version 0; this simulator reads version 1'],
    ['flightsim-progress 1\nlesson 01-topics-partitions-offsets reached 10 of 9\n', 'line 2: page 10 of 9 cannot be reached'],
  ]) {
    await withStored(page, bad);
    assert.equal(await notice(page).textContent(), `Your saved progress could not be read (${why}) and was reset.`);
    assert.equal(await stored(page), 'flightsim-progress 1\n', 'the reset is stored');
    assert.equal(await stateOf(page, FIRST), 'not started');
  }
  assert.deepEqual(errors, []);
});

test('without storage the course still works and says once that progress is not saved', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  // As a browser that blocks site data: reading localStorage throws.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  });
  await page.goto(env.url + '#/lesson/02-keys-choose-partitions');
  await page.getByTestId('lesson').waitFor();
  await page.getByTestId('lesson-next').click();
  await page.getByText('Step 2 of', { exact: false }).waitFor();
  await page.getByRole('link', { name: 'Course', exact: true }).click();
  await page.getByTestId('course').waitFor();
  assert.equal(
    await notice(page).textContent(),
    'Your progress cannot be saved in this browser (the browser does not allow storage for this page); it lasts until you close the page.',
  );
  // Kept for the visit.
  assert.match(await stateOf(page, SECOND), /^in progress, page 2 of \d+/);
  assert.deepEqual(errors, []);
});
