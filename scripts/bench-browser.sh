#!/usr/bin/env bash
# The browser benchmarks (frame rate, first paint, seek) against a fresh release build, in
# headless Chromium. Prints JSON and one line per budget; exits 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
trunk build --release >/dev/null 2>&1 || { trunk build --release; exit 1; }
exec node bench/stage.mjs
