//! kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh print numbers that a direct
//! computation over the simulation's trace gives again, and that move the way Kafka's do when
//! acks, linger.ms, batch.size or a broker change.
use kafka_flightsim::shell::Shell;
use kafka_flightsim::sim::trace::TraceEvent;
use kafka_flightsim::sim::types::CLOCK_EPOCH_MS;
use kafka_flightsim::sim::Client;

const BOOTSTRAP: &str = "--producer-props bootstrap.servers=localhost:9092";

fn shell_with_topic() -> Shell {
    let mut sh = Shell::new(7);
    sh.execute("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic perf --partitions 3 --replication-factor 3", &[]).unwrap();
    sh
}

fn perf(sh: &mut Shell, rest: &str) -> String {
    sh.execute(&format!("kafka-producer-perf-test.sh --topic perf {rest} {BOOTSTRAP}"), &[]).unwrap()
}

/// The comma-separated numbers of a summary line: records, records/s, MB/s, avg, max, then
/// the four percentiles.
fn numbers(line: &str) -> Vec<f64> {
    line.split([',', '('])
        .map(|part| part.split_whitespace().next().unwrap_or("").parse::<f64>().unwrap_or_else(|_| panic!("no number in {part:?} of {line}")))
        .collect()
}

fn total(out: &str) -> Vec<f64> {
    numbers(out.lines().last().expect("a summary line"))
}

/// 20 records/s: every record after the first is due after the first's wait for metadata, so
/// record n is sent exactly (n - 1) * 50 ms after the client started. Its latency is then the
/// time of the ProduceAcked event naming it, minus that; records sent is the count the
/// producer acknowledged.
#[test]
fn the_summary_is_the_trace_computed_again() {
    let mut sh = shell_with_topic();
    let out = perf(&mut sh, "--num-records 200 --record-size 100 --throughput 20");
    let trace: Vec<_> = sh.sim.trace().iter().cloned().collect();
    let start =
        trace.iter().find(|t| matches!(&t.event, TraceEvent::ClientStarted { client } if &**client == "perf-producer-client")).expect("started").time_ms;
    let mut latencies = Vec::new();
    let mut last_ack = 0;
    for t in &trace {
        if let TraceEvent::ProduceAcked { client, records, .. } = &t.event {
            if &**client == "perf-producer-client" {
                for &(a, b) in &records.0 {
                    for n in a..=b {
                        latencies.push(t.time_ms - (start + (n - 1) * 50));
                    }
                }
                last_ack = t.time_ms;
            }
        }
    }
    let id = sh.sim.client_id("perf-producer-client").unwrap();
    let Some(Client::Producer(p)) = sh.sim.client(id) else { panic!("the producer") };
    assert_eq!(p.acked_count, 200);
    assert_eq!(latencies.len(), 200);
    let got = total(&out);
    let elapsed = (last_ack - start) as f64;
    assert_eq!(got[0], 200.0, "records sent = acknowledged: {out}");
    assert!((got[1] - 200_000.0 / elapsed).abs() < 0.05, "records/sec: {out}");
    assert!((got[2] - 100_000.0 * 200.0 / elapsed / 1_048_576.0).abs() < 0.005, "MB/sec: {out}");
    let mean = latencies.iter().sum::<u64>() as f64 / 200.0;
    assert!((got[3] - mean).abs() < 0.005, "avg latency {mean}: {out}");
    latencies.sort_unstable();
    assert_eq!(got[4], *latencies.last().unwrap() as f64, "max: {out}");
    for (i, p) in [0.5, 0.95, 0.99, 0.999].into_iter().enumerate() {
        assert_eq!(got[5 + i], latencies[(p * 200.0) as usize] as f64, "percentile {p}: {out}");
    }
    // 10 s of sending: one window line at the first callback 5 s after the start, counting
    // every acknowledgement up to it.
    let windows: Vec<&str> = out.lines().filter(|l| l.ends_with("ms max latency.")).collect();
    assert_eq!(windows.len(), 1, "{out}");
    let first_late = trace
        .iter()
        .filter(|t| matches!(&t.event, TraceEvent::ProduceAcked { client, .. } if &**client == "perf-producer-client"))
        .find(|t| t.time_ms - start >= 5_000)
        .unwrap();
    let acked_by = |time: u64| -> usize {
        trace
            .iter()
            .filter(|t| t.time_ms <= time)
            .filter_map(|t| match &t.event {
                TraceEvent::ProduceAcked { client, count, .. } if &**client == "perf-producer-client" => Some(*count),
                _ => None,
            })
            .sum()
    };
    assert_eq!(numbers(windows[0])[0] as usize, acked_by(first_late.time_ms), "{out}");
}

