// Takes the README's screenshot of the sandbox: node tests/e2e/screenshot.mjs [out.png] [width]
// The failover preset, broker 1 killed and the cluster run on until the controller fenced it.
import { serveDist, launch } from './harness.mjs';
const out = process.argv[2] ?? 'docs/screenshot.png';
const width = Number(process.argv[3] ?? 1280);
const { server, url } = await serveDist();
const browser = await launch();
const page = await browser.newPage({ viewport: { width, height: 900 } });
await page.goto(url + '#/sandbox?preset=failover');
await page.locator('svg[data-testid=stage] g.broker').first().waitFor();
await page.getByTestId('broker-1').getByRole('button').first().click({ position: { x: 40, y: 12 } });
await page.getByTestId('fault-kill').click();
for (let i = 0; i < 8; i++) await page.getByTestId('run-1s').click();
await page.getByTestId('narration').getByText('controller fenced broker 1').first().waitFor();
// Play briefly so messages are in flight in the picture.
await page.getByTestId('play').click();
await page.waitForTimeout(1500);
await page.getByTestId('play').click();
await page.screenshot({ path: out, fullPage: true });
await browser.close();
server.close();
console.log(`wrote ${out}`);
