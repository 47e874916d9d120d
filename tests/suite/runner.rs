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

#[test]
fn run_prints_a_transcript_and_exits_by_outcome() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |script: &str, extra: &[&str]| {
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_flightsim")).arg("run").arg("-").args(extra).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = run("# comment\nkafka-topics.sh --bootstrap-server localhost:9092 --create --topic t\n", &[]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(String::from_utf8(ok.stdout).unwrap(), "$ kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t\nCreated topic t.\n");
    let failing = "bogus\ntime\n";
    let out = run(failing, &[]);
    assert_eq!(out.status.code(), Some(1), "a failed command exits 1");
    assert!(String::from_utf8(out.stdout).unwrap().contains("$ time\nt = 100 ms"), "the script goes on");
    let strict = run(failing, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!String::from_utf8(strict.stdout).unwrap().contains("$ time"), "--strict stops at the failure");
    assert_eq!(flightsim(&["run"]).status.code(), Some(2));
    assert_eq!(flightsim(&["run", "/no/such/file"]).status.code(), Some(2));
    assert_eq!(flightsim(&["run", "-", "--wat"]).status.code(), Some(2));
    let help = String::from_utf8(flightsim(&["help"]).stdout).unwrap();
    assert!(help.contains("kafka-topics.sh") && help.contains("tick <duration>"), "{help}");
}

/// The error screen's report: a session address replays natively to the same step and trace.
#[test]
fn replay_reopens_a_shared_address() {
    use kafka_flightsim::session::Player;
    let preset = kafka_flightsim::presets::find("failover").expect("preset");
    let mut p = Player::new(preset, 7).unwrap();
    p.line("kafka-topics.sh --bootstrap-server localhost:9092 --list");
    p.line("kill broker 1");
    for _ in 0..10 {
        assert!(p.step());
    }
    // A step inside the stepped events (a console line's events are one op, not addressable).
    p.seek(p.head() - 3);
    let query = p.link().to_query();
    let want_hash = format!("trace hash: {:016x}", p.shell().sim.trace_hash());
    let out = flightsim(&["replay", &format!("http://127.0.0.1:8080/?reload=1#/sandbox?{query}")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("$ kafka-topics.sh --bootstrap-server localhost:9092 --list\n__consumer_offsets\norders\n"), "{text}");
    assert!(text.contains(&format!("preset failover, seed 7: step {} of {}", p.head() - 3, p.head())), "{text}");
    assert!(text.contains(&want_hash), "{text}");

    for (address, error) in [
        ("#/sandbox", "flightsim replay: the address names no session"),
        ("#/sandbox?preset=failover&seed=7&tape=&sum=00000000", "flightsim replay: the link's checksum does not match"),
    ] {
        let out = flightsim(&["replay", address]);
        assert_eq!(out.status.code(), Some(2), "{address}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with(error) && err.trim().lines().count() == 1, "{address}: {err}");
    }
}

/// `flightsim lessons check` reads the glossary's file (from the working directory, as the
/// page serves it): a malformed file fails with its line and reason, and a file without an
/// entry that a lesson or narration links to fails too.
#[test]
fn lessons_check_refuses_a_broken_glossary() {
    let dir = std::env::temp_dir().join(format!("flightsim-glossary-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("glossary")).unwrap();
    let lesson = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/01-topics-partitions-offsets.lesson");
    let check = |glossary: &str| {
        std::fs::write(dir.join("glossary/glossary.txt"), glossary).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_flightsim")).args(["lessons", "check", lesson]).current_dir(&dir).output().expect("flightsim runs");
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, text) = check("# isr: ISR\nThe replicas caught up.\n\nA second paragraph.\n");
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(text.trim(), "FAIL glossary/glossary.txt:4: an entry's text is one paragraph");
    let (code, text) = check("# isr: ISR\nThe replicas caught up.\n");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("FAIL glossary/glossary.txt: no entry `hw`, which narration links `high watermark` to"), "{text}");
    assert!(text.contains("no glossary entry `partition`"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}
