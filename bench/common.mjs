// Shared by the browser benchmarks.

/// Opens the stress preset on `page` and runs it a second of virtual time at a time (a run,
/// unlike one `tick` command, can be entered at any of its events) until the timeline holds at
/// least `events` events; returns how many it holds.
export async function busySession(page, url, events = 10000, log = () => {}) {
  await page.goto(url + '#/sandbox?preset=stress');
  await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
  let head = 0;
  for (let i = 0; i < 60 && head < events; i++) {
    await page.getByTestId('run-1s').click();
    head = Number((await page.locator('.timeline label').textContent()).match(/of (\d+)/)[1]);
    log(`  timeline: ${head} events`);
  }
  return head;
}
