//! `kafka-consumer-perf-test.sh` (Kafka's ConsumerPerformance,
//! tools/src/main/java/org/apache/kafka/tools/ConsumerPerformance.java, 4.0): a real consumer
//! joins a group, reads `--messages` records (or stops `--timeout` ms after the last one) and
//! prints the tool's header and result line, its times read from the virtual clock. The
//! rebalance time is the time spent without partitions, as ConsumerPerfRebListener measures
//! it; the rest is fetch time.
use super::clients::require_bootstrap;
use super::console_consumer::auto_create_then_partitions;
use super::java_format::{date, fixed};
use super::options::{self, flag, value, Parsed, Spec};
use super::topics::no_positional;
use super::{Shell, ShellError};
use crate::sim::config::{ConsumerConfig, OffsetReset};
use crate::sim::types::wall_clock_ms;
use crate::sim::{Client, ClientId, Millis};

pub(super) const SPECS: &[Spec] = &[
    value("bootstrap-server"),
    value("topic"),
    value("messages"),
    value("group"),
    value("fetch-size"),
    value("socket-buffer-size"),
    value("consumer.config"),
    flag("from-latest"),
    value("timeout"),
    value("reporting-interval"),
    flag("show-detailed-stats"),
    value("date-format"),
    flag("hide-header"),
    flag("print-metrics"),
    flag("help"),
];

/// The longest a run may read for, in virtual ms (a producer that never stops would otherwise
/// keep a large `--messages` reading for ever).
const MAX_RUN_MS: Millis = 600_000;
const MB: u128 = 1_048_576;

/// ConsumerPerformance.printHeader.
fn header(detailed: bool) -> &'static str {
    if detailed {
        "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
    } else {
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
    }
}

/// What one run counts, as ConsumerPerformance.consume keeps it.
#[derive(Default)]
struct Counts {
    messages: u64,
    bytes: u64,
    last_messages: u64,
    last_bytes: u64,
    /// Time without partitions, in all (joinTimeMs) and since the last report
    /// (joinTimeMsInSingleRound).
    join_ms: Millis,
    join_round_ms: Millis,
    /// consume() replaces its joinTimeMsInSingleRound with a fresh AtomicLong(0) after the
    /// first report, but the listener keeps adding to the old one: later reports print 0.
    round_reported: bool,
}

impl Counts {
    /// printConsumerProgress: one `--show-detailed-stats` row for the interval just ended.
    fn progress(&self, from: Millis, to: Millis, date_format: &str) -> String {
        let elapsed = u128::from(to - from);
        let (d_bytes, d_msgs) = (u128::from(self.bytes - self.last_bytes), u128::from(self.messages - self.last_messages));
        let fetch_ms = (to - from) as i64 - self.join_round_ms as i64;
        let (fetch_mb, fetch_msgs) = if fetch_ms <= 0 {
            ("0.0000".to_string(), "0.0000".to_string())
        } else {
            (fixed(1_000 * d_bytes, MB * fetch_ms as u128, 4), fixed(1_000 * d_msgs, fetch_ms as u128, 4))
        };
        format!(
            "{}, 0, {}, {}, {}, {}, {}, {fetch_ms}, {fetch_mb}, {fetch_msgs}\n",
            date(wall_clock_ms(to), date_format).unwrap_or_default(),
            fixed(u128::from(self.bytes), MB, 4),
            fixed(1_000 * d_bytes, MB * elapsed, 4),
            self.messages,
            fixed(1_000 * d_msgs, elapsed, 4),
            self.join_round_ms
        )
    }
}

/// An Integer or Long option as joptsimple converts it, absent: `default`.
fn number(p: &Parsed, name: &str, default: i64) -> Result<i64, ShellError> {
    Ok(p.int(name)?.unwrap_or(default))
}

