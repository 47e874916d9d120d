// End to end: the course. Lessons are data files the page fetches; the player walks through
// one with the keyboard, grades a quiz with the engine's answer and explains it.
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

const LESSON = '02-keys-choose-partitions';

async function openLesson(page, id = LESSON) {
  await page.goto(env.url + '#/lesson/' + id);
  await page.getByTestId('lesson').waitFor();
}

test('the home page lists the lessons in course order', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await page.goto(env.url);
  const course = page.getByTestId('course');
  await course.waitFor();
  const links = await course.getByRole('link').allTextContents();
  assert.deepEqual(links, ['Topics, partitions and offsets', 'Keys choose partitions', 'Producers and acks', 'Consumers and offsets', 'Consumer groups', 'Rebalancing', 'Replication and the ISR', 'Broker failure', 'Ordering guarantees', 'Delivery semantics', 'Designing a pipeline', 'Review: the whole course', 'Consumer lag and scaling', 'What to watch when a broker dies']);
  await course.getByRole('link', { name: 'Keys choose partitions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Keys choose partitions' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a lesson: keyboard through the steps, a choice quiz wrong then right, Back', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page);
  const progress = page.getByTestId('progress');
  assert.match(await progress.textContent(), /^Step 1 of \d+$/);
  const next = page.getByTestId('lesson-next');
  await next.focus();
  // The first step: its commands ran in the lesson's simulation and their output is shown.
  await page.keyboard.press('Enter');
  await page.getByText('Step 2 of', { exact: false }).waitFor();
  assert.match(await page.getByTestId('lesson-narration').textContent(), /The same key goes to the same partition/);
  await page.getByTestId('lesson-console').getByText('user-1', { exact: false }).first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'lesson-next', 'focus stays on Next');
  // On to the first choice quiz, with the keyboard.
  for (let i = 0; i < 10 && (await page.locator('fieldset.choices').count()) === 0; i++) await page.keyboard.press('Enter');
  const radios = page.getByRole('radio');
  const n = await radios.count();
  assert.ok(n >= 2, `${n} options`);
  const result = page.getByTestId('quiz-result');
  const answer = async (i) => {
    await radios.nth(i).focus();
    await page.keyboard.press('Space');
    await page.getByTestId('quiz-check').press('Enter');
    await result.waitFor();
    return { right: (await result.getAttribute('data-right')) === 'true', text: await result.textContent() };
  };
  // Wrong first: whichever option the page marks wrong (the engine decides, not this test).
  let wrong;
  for (let i = 0; i < n && !wrong; i++) {
    const r = await answer(i);
    if (!r.right) wrong = r;
  }
  assert.ok(wrong, 'some option is wrong');
  assert.match(wrong.text, /✗ Not right\./, 'marked in words, not by colour alone');
  assert.ok(wrong.text.length > 40, `an explanation: ${wrong.text}`);
  let right;
  for (let i = 0; i < n && !right; i++) {
    const r = await answer(i);
    if (r.right) right = r;
  }
  assert.ok(right, 'one option is right');
  assert.match(right.text, /✓ Right\./);
  // Try again poses the quiz afresh.
  await page.getByTestId('quiz-again').click();
  assert.equal(await result.count(), 0);
  // Back returns to the step before, with its output.
  const before = await progress.textContent();
  await page.getByTestId('lesson-back').press('Enter');
  assert.notEqual(await progress.textContent(), before);
  assert.ok(await page.getByTestId('lesson-console').isVisible());
  assert.deepEqual(errors, []);
});

test('a challenge shows its goals, hints one at a time and the solution; typing it meets the goals', async () => {
  current = await openPage(env.browser, { viewport: { width: 360, height: 740 } });
  const { page, errors } = current;
  await openLesson(page);
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 30 && (await page.getByTestId('challenge').count()) === 0; i++) await next.click();
  const goals = page.getByTestId('goals');
  assert.match(await goals.textContent(), /Not yet/);
  await page.getByTestId('hint').click();
  assert.equal(await page.locator('.hints li').count(), 1);
  await page.getByTestId('solution').click();
  const solution = (await page.getByTestId('solution-commands').textContent()).trim().split('\n');
  const line = page.getByTestId('challenge-line');
  for (const l of solution) {
    await line.fill(l);
    await line.press('Enter');
  }
  await page.getByText('Challenge complete', { exact: false }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  assert.deepEqual(errors, []);
});

