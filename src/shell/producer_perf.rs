//! `kafka-producer-perf-test.sh` (Kafka's ProducerPerformance,
//! tools/src/main/java/org/apache/kafka/tools/ProducerPerformance.java, 4.0): a real producer
//! in the simulation sends `--num-records` records at `--throughput` records/s, and each
//! record's latency is the virtual time from its send() to its callback, as PerfCallback
//! measures it. The command runs to its end at once (virtual time passes inside it) and prints
//! the tool's lines: a window line whenever a callback sees 5 s passed since the window began,
//! then the total with percentiles. Throughput and latency come only from the simulation:
//! round trips, acks, linger.ms, batch.size, max.in.flight, leaders and ISRs; the network has
//! latency but no bandwidth, so bytes count only through batching (docs/ARCHITECTURE.md).
use std::rc::Rc;

use super::clients::{exception, settle_idempotence};
use super::java_format::fixed;
use super::options::{self, flag, value, Spec};
use super::{Shell, ShellError};
use crate::sim::config::ProducerConfig;
use crate::sim::types::record_size;
use crate::sim::{Client, Fault, Millis, ProducerRecord};

pub(super) const SPECS: &[Spec] = &[
    value("topic"),
    value("num-records"),
    value("record-size"),
    value("payload-file"),
    flag("payload-monotonic"),
    value("payload-delimiter"),
    value("throughput"),
    value("producer-props"),
    value("producer.config"),
    flag("print-metrics"),
    value("transactional-id"),
    value("transaction-duration-ms"),
    flag("help"),
];

/// The most records one run sends: each is kept in the simulated logs (and in the browser).
const MAX_RECORDS: i64 = 100_000;
/// The longest a run may plan to send for, in virtual ms.
const MAX_SEND_MS: u128 = 600_000;
/// KafkaProducer's max.block.ms (default): how long send() waits for metadata or buffer space.
const MAX_BLOCK_MS: Millis = 60_000;
/// Stats' reportingInterval: a window line at most every 5 s.
const WINDOW_MS: Millis = 5_000;
/// Failed records whose exception is printed; Kafka prints every one, with its stack trace.
const SHOWN_FAILURES: usize = 10;

/// argparse4j's `parser.handleError`: the usage (left out here) and `prog: error: msg`.
fn usage_error(msg: &str) -> ShellError {
    ShellError::new(format!("producer-performance: error: {msg}"))
}

/// argparse4j's conversion error for a typed argument.
fn not_a(option: &str, v: &str, class: &str) -> ShellError {
    usage_error(&format!("argument --{option}: could not convert '{v}' to {class} (For input string: \"{v}\")"))
}

/// `--producer-props` takes every word up to the next option (argparse4j's `nargs("+")`): each
/// becomes one `--producer-props=word` for the shared option parser.
fn spread_props(args: &[String]) -> Result<Vec<String>, ShellError> {
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        if args[i] != "--producer-props" {
            out.push(args[i].clone());
            i += 1;
            continue;
        }
        let n = args[i + 1..].iter().take_while(|a| !a.starts_with("--")).count();
        if n == 0 {
            return Err(usage_error("argument --producer-props: expected at least one argument"));
        }
        out.extend(args[i + 1..i + 1 + n].iter().map(|v| format!("--producer-props={v}")));
        i += 1 + n;
    }
    Ok(out)
}

/// `--throughput` (a Double) in thousandths of a record per second, negative for no limit.
/// Decimal text only (`1000`, `0.5`, `-1`): the bundle carries no float parser.
fn throughput_milli(v: &str) -> Result<i64, ShellError> {
    let t = v.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) || int.len() > 12 {
        return Err(not_a("throughput", v, "Double"));
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| not_a("throughput", v, "Double"))? };
    let mut milli = whole * 1_000;
    for (k, b) in frac.bytes().take(3).enumerate() {
        milli += i64::from(b - b'0') * [100, 10, 1][k];
    }
    Ok(if neg { -milli } else { milli })
}

