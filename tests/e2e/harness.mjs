// Shared end-to-end harness: serves dist/ on loopback and drives Debian's Chromium through
// playwright-core. Collects console errors and keeps a screenshot when a test fails.
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const ROOT = new URL('../../dist/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };

/// Serves dist/ (or `root`, a directory, for benchmarks of another build). With `gzip`, text and
/// wasm go gzip-encoded to a client that accepts it, as a web server or CDN would serve them
/// (the loading benchmarks: the bundle budget is its gzip size): the build's precompressed
/// `.gz` copy where there is one, else `gzip -9` here.
export async function serveDist(root = ROOT, { gzip = false } = {}) {
  const packed = new Map();
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    try {
      if (path.startsWith('..')) throw new Error('outside dist');
      const body = await readFile(join(root, path));
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && !type.startsWith('image/')) {
        // A precompressed copy the release build wrote (scripts/precompress.mjs) goes as it
        // is, as nginx's gzip_static would send it; anything else is compressed here.
        if (!packed.has(path)) packed.set(path, await readFile(join(root, `${path}.gz`)).catch(() => gzipSync(body, { level: 9 })));
        res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip' });
        res.end(packed.get(path));
        return;
      }
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/// A page that records console errors and uncaught exceptions.
export async function openPage(browser, options = {}) {
  const page = await browser.newPage(options);
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return { page, errors };
}

export async function screenshotOnFailure(t, page) {
  if (!page) return;
  const dir = new URL('./screenshots/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${t.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  console.error(`screenshot kept: ${file}`);
}

/// For a test file: serves dist/ and launches Chromium once, before its tests, and closes both
/// after them. The returned object's `url` and `browser` are set once the tests run.
export function useBrowser() {
  const env = {};
  before(async () => {
    ({ server: env.server, url: env.url } = await serveDist());
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.close();
  });
  return env;
}
