#!/usr/bin/env bash
# Runs every test layer: native (cargo test), browser (wasm-pack test in headless Chromium) and
# end to end (Playwright against a release build served on loopback). Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

echo "== native tests (cargo test)"
cargo test --profile ci --quiet

echo "== browser tests (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome -- --test browser

echo "== end-to-end tests (Playwright, release build)"
trunk build --release >/dev/null 2>&1 || { trunk build --release; exit 1; }
node --test tests/e2e/