/// Java's SplittableRandom(0).nextInt(26) + 65, as ProducerPerformance.generateRandomPayload
/// fills a `--record-size` payload (RandomSupport.boundedNextInt over mix32(nextSeed())).
fn kafka_payload(size: usize) -> Rc<str> {
    const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut seed: u64 = 0;
    let mut next = || {
        seed = seed.wrapping_add(GAMMA);
        let z = (seed ^ (seed >> 33)).wrapping_mul(0x62a9_d9ed_7997_05f5);
        ((z ^ (z >> 28)).wrapping_mul(0xcb24_d0a5_c88c_35b3) >> 32) as u32 as i32
    };
    let mut s = String::with_capacity(size);
    for _ in 0..size {
        let mut r = next();
        let mut u = ((r as u32) >> 1) as i32;
        // Reject the over-represented top of the range, as boundedNextInt does.
        loop {
            r = u % 26;
            if u.wrapping_add(25).wrapping_sub(r) >= 0 {
                break;
            }
            u = ((next() as u32) >> 1) as i32;
        }
        s.push((b'A' + r as u8) as char);
    }
    Rc::from(s)
}

/// What the records carry: one shared `--record-size` payload (Kafka draws new letters for
/// every record; sharing one keeps 100,000 records from costing 100,000 payloads), or
/// `--payload-monotonic`'s record index as text.
enum Payload {
    Fixed(Rc<str>),
    Monotonic,
}

impl Payload {
    fn value(&self, i: u64) -> Rc<str> {
        match self {
            Payload::Fixed(p) => p.clone(),
            Payload::Monotonic => Rc::from(i.to_string()),
        }
    }
}

/// ProducerPerformance.Stats over virtual time: every success counts, a window line is
/// printed from the callback that finds `WINDOW_MS` passed, latencies kept for percentiles.
struct Stats {
    start: Millis,
    count: u64,
    bytes: u64,
    total_latency: u64,
    max_latency: u64,
    latencies: Vec<u32>,
    window_start: Millis,
    window_count: u64,
    window_bytes: u64,
    window_total: u64,
    window_max: u64,
}

const MB: u128 = 1_048_576;

impl Stats {
    fn new(start: Millis) -> Stats {
        Stats {
            start,
            count: 0,
            bytes: 0,
            total_latency: 0,
            max_latency: 0,
            latencies: Vec::new(),
            window_start: start,
            window_count: 0,
            window_bytes: 0,
            window_total: 0,
            window_max: 0,
        }
    }

    /// Stats.record: `sampling` is 1 below 500,000 records, so every latency is kept.
    fn record(&mut self, latency: u64, bytes: u64, now: Millis, out: &mut String) {
        self.count += 1;
        self.bytes += bytes;
        self.total_latency += latency;
        self.max_latency = self.max_latency.max(latency);
        self.window_count += 1;
        self.window_bytes += bytes;
        self.window_total += latency;
        self.window_max = self.window_max.max(latency);
        self.latencies.push(latency as u32);
        if now - self.window_start >= WINDOW_MS {
            // Stats.printWindow.
            let elapsed = u128::from(now - self.window_start);
            out.push_str(&format!(
                "{} records sent, {} records/sec ({} MB/sec), {} ms avg latency, {}.0 ms max latency.\n",
                self.window_count,
                fixed(1_000 * u128::from(self.window_count), elapsed, 1),
                fixed(1_000 * u128::from(self.window_bytes), elapsed * MB, 2),
                fixed(u128::from(self.window_total), u128::from(self.window_count), 1),
                self.window_max
            ));
            self.window_start = now;
            self.window_count = 0;
            self.window_bytes = 0;
            self.window_total = 0;
            self.window_max = 0;
        }
    }

    /// Stats.printTotal (4.0's `%.1f records/sec`; 3.x printed `%f`). Percentiles are read at
    /// `(int) (p * size)` of the sorted latencies, 0 when none succeeded (Java's zeroed array).
    fn total(&mut self, end: Millis) -> String {
        let elapsed = u128::from(end - self.start);
        self.latencies.sort_unstable();
        let size = self.latencies.len();
        let perc = |p: f64| if size == 0 { 0 } else { self.latencies[(p * size as f64) as usize] };
        format!(
            "{} records sent, {} records/sec ({} MB/sec), {} ms avg latency, {}.00 ms max latency, {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th.\n",
            self.count,
            fixed(1_000 * u128::from(self.count), elapsed, 1),
            fixed(1_000 * u128::from(self.bytes), elapsed * MB, 2),
            fixed(u128::from(self.total_latency), u128::from(self.count), 2),
            self.max_latency,
            perc(0.5),
            perc(0.95),
            perc(0.99),
            perc(0.999)
        )
    }
}

/// Checks the options as ProducerPerformance.ConfigPostProcessor and KafkaProducer do, in their
/// order; what the simulator cannot do (files, transactions, the metrics registry) is refused.
struct Plan {
    topic: String,
    records: u64,
    payload: Payload,
    /// Thousandths of a record per second; negative: no throttling.
    throughput_milli: i64,
    config: ProducerConfig,
    client_id: String,
}