test('a malformed lesson shows file:line: reason', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  // A test-only file, served (and listed in the index) for this page alone: the course's own
  // files must all parse.
  await page.route('**/lessons/index.txt', async (route) => {
    const index = await (await route.fetch()).text();
    await route.fulfill({ status: 200, contentType: 'text/plain', body: index + 'e2e-broken\tBroken\n' });
  });
  await page.route('**/lessons/e2e-broken.lesson', (route) =>
    route.fulfill({ status: 200, contentType: 'text/plain', body: 'id: e2e-broken\ntitle: Broken\n\n# cluster\nbrokers: 3\nseed: 1\n\n# step: a\ntitle: A\nbogus: x\n\nText.\n' }));
  await page.goto(env.url + '#/lesson/e2e-broken');
  const e = page.getByTestId('lesson-error');
  await e.waitFor();
  assert.match(await e.textContent(), /^lessons\/e2e-broken\.lesson:\d+: \S/);
  assert.deepEqual(errors, []);
});

test('the lesson stage plays each step forward, a click quiz is answered on it, and the lesson is a script for a real cluster', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page, '08-broker-failure');
  const stage = page.getByTestId('lesson-stage');
  await stage.getByTestId('stage').waitFor();
  assert.equal(await page.getByTestId('lesson-replay').isDisabled(), true, 'nothing to replay at the introduction');
  // Forward to the click quiz: each step's moment is played, then stops at the lesson's moment.
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 12 && (await page.getByTestId('quiz-answer').count()) === 0; i++) await next.click();
  const label = await page.locator('label[for=quiz-answer]').textContent();
  assert.match(label, /Click the broker on the stage/);
  const status = page.getByTestId('lesson-stage-status');
  await page.waitForFunction(() => /^t = /.test(document.querySelector('[data-testid=lesson-stage-status]')?.textContent ?? ''), null, { timeout: 20000 });
  // The partition's row is not a broker: the page says what to click instead.
  await stage.locator('[data-testid^="replica-payments-0"]').first().click();
  assert.match(await page.getByTestId('quiz-note').textContent(), /That is a partition: this question asks you to click a broker/);
  // Each live broker clicked in turn: exactly one is the new leader.
  const results = [];
  for (const b of [2, 3]) {
    await stage.locator(`[data-testid=broker-${b}] .hit`).click();
    const r = page.getByTestId('quiz-result');
    await r.waitFor();
    results.push((await r.getAttribute('data-right')) === 'true');
    assert.equal(await page.getByTestId('quiz-answer').inputValue(), String(b), 'the click fills the answer');
  }
  assert.equal(results.filter(Boolean).length, 1, `exactly one right: ${results}`);
  assert.ok(/^t = /.test(await status.textContent()));
  // Try it on a real cluster: the lesson's commands so far, with the simulator's verbs by hand.
  await page.getByTestId('real-cluster-button').click();
  const script = await page.getByTestId('real-cluster-script').inputValue();
  assert.match(script, /^#!\/usr\/bin\/env bash/);
  assert.match(script, /kafka-topics\.sh --bootstrap-server "?\$BOOTSTRAP"? --create --topic payments/);
  assert.match(script, /# by hand: .*kill broker 1/);
  assert.deepEqual(errors, []);
});

