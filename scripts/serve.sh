#!/usr/bin/env bash
# Serves the app on http://127.0.0.1:8080 with live reload (trunk serve), installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
