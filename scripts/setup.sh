#!/usr/bin/env bash
# Installs every tool the project needs, skipping what is already present. Safe to re-run.
# Versions that work on this project's machines are listed in DEVELOPERS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
fail() { echo "setup: $1" >&2; exit 1; }
# The wasm-bindgen CLI must be exactly the version Cargo.lock pins for the wasm-bindgen crate.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || fail "could not read the wasm-bindgen version from Cargo.lock; run: cargo generate-lockfile"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >/dev/null || fail "adding the wasm32 target failed; run by hand: rustup target add wasm32-unknown-unknown"
fi

# test.sh checks formatting and lints before any test runs.
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    echo "setup: adding the $component component"
    rustup component add "$component" >/dev/null || fail "adding $component failed; run by hand: rustup component add $component"
  fi
done

# The release bundle rebuilds std for size (scripts/build-release.sh), which needs std's source.
if ! rustup component list --installed 2>/dev/null | grep -qx rust-src; then
  echo "setup: adding the rust-src component"
  rustup component add rust-src >/dev/null || fail "adding rust-src failed; run by hand: rustup component add rust-src"
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  echo "setup: installing trunk $TRUNK_VERSION (about 7 minutes)"
  cargo install "trunk@$TRUNK_VERSION" --locked --quiet || fail "installing trunk failed; run by hand: cargo install trunk@$TRUNK_VERSION --locked"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # Not --locked: its lock file pins a webpki-roots release the registry mirror lacks.
  cargo install "wasm-bindgen-cli@$WASM_BINDGEN_VERSION" --quiet || fail "installing wasm-bindgen-cli failed; run by hand: cargo install wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  echo "setup: installing wasm-pack (about 2 minutes)"
  cargo install wasm-pack --locked --quiet || fail "installing wasm-pack failed; run by hand: cargo install wasm-pack --locked"
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; } \
    || fail "installing chromium failed; run by hand: apt-get update && apt-get install -y chromium chromium-driver"
fi

# wasm-opt (binaryen 132; Debian's 108 cannot read today's rustc output), playwright-core and
# terser (minifies the JS glue of release builds), axe-core (the accessibility checks of the e2e
# tests), @gfx/zopfli (the release build's precompressed gzip copies), all pinned in
# package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/playwright-core/package.json ] \
   || [ ! -f node_modules/terser/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ] \
   || [ ! -f node_modules/@gfx/zopfli/package.json ] \
   || ! node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version 132"; then
  echo "setup: installing npm packages (binaryen, playwright-core, terser, axe-core, @gfx/zopfli)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci failed; run by hand: npm ci"
fi
