// Run by minify-js.mjs (release builds), once the files are final: writes a gzip copy beside each
// wasm, JS and CSS file, compressed with Zopfli. Zopfli spends seconds searching for a shorter
// DEFLATE stream that any gzip decoder reads: about 5 % fewer bytes than `gzip -9` for our wasm.
// A static server that serves precompressed files (nginx's gzip_static, Caddy's
// precompressed, the loading benchmarks' own server in tests/e2e/harness.mjs) sends these
// instead of compressing on the fly, and the learner downloads that much less.
// scripts/size.sh prints both sizes: the shipped .gz files, and `gzip -9` of the same files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export async function precompress(dir) {
  const { gzipAsync } = (await import('@gfx/zopfli')).default ?? (await import('@gfx/zopfli'));
  let total = 0;
  for (const name of readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f))) {
    const path = join(dir, name);
    const body = readFileSync(path);
    // 15 iterations is Zopfli's default; more saved under 0.1 % of the wasm for 4x the time.
    const packed = Buffer.from(await gzipAsync(body, { numiterations: 15 }));
    // A decoder must give back the file exactly: checked here, not trusted.
    if (!gunzipSync(packed).equals(body)) throw new Error(`precompress: ${name}.gz does not decompress to ${name}`);
    writeFileSync(`${path}.gz`, packed);
    total += packed.length;
    console.log(`precompress: ${name} ${body.length} -> ${packed.length} bytes (gzip, Zopfli)`);
  }
  console.log(`precompress: ${total} bytes of gzip in all`);
  return total;
}

// By hand, on a built directory: node scripts/precompress.mjs dist
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.error('precompress: give the directory of a release build: node scripts/precompress.mjs dist');
    process.exit(1);
  }
  await precompress(dir);
}
