#!/usr/bin/env bash
# The browser benchmarks: the engine firehose compiled to wasm, then the stage (frame rate,
# first paint, seek) against a fresh release build, in headless Chromium. Prints JSON and one line per budget; exits 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
echo "== the engine firehose compiled to wasm (200,000 records), in headless Chromium"
wasm-pack test --release --headless --chrome -- --test wasm_firehose -- --nocapture 2>&1 | grep -E "FIREHOSE|test result" || exit 1
echo "== the stage: frame rate and seeks at 1x and 2x CPU, first paint, pace"
scripts/build-release.sh >/dev/null 2>&1 || { scripts/build-release.sh; exit 1; }
status=0
node bench/stage.mjs || status=1
echo "== the course: the first lesson on a throttled phone, a lesson after its file arrives"
node bench/lesson.mjs || status=1
exit $status