/// argparse4j's usage line and the tool's description (printed for --help or no arguments).
const HELP: &str = "usage: producer-performance [-h] --topic TOPIC --num-records NUM-RECORDS (--record-size RECORD-SIZE | --payload-file PAYLOAD-FILE | --payload-monotonic) [--payload-delimiter PAYLOAD-DELIMITER] --throughput THROUGHPUT [--producer-props PROP-NAME=PROP-VALUE [PROP-NAME=PROP-VALUE ...]] [--producer.config CONFIG-FILE] [--print-metrics] [--transactional-id TRANSACTIONAL-ID] [--transaction-duration-ms TRANSACTION-DURATION]

This tool is used to verify the producer performance.
(In the simulator: --record-size or --payload-monotonic, --producer-props with bootstrap.servers; no files, transactions or metrics.)
";

fn plan(args: &[String]) -> Result<Plan, ShellError> {
    let p = options::parse(&spread_props(args)?, SPECS)?;
    if let Some(extra) = p.positional.first() {
        return Err(usage_error(&format!("unrecognized arguments: '{extra}'")));
    }
    for required in ["topic", "num-records", "throughput"] {
        if !p.has(required) {
            return Err(usage_error(&format!("argument --{required} is required")));
        }
    }
    let payloads: Vec<&str> = ["record-size", "payload-file", "payload-monotonic"].into_iter().filter(|o| p.has(o)).collect();
    match payloads.as_slice() {
        [] => return Err(usage_error("one of the arguments --record-size --payload-file --payload-monotonic is required")),
        [a, b, ..] => return Err(usage_error(&format!("argument --{b}: not allowed with argument --{a}"))),
        _ => {}
    }
    let num = |o: &str| -> Result<Option<i64>, ShellError> { p.get(o).map(|v| v.trim().parse::<i64>().map_err(|_| not_a(o, v, "Long"))).transpose() };
    let records = num("num-records")?.unwrap_or(0);
    let record_size = match p.get("record-size") {
        Some(v) => Some(v.trim().parse::<i32>().map_err(|_| not_a("record-size", v, "Integer"))?),
        None => None,
    };
    let throughput_milli = throughput_milli(p.get("throughput").unwrap_or_default())?;
    let duration = num("transaction-duration-ms")?;
    if records <= 0 {
        return Err(usage_error("--num-records should be greater than zero"));
    }
    if record_size.is_some_and(|s| s <= 0) {
        return Err(usage_error("--record-size should be greater than zero"));
    }
    if !p.has("producer-props") && !p.has("producer.config") {
        return Err(usage_error("Either --producer-props or --producer.config must be specified."));
    }
    if duration.is_some_and(|d| d <= 0) {
        return Err(usage_error("--transaction-duration-ms should be greater than zero"));
    }
    if p.has("payload-file") || p.has("producer.config") {
        let which = if p.has("payload-file") { "--payload-file" } else { "--producer.config" };
        return Err(ShellError::new(format!(
            "{which}: the simulator has no files; use --record-size N (or --payload-monotonic) and --producer-props bootstrap.servers=localhost:9092 k=v ..."
        )));
    }
    // ProducerPerformance.readProps: `prop.split("=")` must give two pieces (Java's split drops
    // trailing empty strings, so `acks=` fails too); the IllegalArgumentException ends main.
    let mut props: Vec<(&str, &str)> = Vec::new();
    for kv in p.all("producer-props") {
        match kv.split_once('=') {
            Some((k, v)) if !v.is_empty() && !v.contains('=') => props.push((k, v)),
            _ => return Err(ShellError::new(format!("Exception in thread \"main\" java.lang.IllegalArgumentException: Invalid property: {kv}"))),
        }
    }
    if p.has("transactional-id") || duration.is_some() || props.iter().any(|(k, _)| *k == "transactional.id") {
        return Err(ShellError::new(
            "Transactions are not simulated yet (they arrive with a later issue): run without --transactional-id, --transaction-duration-ms and transactional.id",
        ));
    }
    if p.has("print-metrics") {
        return Err(ShellError::new(
            "--print-metrics: the simulator does not keep the producer's metrics registry yet; leave it out (the summary line has throughput and latency)",
        ));
    }
    if records > MAX_RECORDS {
        return Err(ShellError::new(format!(
            "--num-records {records}: the simulator keeps every record in its logs, so a run sends at most {MAX_RECORDS}; use a smaller count"
        )));
    }
    if record_size.is_some_and(|s| s > 1_048_576) {
        return Err(ShellError::new("--record-size: at most 1048576 bytes in the simulator (Kafka's default max.request.size); use a smaller size"));
    }
    if throughput_milli == 0 {
        return Err(ShellError::new("--throughput 0 would never send a record (Kafka's throttler waits forever); give records per second, or -1 for no limit"));
    }
    if throughput_milli > 0 {
        let ms = (records as u128 - 1) * 1_000_000 / throughput_milli as u128;
        if ms > MAX_SEND_MS {
            return Err(ShellError::new(format!(
                "{records} records at --throughput {} take {} s of virtual time; the simulator runs a perf test for at most {} s: send fewer records or raise --throughput",
                p.get("throughput").unwrap_or_default().trim(),
                ms / 1_000,
                MAX_SEND_MS / 1_000
            )));
        }
    }
    // KafkaProducer's own configs; bootstrap.servers has no default (ConfigException), the
    // serializers are the tool's own (readProps sets ByteArraySerializer over them).
    let mut config = ProducerConfig::default();
    let mut client_id = "perf-producer-client".to_string();
    let mut bootstrap = false;
    for (k, v) in &props {
        match *k {
            "bootstrap.servers" => bootstrap = !v.trim().is_empty(),
            "client.id" => client_id = v.to_string(),
            "key.serializer" | "value.serializer" => {}
            _ => config.set(k, v)?,
        }
    }
    if !bootstrap {
        return Err(ShellError::new(
            "Exception in thread \"main\" org.apache.kafka.common.config.ConfigException: Missing required configuration \"bootstrap.servers\" which has no default value.",
        ));
    }
    settle_idempotence(&mut config, props.iter().any(|(k, _)| *k == "enable.idempotence"))?;
    config.validate()?;
    let payload = match record_size {
        Some(s) => Payload::Fixed(kafka_payload(s as usize)),
        None => Payload::Monotonic,
    };
    Ok(Plan { topic: p.get("topic").unwrap_or_default().to_string(), records: records as u64, payload, throughput_milli, config, client_id })
}

