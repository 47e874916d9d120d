// Takes the README's screenshot of the sandbox: node tests/e2e/screenshot.mjs [out.png]
import { serveDist, launch } from './harness.mjs';
const out = process.argv[2] ?? 'docs/screenshot.png';
const { server, url } = await serveDist();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto(url + '#/sandbox');
await page.locator('article.broker').first().waitFor();
await page.getByRole('button', { name: 'Kill broker 1 (hard)' }).click();
await page.getByRole('button', { name: 'Run 10 s' }).click();
await page.getByTestId('narration').getByText('controller fenced broker 1').waitFor();
await page.screenshot({ path: out, fullPage: true });
await browser.close();
server.close();
console.log(`wrote ${out}`);