pub fn run(shell: &mut Shell, args: &[String]) -> Result<String, ShellError> {
    let p = options::parse(args, SPECS)?;
    no_positional(&p, "kafka-consumer-perf-test.sh")?;
    // CommandLineUtils.maybePrintHelpOrVersion: the description (then joptsimple's option table).
    if p.has("help") || args.is_empty() {
        return Ok("This tool is used to verify the consumer performance.\n  --bootstrap-server <host:port> --topic <topic> --messages <count> [--group <gid>] [--from-latest] [--timeout <ms>]\n  [--show-detailed-stats] [--reporting-interval <ms>] [--date-format <pattern>] [--hide-header] [--fetch-size <bytes>]\n".into());
    }
    // ConsumerPerfOptions: CommandLineUtils.checkRequiredArgs(topic, messages); Kafka does
    // not check --bootstrap-server (its help says REQUIRED), the simulator does.
    for required in ["topic", "messages"] {
        if !p.has(required) {
            return Err(ShellError::new(format!("Missing required argument \"[{required}]\"")));
        }
    }
    require_bootstrap(&p)?;
    let messages = number(&p, "messages", 0)?;
    let fetch_size = p.int32("fetch-size")?;
    p.int32("socket-buffer-size")?;
    let timeout = number(&p, "timeout", 10_000)?;
    // --reporting-interval is converted by RegexMatcher `^\d+$`: a sign fails to parse.
    if p.get("reporting-interval").is_some_and(|v| !v.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ShellError::new(format!("Cannot parse argument '{}' of option reporting-interval", p.get("reporting-interval").unwrap_or_default())));
    }
    let reporting = number(&p, "reporting-interval", 5_000)?;
    if p.has("consumer.config") {
        return Err(ShellError::new(
            "--consumer.config: the simulator has no files; its consumer takes Kafka's defaults (with --fetch-size and --from-latest)",
        ));
    }
    if p.has("print-metrics") {
        return Err(ShellError::new(
            "--print-metrics: the simulator does not keep the consumer's metrics registry yet; leave it out (the result line has throughput and rebalance time)",
        ));
    }
    let detailed = p.has("show-detailed-stats");
    let head = if p.has("hide-header") { "" } else { header(detailed) };
    let date_format = p.get("date-format").unwrap_or("yyyy-MM-dd HH:mm:ss:SSS").to_string();
    // consume() reads the interval and builds the SimpleDateFormat after the header is out;
    // their exceptions end main with the message.
    if reporting <= 0 {
        return Err(ShellError::new(format!("{head}Reporting interval must be greater than 0.")));
    }
    let reporting = reporting as Millis;
    date(0, &date_format).map_err(|e| ShellError::new(format!("{head}{e}")))?;
    let topic = p.get("topic").unwrap_or_default().to_string();
    // The group defaults to perf-consumer-<Random.nextInt(100000)>: here a number drawn from
    // the run so far, the same on every replay.
    let group = p.get("group").map_or_else(|| format!("perf-consumer-{}", shell.sim.trace_hash() % 100_000), str::to_string);
    if group.is_empty() {
        // KafkaConsumer.subscribe throws InvalidGroupIdException; main prints its message.
        return Err(ShellError::new(format!(
            "{head}To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration."
        )));
    }

    let mut config =
        ConsumerConfig { auto_offset_reset: if p.has("from-latest") { OffsetReset::Latest } else { OffsetReset::Earliest }, ..ConsumerConfig::default() };
    if let Some(f) = fetch_size {
        config.set("max.partition.fetch.bytes", &f.to_string())?;
    }
    let base = "perf-consumer-client";
    let name = if shell.sim.client_id(base).is_none() { base.to_string() } else { shell.next_console_name(base) };
    let id = shell.sim.add_consumer(&name, config)?;
    shell.sim.record_client_history(id, true);
    // A missing topic is created by the consumer's Metadata request, as the console
    // consumer's is (allow.auto.create.topics and auto.create.topics.enable, both true).
    let missing = (!shell.sim.controller().topics.contains_key(topic.as_str())).then_some(topic.as_str());
    if let Err(e) = auto_create_then_partitions(shell, id, missing, std::slice::from_ref(&topic), None) {
        let _ = shell.sim.close_consumer(id);
        shell.sim.record_client_history(id, false);
        return Err(e);
    }
    if let Err(e) = shell.sim.subscribe(id, &group, vec![topic]) {
        close(shell, id);
        return Err(e.into());
    }

    let mut out = head.to_string();
    let start = shell.sim.now();
    let mut c = Counts::default();
    let (mut join_start, mut last_report, mut last_consumed) = (start, start, start);
    let (mut assigned, mut seen) = (false, 0usize);
    // The loop of consume(): poll until --messages are read or --timeout ms pass without one.
    while (c.messages as i64) < messages && (shell.sim.now() - last_consumed) as i64 <= timeout && shell.sim.now() - start < MAX_RUN_MS {
        let give_up = ((last_consumed as i64).saturating_add(timeout).saturating_add(1).max(0) as Millis).min(start + MAX_RUN_MS);
        if shell.sim.next_event_time().is_none_or(|t| t > give_up) {
            shell.sim.run_until(give_up);
        } else {
            shell.sim.step();
        }
        let now = shell.sim.now();
        let Some(Client::Consumer(consumer)) = shell.sim.client(id) else { break };
        // ConsumerPerfRebListener: time counts as rebalancing from losing the last partition
        // (or the start) until partitions are assigned again.
        match (assigned, consumer.assignment.is_empty()) {
            (false, false) => {
                c.join_ms += now - join_start;
                if !c.round_reported {
                    c.join_round_ms += now - join_start;
                }
                assigned = true;
            }
            (true, true) => {
                join_start = now;
                assigned = false;
            }
            _ => {}
        }
        let fresh = &consumer.consumed[seen.min(consumer.consumed.len())..];
        if !fresh.is_empty() {
            last_consumed = now;
        }
        seen += fresh.len();
        for (_, r) in fresh {
            c.messages += 1;
            c.bytes += (r.key.as_deref().map_or(0, str::len) + r.value.as_deref().map_or(0, str::len)) as u64;
            if now - last_report >= reporting {
                if detailed {
                    out.push_str(&c.progress(last_report, now, &date_format));
                }
                c.round_reported = true;
                c.join_round_ms = 0;
                last_report = now;
                c.last_messages = c.messages;
                c.last_bytes = c.bytes;
            }
        }
    }
    let end = shell.sim.now();
    if (c.messages as i64) < messages {
        if end - start >= MAX_RUN_MS {
            out.push_str(&format!("(the simulator ends a perf test after {} s of virtual time)\n", MAX_RUN_MS / 1_000));
        }
        out.push_str(&format!(
            "WARNING: Exiting before consuming the expected number of messages: timeout ({timeout} ms) exceeded. You can use the --timeout option to increase the timeout.\n"
        ));
    }
    close(shell, id);
    if !detailed {
        let elapsed = u128::from(end - start);
        let fetch = elapsed.saturating_sub(u128::from(c.join_ms));
        let (bytes, msgs) = (u128::from(c.bytes), u128::from(c.messages));
        out.push_str(&format!(
            "{}, {}, {}, {}, {}, {}, {}, {fetch}, {}, {}\n",
            date(wall_clock_ms(start), &date_format).unwrap_or_default(),
            date(wall_clock_ms(end), &date_format).unwrap_or_default(),
            fixed(bytes, MB, 4),
            fixed(1_000 * bytes, MB * elapsed, 4),
            c.messages,
            fixed(1_000 * msgs, elapsed, 4),
            c.join_ms,
            fixed(1_000 * bytes, MB * fetch, 4),
            fixed(1_000 * msgs, fetch, 4)
        ));
    }
    Ok(out)
}

/// consumer.close(): commits (enable.auto.commit) and leaves the group; the tool's kept
/// records go with it.
fn close(shell: &mut Shell, id: ClientId) {
    let _ = shell.sim.close_consumer(id);
    shell.sim.record_client_history(id, false);
    shell.sim.run_for(50);
}
