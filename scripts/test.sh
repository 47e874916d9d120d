#!/usr/bin/env bash
# Runs every test layer: native (cargo test), browser (wasm-pack test in headless Chromium) and
# end to end (Playwright against a release build served on loopback). Installs what is missing.
# Ends with one line adding up all layers: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# House rules a tool enforces: formatting, lints, and determinism (clippy.toml forbids hash
# containers, the wall clock and threads). Any finding fails the run.
echo "== rules (rustfmt, clippy native and wasm32)"
cargo fmt --check || { echo "test.sh: unformatted code; run: cargo fmt" >&2; exit 1; }
cargo clippy --profile ci --all-targets --quiet -- -D warnings || { echo "test.sh: clippy findings (native); fix them or explain an #[allow] in place" >&2; exit 1; }
cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings || { echo "test.sh: clippy findings (wasm32 UI); fix them or explain an #[allow] in place" >&2; exit 1; }

echo "== native tests (cargo test)"
cargo test --profile ci --quiet 2>&1 | tee -a "$log"

echo "== browser tests (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome -- --test browser 2>&1 | tee -a "$log"

echo "== end-to-end tests (Playwright, release build)"
scripts/build-release.sh >/dev/null 2>&1 || { scripts/build-release.sh; exit 1; }
node --test tests/e2e/ 2>&1 | tee -a "$log"

awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^# pass / { p += $3 }
  /^# fail / { f += $3 }
  END { printf "tests: %d passed, %d failed\n", p, f }
' "$log"
