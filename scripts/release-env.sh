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
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Ctarget-feature=+simd128"
