//! The same seed and commands give the same trace, natively and in the browser (the browser
//! test compares against the same golden file).
use kafka_flightsim::scenarios::reference_run;

const GOLDEN: &str = include_str!("../data/reference_trace_hash.txt");

#[test]
fn same_seed_same_trace_hash() {
    let a = reference_run(42);
    let b = reference_run(42);
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.trace(), b.trace());
}

#[test]
fn different_seed_gives_a_different_run() {
    assert_ne!(reference_run(42).trace_hash(), reference_run(43).trace_hash());
}

#[test]
fn snapshot_replays_to_the_same_hash() {
    // A clone is a snapshot: running both forward gives the same result.
    let mut a = reference_run(7);
    let mut b = a.clone();
    a.run_for(5_000);
    b.run_for(5_000);
    assert_eq!(a.trace_hash(), b.trace_hash());
}

#[test]
fn reference_hash_matches_the_golden_file() {
    let hash = format!("{:016x}", reference_run(42).trace_hash());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/reference_trace_hash.txt"), format!("{hash}\n")).unwrap();
        return;
    }
    assert_eq!(hash, GOLDEN.trim(), "the reference run changed; if intended, rerun with UPDATE_GOLDEN=1");
}

const SESSION_GOLDEN: &str = include_str!("../data/session_trace_hash.txt");

#[test]
fn reference_session_matches_the_golden_file() {
    let mut a = kafka_flightsim::scenarios::reference_session(42);
    let errors: Vec<String> = a.take_printed().into_iter().filter(|p| p.kind == kafka_flightsim::session::LineKind::Error).map(|p| p.text).collect();
    assert!(errors.is_empty(), "every command of the reference session runs: {errors:?}");
    let b = kafka_flightsim::scenarios::reference_session(42);
    assert_eq!(a.shell().sim.trace_hash(), b.shell().sim.trace_hash());
    let hash = format!("{:016x}", a.shell().sim.trace_hash());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/session_trace_hash.txt"), format!("{hash}\n")).unwrap();
        return;
    }
    assert_eq!(hash, SESSION_GOLDEN.trim(), "the reference session changed; if intended, rerun with UPDATE_GOLDEN=1");
}
