#!/usr/bin/env bash
# Builds the release app and prints the gzip size of the wasm, the JS and the CSS in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
scripts/build-release.sh >/dev/null 2>&1 || { scripts/build-release.sh; exit 1; }
total=0
for kind in wasm js css; do
  raw=0; gz=0
  for f in dist/*."$kind"; do
    [ -e "$f" ] || continue
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
  done
  total=$((total + gz))
  printf '%-5s %9d bytes raw %9d bytes gzip\n' "$kind" "$raw" "$gz"
done
printf 'total %9s           %9d bytes gzip (%d KB; gzip -9)\n' "" "$total" "$((total / 1024))"
# What is shipped: the build's own gzip copies (Zopfli, scripts/precompress.mjs), the bytes a
# server that sends precompressed files puts on the wire.
shipped=0
for f in dist/*.wasm.gz dist/*.js.gz dist/*.css.gz; do
  [ -e "$f" ] && shipped=$((shipped + $(stat -c %s "$f")))
done
printf 'shipped %7s           %9d bytes gzip (%d KB; the .gz files in dist/, Zopfli)\n' "" "$shipped" "$((shipped / 1024))"
# The same app built on plain stable Rust (no std rebuild, panics with messages): what a
# toolchain without the unstable options would ship.
stable_dir=$(mktemp -d)
trap 'rm -rf "$stable_dir"' EXIT
trunk build --release --dist "$stable_dir" >/dev/null 2>&1 || { echo "size: the plain stable build failed: trunk build --release" >&2; exit 1; }
stable=0
for f in "$stable_dir"/*.wasm "$stable_dir"/*.js "$stable_dir"/*.css; do
  [ -e "$f" ] && stable=$((stable + $(gzip -9 -c "$f" | wc -c)))
done
printf 'stable %8s           %9d bytes gzip (%d KB; plain trunk build --release on stable Rust)\n' "" "$stable" "$((stable / 1024))"
# The same files as a CDN would serve them to today's browsers (Content-Encoding: br), for
# comparison; the budget is gzip.
node -e '
const fs = require("fs"), z = require("zlib");
let total = 0;
for (const f of fs.readdirSync("dist")) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const d = fs.readFileSync("dist/" + f);
  total += z.brotliCompressSync(d, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_SIZE_HINT]: d.length } }).length;
}
console.log(`brotli ${String(total).padStart(9)}           (${Math.floor(total / 1024)} KB, quality 11)`);'