#[test]
fn acks_linger_batch_size_and_a_dead_broker_move_the_numbers() {
    let mut sh = shell_with_topic();
    let all = total(&perf(&mut sh, "--num-records 20000 --record-size 100 --throughput -1 --producer-props acks=all"));
    let one = total(&perf(&mut sh, "--num-records 20000 --record-size 100 --throughput -1 --producer-props acks=1"));
    assert!(one[1] > all[1] && one[3] < all[3], "acks=1 is faster than acks=all: {one:?} {all:?}");
    let small = total(&perf(&mut sh, "--num-records 5000 --record-size 100 --throughput -1 --producer-props batch.size=1000"));
    assert!(small[1] < all[1], "small batches carry fewer records per round trip: {small:?} {all:?}");
    let eager = total(&perf(&mut sh, "--num-records 1000 --record-size 100 --throughput 200 --producer-props linger.ms=0"));
    let lingering = total(&perf(&mut sh, "--num-records 1000 --record-size 100 --throughput 200 --producer-props linger.ms=100"));
    // A batch's first record waits the whole linger.ms, its last hardly at all.
    assert!(lingering[3] >= eager[3] + 30.0 && lingering[4] >= eager[4] + 80.0, "linger.ms waits: {lingering:?} {eager:?}");
    let before = total(&perf(&mut sh, "--num-records 1000 --record-size 100 --throughput 200"));
    sh.execute("kill broker 2", &[]).unwrap();
    let after = total(&perf(&mut sh, "--num-records 1000 --record-size 100 --throughput 200"));
    assert!(after[4] > 1_000.0 && after[4] > 10.0 * before[4], "acks=all waits for the dead broker to leave the ISR: {after:?} {before:?}");
}

#[test]
fn the_same_run_prints_the_same_lines() {
    let run = || {
        let mut sh = shell_with_topic();
        let mut out = perf(&mut sh, "--num-records 3000 --record-size 100 --throughput 500");
        out.push_str(&sh.execute("kafka-consumer-perf-test.sh --bootstrap-server localhost:9092 --topic perf --messages 3000", &[]).unwrap());
        (out, sh.sim.trace_hash())
    };
    assert_eq!(run(), run());
}

/// The result row: messages and bytes are the records in the log, the rebalance time runs
/// from the start to the member's first assignment, the end is the poll that reached
/// --messages.
#[test]
fn the_consumer_row_is_the_trace_computed_again() {
    let mut sh = shell_with_topic();
    perf(&mut sh, "--num-records 4000 --record-size 100 --throughput -1");
    let out = sh.execute("kafka-consumer-perf-test.sh --bootstrap-server localhost:9092 --topic perf --messages 4000 --group g", &[]).unwrap();
    let row: Vec<&str> = out.lines().nth(1).expect("a row").split(", ").collect();
    let trace: Vec<_> = sh.sim.trace().iter().cloned().collect();
    let mine = |client: &str| client == "perf-consumer-client";
    let start = trace.iter().find(|t| matches!(&t.event, TraceEvent::ClientStarted { client } if mine(client))).unwrap().time_ms;
    let assigned = trace.iter().find(|t| matches!(&t.event, TraceEvent::PartitionsAssigned { client, .. } if mine(client))).unwrap().time_ms;
    let mut consumed = 0;
    let mut end = 0;
    for t in &trace {
        if let TraceEvent::Consumed { client, first_offset, last_offset, .. } = &t.event {
            if mine(client) && consumed < 4000 {
                consumed += last_offset - first_offset + 1;
                end = t.time_ms;
            }
        }
    }
    let clock = |ms: u64| {
        let of_day = (CLOCK_EPOCH_MS as u64 + ms) % 86_400_000;
        format!("2026-01-05 {:02}:{:02}:{:02}:{:03}", of_day / 3_600_000, of_day / 60_000 % 60, of_day / 1_000 % 60, of_day % 1_000)
    };
    assert_eq!(row[0], clock(start), "{out}");
    assert_eq!(row[1], clock(end), "{out}");
    assert_eq!(row[4], consumed.to_string(), "{out}");
    let mb = consumed as f64 * 100.0 / 1_048_576.0;
    assert!((row[2].parse::<f64>().unwrap() - mb).abs() < 0.00005, "{out}");
    assert_eq!(row[6], (assigned - start).to_string(), "rebalance.time.ms: {out}");
    assert_eq!(row[7], (end - assigned).to_string(), "fetch.time.ms: {out}");
    let elapsed_s = (end - start) as f64 / 1_000.0;
    assert!((row[5].parse::<f64>().unwrap() - consumed as f64 / elapsed_s).abs() < 0.00005, "nMsg.sec: {out}");
}

#[test]
fn the_perf_transcripts_print_the_same_twice() {
    for name in ["13-producer-perf-test", "14-consumer-perf-test"] {
        let script = std::fs::read_to_string(format!("{}/tests/transcripts/{name}.txt", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let render = || kafka_flightsim::shell::transcript::run_script(&mut Shell::new(1), &script, false).text;
        assert_eq!(render(), render(), "{name}");
    }
}
