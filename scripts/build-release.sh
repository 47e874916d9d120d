#!/usr/bin/env bash
# Builds the app for the browser as it ships into dist/: `trunk build --release` (profile
# wasm-release, wasm-opt -Oz, the JS glue minified by scripts/minify-js.mjs) with std rebuilt
# for size (scripts/release-env.sh says how and why). Arguments go to trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
. scripts/release-env.sh
trunk build --release "$@" || {
  echo "build-release: the size-optimised build failed; scripts/release-env.sh names the rustc its unstable options were checked with and what to do on another one." >&2
  exit 1
}
