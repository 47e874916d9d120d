// Trunk post-build hook: minifies the wasm-bindgen JS glue of release builds with terser.
// Trunk's own minifier gives up on the glue's `export default` (a warning, and the file ships
// as written), which costs about 1.4 KB of the bundle's gzip. The glue's integrity hash in
// index.html is recomputed, so Subresource Integrity still holds. The wasm is optimised here
// too: its functions named for their order (scripts/wasm-order.mjs), then `wasm-opt -Oz` with
// index.html's data-wasm-opt-params (Trunk's own wasm-opt step is off, since it would run
// before the names could be changed). Then the names the wasm and the glue link by are
// shortened in both (scripts/wasm-names.mjs), and the wasm's hash recomputed too. Last, each
// file gets a gzip copy beside it (scripts/precompress.mjs).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortenNames } from './wasm-names.mjs';
import { nameForOrder } from './wasm-order.mjs';
import { precompress } from './precompress.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-js: TRUNK_STAGING_DIR is not set; run it as a Trunk hook (Trunk.toml)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
// Imported here, so a debug build (`trunk serve`) never needs terser.
const { minify } = await import('terser');

const source = readFileSync(process.env.TRUNK_HTML_FILE ?? 'index.html', 'utf8');
const params = /data-wasm-opt-params="([^"]*)"/.exec(source)?.[1].split(/\s+/).filter(Boolean);
if (!params) throw new Error('minify-js: no data-wasm-opt-params in index.html');

// binaryen's wasm-opt as scripts/setup.sh installs it (the version Trunk.toml pins).
const local = new URL('../node_modules/.bin/wasm-opt', import.meta.url).pathname;
const wasmOpt = existsSync(local) ? local : 'wasm-opt';

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const htmlPath = join(dir, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const path = join(dir, name);
  const before = readFileSync(path);
  const out = await minify(before.toString('utf8'), { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  if (!out.code) throw new Error(`minify-js: terser returned nothing for ${name}`);
  let code = out.code;
  const wasmPath = join(dir, name.replace(/\.js$/, '_bg.wasm'));
  if (!existsSync(wasmPath)) {
    // A script of our own (the stage's painter worker): minified, nothing to link.
    writeFileSync(path, code);
    console.log(`minify-js: ${name} ${before.length} -> ${code.length} bytes`);
    continue;
  }
  const wasmBefore = readFileSync(wasmPath);
  const ordered = nameForOrder(wasmBefore);
  const tmp = `${wasmPath}.named`;
  writeFileSync(tmp, ordered.wasm);
  execFileSync(wasmOpt, ['-Oz', ...params, tmp, '-o', wasmPath], { stdio: 'inherit' });
  rmSync(tmp);
  const optimised = readFileSync(wasmPath);
  console.log(`minify-js: ${ordered.renamed} functions named for their order, wasm-opt: ${wasmBefore.length} -> ${optimised.length} bytes`);
  const short = shortenNames(optimised, code);
  code = short.js;
  writeFileSync(wasmPath, short.wasm);
  html = html.split(sri(wasmBefore)).join(sri(short.wasm));
  writeFileSync(path, code);
  const old = sri(before);
  if (html.includes(old)) html = html.split(old).join(sri(Buffer.from(code)));
  console.log(`minify-js: ${name} ${before.length} -> ${code.length} bytes; ${short.imports} imports and ${short.exports} exports renamed, wasm ${optimised.length} -> ${short.wasm.length} bytes`);
}
writeFileSync(htmlPath, html);
// Last, once every file is final: their gzip copies (Trunk runs a stage's hooks side by side,
// so this cannot be a hook of its own).
await precompress(dir);
