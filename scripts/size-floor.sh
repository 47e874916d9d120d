#!/usr/bin/env bash
# What the bundle is made of, from below: three small programs built exactly as the app's wasm
# is (opt-level z, fat LTO, std rebuilt by scripts/release-env.sh, wasm-bindgen, the wasm-opt
# flags of index.html), each gzipped. std: any Rust wasm of ours; yew: the smallest Yew app shaped like ours; engine: the
# whole app without its UI. docs/BENCHMARKS.md ("Bundle size") reads the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
. scripts/release-env.sh
# The same wasm-opt flags as the app (index.html's data-wasm-opt-params), so the numbers compare.
params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
out=$root/target/floor
mkdir -p "$out"
printf '%-8s %9s %9s %9s\n' part wasm-raw wasm-gzip js-gzip
for part in std yew engine; do
  dir=bench/floor/$part
  # Start from the app's lock file, so every shared crate has the app's version.
  cp Cargo.lock "$dir/Cargo.lock"
  (cd "$dir" && CARGO_TARGET_DIR="$out" cargo build --quiet --release --target wasm32-unknown-unknown)
  rm -f "$dir/Cargo.lock"
  # A library's file name takes underscores, a binary's keeps the hyphen.
  name=floor_$part
  wasm=$out/wasm32-unknown-unknown/release/$name.wasm
  [ -e "$wasm" ] || wasm=$out/wasm32-unknown-unknown/release/floor-$part.wasm
  rm -rf "$out/bg-$part"
  wasm-bindgen --target web --out-name "$name" --out-dir "$out/bg-$part" "$wasm"
  # shellcheck disable=SC2086
  wasm-opt -Oz $params "$out/bg-$part/${name}_bg.wasm" -o "$out/$part.wasm"
  printf '%-8s %9d %9d %9d\n' "$part" "$(stat -c %s "$out/$part.wasm")" "$(gzip -9 -c "$out/$part.wasm" | wc -c)" "$(gzip -9 -c "$out/bg-$part/$name.js" | wc -c)"
done