test('an order quiz with the keyboard: moving an item keeps focus on it, a wrong order shows what happened, the simulation\'s order is right', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page, '08-broker-failure');
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 20 && (await page.getByTestId('quiz-order').count()) === 0; i++) await next.click();
  const list = page.getByTestId('quiz-order');
  const labels = async () => list.locator('button[data-move=up]').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label').replace(/^Move up: /, '')));
  const shown = await labels();
  assert.ok(shown.length >= 3, `${shown.length} items`);
  // Keyboard: Enter on the first item's "Move down" moves it, and focus follows it.
  await list.locator('button[data-move=down]').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((first) => document.querySelectorAll('[data-testid=quiz-order] button[data-move=up]')[1]?.getAttribute('aria-label') === 'Move up: ' + first, shown[0]);
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  assert.match(focused, new RegExp('^Move (up|down): ' + shown[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // Put it back: the order as first shown is never the answer.
  await list.locator('button[data-move=up]').nth(1).click();
  assert.deepEqual(await labels(), shown);
  await page.getByTestId('quiz-check').click();
  const result = page.getByTestId('quiz-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-right'), 'false');
  assert.match(await result.textContent(), /are not where the simulation has them/);
  const answer = await page.getByTestId('order-answer').locator('li').evaluateAll((ls) => ls.map((l) => l.querySelector('span')?.textContent.replace(/\s+/g, ' ').trim()));
  assert.match(await page.getByTestId('order-answer').textContent(), /t = [\d.]+ (s|ms): /);
  // Arrange the simulation's order with the buttons, then check: right.
  for (let k = 0; k < answer.length; k++) {
    let at = (await labels()).indexOf(answer[k]);
    assert.ok(at >= 0, `${answer[k]} in ${await labels()}`);
    for (; at > k; at--) await list.locator('button[data-move=up]').nth(at).click();
  }
  await page.getByTestId('quiz-check').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=quiz-result]')?.dataset.right === 'true');
  assert.deepEqual(errors, []);
});

test('a compare step: two stages side by side play the same failure under acks=1 and acks=all, and the quiz asks both', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page, '08-broker-failure');
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 12 && (await page.getByTestId('compare').count()) === 0; i++) await next.click();
  const left = page.getByTestId('compare-left');
  const right = page.getByTestId('compare-right');
  assert.equal(await left.locator('h3').textContent(), 'Left: acks=1');
  assert.equal(await right.locator('h3').textContent(), 'Right: acks=all');
  // Both stages play from where the sides part (frame by frame, not in one jump), and each
  // stops at its own end.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=lesson-stage-status]')].filter((s) => /^Playing/.test(s.textContent)).length === 2, null, { timeout: 10000 });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=lesson-stage-status]')].length === 2 && [...document.querySelectorAll('[data-testid=lesson-stage-status]')].every((s) => /^t = /.test(s.textContent)), null, { timeout: 30000 });
  for (const side of [left, right]) assert.match(await side.getByTestId('broker-1-status').textContent(), /down/);
  // Two stages, one set of shape definitions: ids stay unique on the page.
  assert.equal(await page.evaluate(() => document.querySelectorAll('[id]').length - new Set([...document.querySelectorAll('[id]')].map((e) => e.id)).size), 0, 'no duplicate ids');
  assert.match(await page.getByTestId('lesson-narration').textContent(), /Left: \d+ records acknowledged, [1-9]\d* of them lost\. Right: \d+ acknowledged, 0 lost\./);
  // The quiz after it keeps both stages in view and asks of both sides.
  await next.click();
  await page.getByTestId('compare').waitFor();
  const radios = page.getByRole('radio');
  let right_one = -1;
  for (let i = 0; i < (await radios.count()); i++) {
    await radios.nth(i).check();
    await page.getByTestId('quiz-check').click();
    const r = page.getByTestId('quiz-result');
    await r.waitFor();
    if ((await r.getAttribute('data-right')) === 'true') right_one = i;
  }
  assert.match(await page.locator('label[for=choice-' + right_one + ']').textContent(), /Only with acks=1/);
  assert.deepEqual(errors, []);
});

