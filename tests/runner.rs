//! The native runner starts, documents itself, and refuses unusable arguments with exit 2.
use std::process::Command;

fn flightsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flightsim")).args(args).output().expect("flightsim runs")
}

#[test]
fn help_prints_usage_and_succeeds() {
    let out = flightsim(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("USAGE:") && text.contains("bench"), "{text}");
}

#[test]
fn unusable_arguments_exit_2_with_one_line() {
    for args in [&[][..], &["fly"][..], &["bench", "--records"][..], &["bench", "--records", "many"][..], &["bench", "--nope"][..]] {
        let out = flightsim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.trim().is_empty(), "{args:?} printed no error");
    }
    let err = String::from_utf8(flightsim(&["bench", "--records", "many"]).stderr).unwrap();
    assert_eq!(err.trim(), "flightsim bench: --records takes a whole number, not 'many'");
}

#[test]
fn small_bench_consumes_everything() {
    let out = flightsim(&["bench", "--records", "2000", "--partitions", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("consumed:                2000"), "{text}");
}
