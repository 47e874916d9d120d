//! The engine firehose compiled to WebAssembly, in headless Chromium: a benchmark, not a test
//! of speed (it asserts only that every record arrives and that the run is the one natively
//! seen). Run by `scripts/bench-browser.sh`; not part of `scripts/test.sh`.
//! `wasm-pack test --release --headless --chrome -- --test wasm_firehose --nocapture`
#![cfg(target_arch = "wasm32")]

use kafka_flightsim::bench::{firehose, run_firehose, FirehoseSpec};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn firehose_in_the_browser() {
    let spec = FirehoseSpec { records: 200_000, ..FirehoseSpec::default() };
    let now = || web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    let start = now();
    let mut sim = firehose(spec);
    let outcome = run_firehose(&mut sim, spec);
    let ms = now() - start;
    assert_eq!(outcome.consumed, spec.records);
    let line = format!(
        "FIREHOSE records={} events={} wall_ms={:.0} records_per_s={:.0} trace_hash={:016x}",
        outcome.consumed,
        outcome.events,
        ms,
        outcome.consumed as f64 * 1000.0 / ms,
        outcome.trace_hash
    );
    web_sys::console::log_1(&line.into());
}