test('a predict quiz, once answered, writes the record and the stage plays it landing', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page);
  const next = page.getByTestId('lesson-next');
  for (let i = 0; i < 6 && (await page.getByTestId('quiz-answer').count()) === 0; i++) await next.click();
  await page.getByTestId('quiz-answer').fill('9');
  await page.getByTestId('quiz-check').click();
  await page.getByTestId('quiz-result').waitFor();
  // The lesson ran the quiz's then: commands: the record went where the engine said.
  await page.getByTestId('lesson-console').getByText('one more', { exact: false }).waitFor();
  await page.waitForFunction(() => /^Playing/.test(document.querySelector('[data-testid=lesson-stage-status]')?.textContent ?? ''), null, { timeout: 10000 });
  await page.waitForFunction(() => /^t = /.test(document.querySelector('[data-testid=lesson-stage-status]')?.textContent ?? ''), null, { timeout: 20000 });
  assert.equal(await page.getByTestId('lesson-replay').isDisabled(), false, 'the reveal can be replayed');
  // Start over: back to the introduction, the quiz unanswered again.
  await page.getByTestId('lesson-restart').click();
  assert.match(await page.getByTestId('progress').textContent(), /^Step 1 of \d+$/);
  assert.equal(await page.getByTestId('lesson-restart').isDisabled(), true);
  for (let i = 0; i < 6 && (await page.getByTestId('quiz-answer').count()) === 0; i++) await next.click();
  assert.equal(await page.getByTestId('quiz-answer').inputValue(), '');
  assert.equal(await page.getByTestId('quiz-result').count(), 0);
  assert.deepEqual(errors, []);
});

test('lesson 2 completed with the keyboard only: every page, every quiz, the challenge typed; the home page says completed', async () => {
  current = await openPage(env.browser);
  const { page, errors } = current;
  await openLesson(page);
  const next = page.getByTestId('lesson-next');
  const result = page.getByTestId('quiz-result');
  const rightNow = async () => (await result.count()) > 0 && (await result.getAttribute('data-right')) === 'true';
  for (let pages = 0; pages < 40; pages++) {
    if ((await page.getByTestId('quiz-answer').count()) > 0) {
      // A predict quiz: type an answer and press Enter until the engine says it is right.
      const input = page.getByTestId('quiz-answer');
      for (let v = 0; v < 8 && !(await rightNow()); v++) {
        await input.focus();
        await page.keyboard.press('Control+A');
        await page.keyboard.type(String(v));
        await page.keyboard.press('Enter');
        await result.waitFor();
      }
      assert.ok(await rightNow(), 'a partition number between 0 and 7 is right');
    } else if ((await page.locator('fieldset.choices').count()) > 0) {
      const radios = page.getByRole('radio');
      for (let i = 0; i < (await radios.count()) && !(await rightNow()); i++) {
        await radios.nth(i).focus();
        await page.keyboard.press('Space');
        await page.getByTestId('quiz-check').focus();
        await page.keyboard.press('Enter');
        await result.waitFor();
      }
      assert.ok(await rightNow(), 'one option is right');
    } else if ((await page.getByTestId('challenge').count()) > 0) {
      await page.getByTestId('solution').focus();
      await page.keyboard.press('Enter');
      const solution = (await page.getByTestId('solution-commands').textContent()).trim().split('\n');
      await page.getByTestId('challenge-line').focus();
      for (const l of solution) {
        await page.keyboard.type(l);
        await page.keyboard.press('Enter');
      }
      await page.getByText('Challenge complete', { exact: false }).waitFor();
    }
    if (await next.isDisabled()) break;
    await next.focus();
    await page.keyboard.press('Enter');
  }
  assert.equal(await next.isDisabled(), true, 'the last page');
  const back = page.getByRole('link', { name: 'Back to the course' });
  await back.focus();
  await page.keyboard.press('Enter');
  const item = page.getByTestId('course').locator('li', { hasText: 'Keys choose partitions' });
  await item.waitFor();
  assert.match(await item.textContent(), /completed/);
  assert.deepEqual(errors, []);
});
