//! The native integration tests, one binary: each file is a module (linking the library once
//! instead of once per file halves the suite's build and run time; docs/BENCHMARKS.md).
//! Run one module with `cargo test --test suite <module>::`, e.g. `fault_sweep::`.
mod assignor_properties;
mod assignor_vectors;
mod common;
mod console;
mod determinism;
mod engine_scenarios;
mod fault_sweep;
mod group_sweep;
mod groups;
mod healing;
mod kafka_vectors;
mod layering;
mod lessons;
mod metrics;
mod perf_tools;
mod runner;
mod session;
mod shell_fuzz;
mod transcripts;
