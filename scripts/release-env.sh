# Sourced by the scripts that build the shipped wasm (build-release.sh, size-floor.sh).
#
# Rust's standard library is rebuilt for size and panics compile to a trap. std as rustup
# ships it is built for speed and formats every panic message; here it is rebuilt with the
# wasm-release profile (opt-level "z", fat LTO) and its `optimize_for_size` feature, and
# `panic=immediate-abort` drops the panic machinery. WebAssembly SIMD (in every browser since
# 2023) gives LLVM shorter instruction sequences. docs/BENCHMARKS.md ("Bundle size") has what
# each saves. A panic still shows the crash screen (src/ui/crash.rs catches the trap), and
# `flightsim replay` replays its address natively with the panic message.
#
# These are unstable cargo/rustc options. The toolchain is the machine's stable rustc, and
# RUSTC_BOOTSTRAP=1 lets it take them for these builds only: native tests, wasm-pack tests
# and `trunk serve` build with the stable defaults. They need the rust-src component
# (scripts/setup.sh adds it).
#
# Unstable options can change between compiler releases. They were checked with the rustc
# below; on another one the build says so and goes on (if it then fails, the message says
# what to do). Without them, `trunk build --release` builds on any stable rustc, about 30 KB of
# gzip larger (scripts/size.sh prints both).
FLIGHTSIM_CHECKED_RUSTC="1.95.0"
flightsim_rustc=$(rustc --version 2>/dev/null | awk '{ print $2 }')
if [ "$flightsim_rustc" != "$FLIGHTSIM_CHECKED_RUSTC" ]; then
  echo "release-env: the shipped build's unstable options were checked with rustc $FLIGHTSIM_CHECKED_RUSTC; this machine has ${flightsim_rustc:-no rustc}." >&2
  echo "release-env: if the build fails, check each option in this file against that rustc (cargo -Z help, rustc -Z help), then set FLIGHTSIM_CHECKED_RUSTC; or ship the plain stable build: trunk build --release" >&2
fi
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Ctarget-feature=+simd128"