/// The run's state: when each record was sent, what its callback printed so far.
struct Run {
    id: crate::sim::ClientId,
    sent_at: Vec<Millis>,
    bytes: Vec<u32>,
    stats: Stats,
    out: String,
    failures: usize,
    delivery_timeout_ms: u64,
}

impl Run {
    /// Each finished batch calls its records' callbacks (PerfCallback.onCompletion).
    fn callbacks(&mut self, shell: &mut Shell) {
        for c in shell.sim.take_completions(self.id) {
            let numbers = c.records.iter().flat_map(|&(a, b)| a..=b);
            match c.error {
                None => {
                    for n in numbers {
                        let i = (n - 1) as usize;
                        self.stats.record(c.at - self.sent_at[i], u64::from(self.bytes[i]), c.at, &mut self.out);
                    }
                }
                Some(e) => {
                    let count = numbers.count();
                    for _ in 0..count {
                        self.failures += 1;
                        if self.failures <= SHOWN_FAILURES {
                            self.out.push_str(&exception(e, &c.tp, self.delivery_timeout_ms, count));
                            self.out.push('\n');
                        }
                    }
                }
            }
        }
    }

    /// Applies events up to virtual time `t` (all of them: the tool's thread sleeps meanwhile).
    fn run_until(&mut self, shell: &mut Shell, t: Millis) {
        shell.sim.run_until(t);
        self.callbacks(shell);
    }

    /// Applies one event; false when nothing is left to happen.
    fn step(&mut self, shell: &mut Shell) -> bool {
        let stepped = shell.sim.step().is_some();
        self.callbacks(shell);
        stepped
    }

    fn producer<'a>(&self, shell: &'a Shell) -> Option<&'a crate::sim::producer::Producer> {
        match shell.sim.client(self.id) {
            Some(Client::Producer(p)) => Some(p),
            _ => None,
        }
    }
}

pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    if args.is_empty() || args.iter().any(|a| a == "--help") {
        return Ok(HELP.to_string());
    }
    let plan = plan(args)?;
    let name = if shell.sim.client_id(&plan.client_id).is_none() { plan.client_id.clone() } else { shell.next_console_name(&plan.client_id) };
    let buffer_memory = plan.config.buffer_memory;
    let delivery_timeout_ms = plan.config.delivery_timeout_ms;
    let id = shell.sim.add_producer(&name, plan.config)?;
    shell.sim.take_completions(id);
    let start = shell.sim.now();
    let n = plan.records as usize;
    let mut run = Run {
        id,
        sent_at: Vec::with_capacity(n),
        bytes: Vec::with_capacity(n),
        stats: Stats::new(start),
        out: String::new(),
        failures: 0,
        delivery_timeout_ms,
    };
    let topic: Rc<str> = Rc::from(plan.topic.as_str());
    let headers: Rc<[(Rc<str>, Rc<str>)]> = Rc::from(Vec::new());
    for i in 0..plan.records {
        // ThroughputThrottler: record i goes at i / throughput seconds after the start (or at
        // once when the tool is behind, as after the first send's wait for metadata).
        if plan.throughput_milli > 0 {
            let due = start + (u128::from(i) * 1_000_000 / plan.throughput_milli as u128) as Millis;
            if due > shell.sim.now() {
                run.run_until(shell, due);
            }
        }
        let value = plan.payload.value(i);
        let size = record_size(None, Some(&value), &[]);
        // send() blocks while buffer.memory is full (BufferPool.allocate). After max.block.ms
        // Kafka fails the record (BufferExhaustedException); the simulator sends it then.
        let blocked_at = shell.sim.now();
        while run.producer(shell).is_some_and(|p| (p.pending_records() + 1) * size > buffer_memory) && shell.sim.now() - blocked_at < MAX_BLOCK_MS {
            if !run.step(shell) {
                break;
            }
        }
        run.sent_at.push(shell.sim.now());
        run.bytes.push(value.len() as u32);
        let record = ProducerRecord { topic: topic.clone(), partition: None, key: None, value: Some(value), headers: headers.clone() };
        shell.sim.produce(id, record)?;
        run.callbacks(shell);
        if i == 0 {
            // The first send() waits in waitOnMetadata until the topic's partitions are known
            // (the producer's Metadata request may create the topic, auto.create.topics.enable).
            let asked = shell.sim.now();
            while run.producer(shell).is_some_and(|p| !p.knows_topic(&topic) && p.pending_records() > 0) && shell.sim.now() - asked < MAX_BLOCK_MS {
                if !run.step(shell) {
                    break;
                }
            }
        }
    }
    // producer.close() waits for every record to be acknowledged or to fail.
    let deadline = shell.sim.now() + delivery_timeout_ms + 70_000;
    while run.producer(shell).is_some_and(|p| p.pending_records() > 0) && shell.sim.now() < deadline {
        if !run.step(shell) {
            break;
        }
    }
    let end = shell.sim.now();
    let _ = shell.sim.apply(Fault::CrashClient(id));
    shell.sim.record_client_history(id, false);
    if run.failures > SHOWN_FAILURES {
        run.out.push_str(&format!("({} more records failed the same way; Kafka prints each exception with its stack trace)\n", run.failures - SHOWN_FAILURES));
    }
    let mut out = std::mem::take(&mut run.out);
    out.push_str(&run.stats.total(end));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first 40 letters Java 17 prints for SplittableRandom(0).nextInt(26) + 65 (jshell).
    #[test]
    fn the_payload_is_kafkas_first_record() {
        assert_eq!(&*kafka_payload(40), "YQHHNEBSEPDNSEIFGAMSUJXKOLTXSPLGHDIOYZJF");
    }

    #[test]
    fn throughput_is_read_as_decimal_text() {
        assert_eq!(throughput_milli("1000").unwrap(), 1_000_000);
        assert_eq!(throughput_milli("0.5").unwrap(), 500);
        assert_eq!(throughput_milli("-1").unwrap(), -1_000);
        assert_eq!(throughput_milli(".25").unwrap(), 250);
        assert!(throughput_milli("fast").is_err());
        assert!(throughput_milli(".").is_err());
        assert!(throughput_milli("99999999999999999999").is_err());
    }

    #[test]
    fn producer_props_take_every_word_up_to_the_next_option() {
        let args: Vec<String> = ["--producer-props", "a=1", "b=2", "--topic", "t"].iter().map(|s| s.to_string()).collect();
        assert_eq!(spread_props(&args).unwrap(), vec!["--producer-props=a=1", "--producer-props=b=2", "--topic", "t"]);
        let args: Vec<String> = ["--producer-props", "--topic", "t"].iter().map(|s| s.to_string()).collect();
        assert_eq!(spread_props(&args).unwrap_err().message, "producer-performance: error: argument --producer-props: expected at least one argument");
    }
}
