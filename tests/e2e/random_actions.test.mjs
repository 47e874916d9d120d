// A seeded random walk through the sandbox: console commands (faults, admin tools, client
// verbs, malformed lines), keyboard shortcuts, seeks, clicks on the stage and on the details
// panel's fault buttons, play/pause and speed, on several presets and widths. Nothing a
// learner does may raise a console error or the crash screen. A failure prints the seed and
// step that reproduce it: E2E_SEED=<seed> node --test tests/e2e/random_actions.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, screenshotOnFailure } from './harness.mjs';

const COMMANDS = [
  'kill broker 1', 'kill broker 2', 'start broker 1', 'start broker 2', 'stop broker 3', 'start broker 3',
  'pause broker 2', 'resume broker 2', 'isolate broker 1', 'heal', 'partition broker-1 | broker-2 broker-3',
  'latency 50 jitter 20', 'drop next 5', 'tick 3s', 'step 20', 'run until idle',
  'consumer start cx --topic orders --group dashboard', 'consumer stop cx', 'kill client dashboard',
  'slow client dashboard 2s', 'producer start px --topic orders --rate 50/s', 'producer stop px',
  'kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t2 --partitions 40 --replication-factor 2',
  'kafka-topics.sh --bootstrap-server localhost:9092 --delete --topic t2',
  'kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 6',
  'kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name orders --add-config unclean.leader.election.enable=true',
  'kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions',
  'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group dashboard',
  'kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --from-beginning --max-messages 3',
  'reset --brokers 5', 'reset --brokers 1', 'trace 5', 'describe cluster',
  '\u{1F41B}', "'unterminated", '--', '|', 'kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic "(("', 'x'.repeat(3000),
];
const PRESETS = ['failover', 'orders', 'order-service', 'clickstream', 'empty', 'stress'];

const env = useBrowser();

test('random learner actions never raise an error or the crash screen', async (t) => {
  const seed = Number(process.env.E2E_SEED ?? 20261201);
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  for (let run = 0; run < 2; run++) {
    const { page, errors } = await openPage(env.browser, { viewport: { width: pick([360, 800, 1280]), height: 900 } });
    const preset = pick(PRESETS);
    await page.goto(env.url + '#/sandbox?preset=' + preset);
    await page.locator('svg[data-testid=stage]').waitFor();
    const done = [];
    let longest = 0;
    for (let step = 0; step < 40; step++) {
      const r = rnd();
      let action;
      if (r < 0.45) {
        action = pick(COMMANDS);
        await page.fill('[data-testid=console-input]', action);
        await page.press('[data-testid=console-input]', 'Enter');
      } else if (r < 0.6) {
        action = 'key ' + pick(['ArrowRight', 'ArrowLeft', 'Space', 'Home', 'End']);
        await page.locator('body').press(action.slice(4));
      } else if (r < 0.7) {
        const timeline = page.getByTestId('timeline');
        const to = Math.floor(rnd() * (Number(await timeline.getAttribute('max')) + 1));
        action = `seek ${to}`;
        await timeline.fill(String(to));
      } else if (r < 0.8) {
        const shapes = page.locator('svg[data-testid=stage] [role=button]');
        const n = await shapes.count();
        const k = Math.floor(rnd() * Math.max(n, 1));
        action = `click shape ${k} of ${n}`;
        if (n) await shapes.nth(k).click({ force: true });
      } else if (r < 0.88) {
        action = 'play, then pause';
        await page.getByTestId('play').click();
        await page.waitForTimeout(300);
        await page.getByTestId('play').click();
      } else if (r < 0.94) {
        const buttons = page.locator('[data-testid=details] button');
        const n = await buttons.count();
        const k = Math.floor(rnd() * Math.max(n, 1));
        action = `details button ${k} of ${n}`;
        if (n) await buttons.nth(k).click();
      } else {
        action = 'speed ' + pick(['25', '100', '800']);
        await page.getByTestId('speed').selectOption(action.slice(6));
      }
      done.push(`${step}: ${action}`);
      longest = Math.max(longest, Number(await page.getByTestId('timeline').getAttribute('max')));
      const crashed = await page.getByTestId('crash-screen').count();
      if (crashed || errors.length) {
        await screenshotOnFailure(t, page);
        assert.fail(`E2E_SEED=${seed}, run ${run} (${preset}), step ${step} (${action}): ${errors.join(' | ') || 'crash screen'}\n${done.slice(-10).join('\n')}`);
      }
    }
    // The walk did drive the sandbox: the console answered and the session has steps.
    assert.ok(await page.getByTestId('console-output').locator('*').count() > 0, 'the console printed nothing');
    // Steps taken at some point: a walk may end on a short timeline, since a command typed after
    // seeking back drops the tape's future, as editing the past does.
    assert.ok(longest > 0, 'no step was taken');
    await page.close();
  }
});
