// Trunk post-build hook: minifies the wasm-bindgen JS glue of release builds with terser.
// Trunk's own minifier gives up on the glue's `export default` (a warning, and the file ships
// as written), which costs about 1.4 KB of the bundle's gzip. The glue's integrity hash in
// index.html is recomputed, so Subresource Integrity still holds. Then the names the wasm and
// the glue link by are shortened in both (scripts/wasm-names.mjs), and the wasm's hash too.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortenNames } from './wasm-names.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-js: TRUNK_STAGING_DIR is not set; run it as a Trunk hook (Trunk.toml)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
// Imported here, so a debug build (`trunk serve`) never needs terser.
const { minify } = await import('terser');

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
  const wasmBefore = readFileSync(wasmPath);
  const short = shortenNames(wasmBefore, code);
  code = short.js;
  writeFileSync(wasmPath, short.wasm);
  html = html.split(sri(wasmBefore)).join(sri(short.wasm));
  writeFileSync(path, code);
  const old = sri(before);
  if (html.includes(old)) html = html.split(old).join(sri(Buffer.from(code)));
  console.log(`minify-js: ${name} ${before.length} -> ${code.length} bytes; ${short.imports} imports and ${short.exports} exports renamed, wasm ${wasmBefore.length} -> ${short.wasm.length} bytes`);
}
writeFileSync(htmlPath, html);
