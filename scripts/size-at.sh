#!/usr/bin/env bash
# Prints the shipped bundle's gzip size at each commit given (as scripts/size.sh measures the
# working tree): each is checked out in a scratch worktree and built as it ships. Attributes a
# bundle change to the commits that made it.  Usage: scripts/size-at.sh REV [REV...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
root=$PWD
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
tree=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$tree"' EXIT
git worktree add --detach "$tree" HEAD >/dev/null
export CARGO_TARGET_DIR="$root/target/size-at"
for rev in "$@"; do
  git -C "$tree" checkout -q --detach "$rev"
  ln -sfn "$root/node_modules" "$tree/node_modules"
  if ! (cd "$tree" && . scripts/release-env.sh && trunk build --release >/dev/null 2>&1); then
    echo "$rev: build failed"; continue
  fi
  total=0
  for f in "$tree"/dist/*.wasm "$tree"/dist/*.js "$tree"/dist/*.css; do total=$((total + $(gzip -9 -c "$f" | wc -c))); done
  printf '%s total %d B gzip (wasm %d B)  %s\n' "$(git -C "$root" rev-parse --short "$rev")" "$total" "$(gzip -9 -c "$tree"/dist/*.wasm | wc -c)" "$(git -C "$root" log -1 --format=%s "$rev" | cut -c1-60)"
done
