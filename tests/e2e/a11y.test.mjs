// End to end: accessibility checked by axe-core (Deque's rules, as Lighthouse runs them) on the
// home page, a lesson and the sandbox, light and dark. No serious or critical violation.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useBrowser, openPage, screenshotOnFailure } from './harness.mjs';

const env = useBrowser();
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let current;
afterEach(async (t) => {
  if (current && t.passed === false) await screenshotOnFailure(t, current.page);
  await current?.page.close();
  current = undefined;
});

/// Serious and critical violations on the page as it stands, one line each.
async function violations(page) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0]?.target})`);
  });
  return found;
}

for (const scheme of ['light', 'dark']) {
  test(`axe finds no serious or critical violation: home, a lesson, the sandbox (${scheme})`, async () => {
    current = await openPage(env.browser, { colorScheme: scheme });
    const { page, errors } = current;
    await page.goto(env.url);
    await page.getByTestId('course').waitFor();
    assert.deepEqual(await violations(page), [], 'home');
    await page.goto(env.url + '#/lesson/02-keys-choose-partitions');
    await page.getByTestId('lesson').waitFor();
    assert.deepEqual(await violations(page), [], 'lesson');
    await page.goto(env.url + '#/sandbox?preset=order-service');
    await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
    await page.getByTestId('step').click();
    assert.deepEqual(await violations(page), [], 'sandbox');
    await page.goto(env.url + '#/glossary');
    await page.locator('.glossary dl dt').first().waitFor();
    assert.deepEqual(await violations(page), [], 'glossary');
    assert.deepEqual(errors, []);
  });
}
