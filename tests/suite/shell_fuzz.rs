//! 100,000 random and mutated command lines: the interpreter never panics, and every line
//! either runs or returns a non-empty error. Seeded; a failure prints the seed and the line.
use std::panic::{catch_unwind, AssertUnwindSafe};

use kafka_flightsim::shell::{parse_script, Shell};
use kafka_flightsim::sim::config::ClusterConfig;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

const LINES: usize = 100_000;

/// Real commands to mutate: every line of the golden transcripts plus a few more.
fn corpus() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/transcripts");
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            v.extend(std::fs::read_to_string(p).unwrap().lines().filter(|l| !l.trim().is_empty()).map(String::from));
        }
    }
    v.extend(["help", "step", "step 5", "time", "trace", "describe clients", "run until idle", "heal"].map(String::from));
    v
}

const WORDS: &[&str] = &[
    "--topic",
    "--partitions",
    "--replication-factor",
    "--create",
    "--describe",
    "--alter",
    "--delete",
    "--list",
    "--config",
    "--bootstrap-server",
    "localhost:9092",
    "--from-beginning",
    "--max-messages",
    "--timeout-ms",
    "--partition",
    "--offset",
    "--property",
    "--group",
    "--entity-type",
    "--entity-name",
    "--add-config",
    "--delete-config",
    "--election-type",
    "--all-topic-partitions",
    "orders",
    "broker",
    "client",
    "1",
    "2",
    "3",
    "0",
    "-1",
    "99999999999999999999",
    "",
    "'",
    "\"",
    "\\",
    "|",
    "#",
    "..",
    "user_1..user_3",
    "10/s",
    "5ms",
    "1s",
    "=",
    "min.insync.replicas=2",
    "print.key=true",
    "acks=0",
    "ütf8",
    "\t",
    "kill",
    "start",
    "stop",
    "pause",
    "resume",
    "isolate",
    "partition",
    "tick",
    "latency",
    "drop",
    "next",
    "producer",
    "consumer",
    "describe",
    "reset",
    "--brokers",
    "--seed",
    "kafka-producer-perf-test.sh",
    "kafka-consumer-perf-test.sh",
    "--num-records",
    "--record-size",
    "--payload-monotonic",
    "--throughput",
    "--producer-props",
    "bootstrap.servers=localhost:9092",
    "linger.ms=5",
    "--messages",
    "--show-detailed-stats",
    "--reporting-interval",
    "--date-format",
    "yyyy-MM-dd'T'HH",
];

fn mutate(rng: &mut ChaCha8Rng, line: &str) -> String {
    let mut words: Vec<String> = line.split(' ').map(String::from).collect();
    for _ in 0..1 + rng.next_u32() % 3 {
        let i = (rng.next_u32() as usize) % (words.len() + 1);
        match rng.next_u32() % 7 {
            0 if !words.is_empty() => {
                words.remove(i.min(words.len() - 1));
            }
            1 => words.insert(i, WORDS[(rng.next_u32() as usize) % WORDS.len()].to_string()),
            2 if words.len() > 1 => {
                let j = (rng.next_u32() as usize) % words.len();
                let k = (rng.next_u32() as usize) % words.len();
                words.swap(j, k);
            }
            3 => {
                // Flip one character to random printable ASCII or a byte of UTF-8 text.
                let mut s = words.join(" ").into_bytes();
                if !s.is_empty() {
                    let at = (rng.next_u32() as usize) % s.len();
                    s[at] = b' ' + (rng.next_u32() % 95) as u8;
                }
                words = String::from_utf8_lossy(&s).split(' ').map(String::from).collect();
            }
            4 => words.insert(i, (rng.next_u32() % 5000).to_string()),
            5 => {
                let n = (rng.next_u32() % 12) as usize;
                words.insert(i, (0..n).map(|_| char::from_u32(0x20 + rng.next_u32() % 0x2000).unwrap_or('?')).collect());
            }
            _ => {}
        }
    }
    words.join(" ")
}

/// Durations and counts big enough to make one line slow are scaled down: the test is about
/// parsing and handling, not about simulating hours.
fn tame(line: &str) -> String {
    line.split(' ')
        .map(|w| match w {
            w if w.ends_with('m') && w[..w.len() - 1].parse::<u64>().is_ok() => "1s".to_string(),
            w if w.ends_with("ms") || w.ends_with('s') => w.to_string(),
            w if w.len() > 3 && w.parse::<u64>().is_ok() => "50".to_string(),
            w => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_hundred_thousand_lines_never_panic() {
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261122);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let corpus = corpus();
    // A fresh, small cluster every 50 lines: clients started by earlier lines (producers at a
    // rate, group members heartbeating) would otherwise make every later `tick` slower.
    let fresh = |s: u64| Shell::with_cluster(s, 3, ClusterConfig { offsets_topic_num_partitions: 5, ..ClusterConfig::default() });
    let mut shell = fresh(seed);
    let (mut ok, mut err) = (0usize, 0usize);
    for i in 0..LINES {
        if i % 50 == 0 {
            shell = fresh(seed + i as u64);
        }
        let line = match rng.next_u32() % 10 {
            // Pure noise now and then.
            0 => (0..rng.next_u32() % 40).map(|_| char::from_u32(0x20 + rng.next_u32() % 0x60).unwrap_or(' ')).collect::<String>(),
            _ => {
                let base = &corpus[(rng.next_u32() as usize) % corpus.len()];
                tame(&mutate(&mut rng, base))
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let script = if line.contains("producer") { format!("{line}\nkey\tvalue\n.\n") } else { line.clone() };
            let mut results = Vec::new();
            for cmd in parse_script(&script) {
                match cmd {
                    Ok(c) => results.push(shell.run(&c.argv, &c.stdin).map(|_| ()).map_err(|e| e.message)),
                    Err(e) => results.push(Err(e.error.message)),
                }
            }
            results
        }));
        match result {
            Err(_) => panic!("PANIC on line {i} (FUZZ_SEED={seed}): {line:?}"),
            Ok(results) => {
                for r in results {
                    match r {
                        Ok(()) => ok += 1,
                        Err(m) if m.trim().is_empty() => panic!("empty error on line {i} (FUZZ_SEED={seed}): {line:?}"),
                        Err(_) => err += 1,
                    }
                }
            }
        }
    }
    assert!(ok > 1_000 && err > 1_000, "the corpus should both run and fail often: {ok} ran, {err} failed");
    println!("{LINES} lines: {ok} commands ran, {err} returned an error, none panicked");
}
